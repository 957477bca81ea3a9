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
