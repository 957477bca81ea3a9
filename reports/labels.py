"""Measurement keys in the results.json order and their Chinese titles, from
config/rulesets/measurements.yaml (the list every ruleset is checked against)."""
from __future__ import annotations

from typing import Iterable

import config

_MEASUREMENTS_FILE = "rulesets/measurements.yaml"


def measurement_order() -> tuple[str, ...]:
    """Every known key, in the file's order (which is the DOMAIN.md results.json order)."""
    return tuple(config.load_yaml(_MEASUREMENTS_FILE))


def ordered_keys(keys: Iterable[str]) -> list[str]:
    """Keys in the DOMAIN.md order; keys it does not know follow in the order given."""
    given = list(dict.fromkeys(keys))
    order = measurement_order()
    return [k for k in order if k in given] + [k for k in given if k not in order]


def measurement_label(key: str) -> str:
    """The Chinese title of a measurement; the key itself when the file does not know it."""
    entry = config.load_yaml(_MEASUREMENTS_FILE).get(key) or {}
    return entry.get("title") or key


# How a column was found (store Column.source) and where its category came from, in Chinese.
FOUND_BY = {"nav": "导航菜单", "more": "“更多”链接", "subnav": "栏目页侧栏", "channel": "频道页",
            "sitemap": "网站地图", "meta": "页面元数据", "breadcrumb": "面包屑导航", "table": "表格菜单"}
CATEGORY_SOURCE = {"override": "人工指定", "meta": "页面元数据", "name": "栏目名称"}


def found_by_label(source: str) -> str:
    return "、".join(FOUND_BY.get(s, s) for s in source.split(",") if s) if source else ""


def category_source_label(source: str) -> str:
    return CATEGORY_SOURCE.get(source, source)
