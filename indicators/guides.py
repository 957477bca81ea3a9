"""Service guides (办事指南): which of the eight element categories each guide shows. Pure.

A guide is an item of a guide column (taxonomy category `guide`), or any page showing at least
`min_elements_outside_guide_columns` element categories. An element is present when one of the
page's labelled fields (table row, '标签：内容' line, heading) carries one of its synonyms
(config/services/guide_elements.yaml) with real content; '无', '暂无' or a blank cell is missing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indicators.findings import Finding
from indicators.observations import PageText, SiteObservations

MEASURE = "guides_missing_elements"
_TRAILING = re.compile(r"[。．.；;，,、\s]+$")
_UNSEEN = object()


@dataclass
class Guide:
    url: str
    title: str
    present: set[str]          # element ids with content
    empty: set[str]            # element ids labelled but empty


def element_of(label: str, elements: list[dict]) -> str | None:
    """The element id a label names: equal to a synonym, starting with one (申请材料目录), or
    ending with one of four characters or more (申请受理条件, 网上办理流程; a short synonym such as
    事项 would also end 注意事项)."""
    for el in elements:
        for syn in el["synonyms"]:
            if label == syn or (len(label) <= len(syn) + 4 and (
                    label.startswith(syn) or (len(syn) >= 4 and label.endswith(syn)))):
                return el["id"]
    return None


def is_empty(value: str, empty_values: set[str]) -> bool:
    value = _TRAILING.sub("", value.strip())
    return not value or value in empty_values


def read_guide(url: str, title: str, page: PageText, cfg: dict,
               memo: dict[str, str | None] | None = None) -> Guide:
    """memo: label → element_of(label), shared by the pages of one site (the same few labels
    recur on every page: matching each against every synonym was half of scoring's CPU)."""
    empty_values = {_TRAILING.sub("", v) for v in cfg["empty_values"]}
    memo = {} if memo is None else memo
    present, empty = set(), set()
    for label, value in page.pairs:
        el = memo.get(label, _UNSEEN)
        if el is _UNSEEN:
            el = memo[label] = element_of(label, cfg["elements"])
        if el is None:
            continue
        (empty if is_empty(value, empty_values) else present).add(el)
    return Guide(url, title, present, empty - present)


def find_guides(obs: SiteObservations, cfg: dict) -> list[Guide]:
    titles: dict[str, str] = {}
    for col in obs.columns:
        if col.category == "guide":
            for it in col.items:
                titles.setdefault(it.url, it.title)
    guides, memo = [], {}
    for url, page in obs.pages.items():
        if url in titles:
            guides.append(read_guide(url, titles[url] or page.title, page, cfg, memo))
            continue
        g = read_guide(url, page.title, page, cfg, memo)
        if len(g.present | g.empty) >= cfg["min_elements_outside_guide_columns"]:
            guides.append(g)
    return sorted(guides, key=lambda g: g.url)


def missing_elements(obs: SiteObservations, cfg: dict) -> tuple[int, list[Finding]]:
    """Element categories missing from at least one guide, and per category the guides lacking it."""
    guides = find_guides(obs, cfg)
    findings = []
    for el in cfg["elements"]:
        lacking = [g for g in guides if el["id"] not in g.present]
        if not lacking:
            continue
        listed = "；".join(f"{g.title}（{g.url}）" + ("，内容为空" if el["id"] in g.empty else "")
                          for g in lacking)
        findings.append(Finding(kind="guide_missing_element", measure=MEASURE, url=lacking[0].url,
                                title=el["title"], term=el["title"],
                                evidence=f"{len(lacking)} 个办事指南缺少“{el['title']}”：{listed}"))
    return len(findings), findings
