"""Extraction thresholds, read from config/crawl.yaml (`extract:` block) with documented defaults.

The defaults are the values the brief and DOMAIN.md give; an office can override them in its copy
of crawl.yaml without touching code.
"""
from __future__ import annotations

from functools import lru_cache

import config

DEFAULTS = {
    # DOMAIN.md: main content with fewer characters than this is "no substantive text".
    "blank_min_chars": 20,
    # A page whose main text is shorter than this is "short" for soft-404 phrase matching in the body.
    "not_found_max_chars": 300,
    # Undated list entries with a shorter title are shortcut/icon links, not published items.
    "undated_item_min_title": 5,
    # Hanweb pager default when the page does not say perPage.
    "hanweb_per_page": 15,
}


@lru_cache(maxsize=None)
def get(name: str) -> int:
    try:
        block = config.load_yaml("crawl.yaml").get("extract") or {}
    except (OSError, AttributeError):
        block = {}
    return int(block.get(name, DEFAULTS[name]))
