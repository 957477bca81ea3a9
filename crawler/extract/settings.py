"""Extraction thresholds, from the `extract:` block of config/crawl.yaml (documented there)."""
from __future__ import annotations

from functools import lru_cache

import config


@lru_cache(maxsize=None)
def get(name: str) -> int:
    return int(config.load_yaml("crawl.yaml")["extract"][name])
