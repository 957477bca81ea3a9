"""Rulesets, the column taxonomy, lexicons and crawl defaults, as data files.

Code reads every census number and threshold from here; nothing in this package decides anything.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

CONFIG_DIR = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    return CONFIG_DIR.joinpath(*parts)


@lru_cache(maxsize=None)
def load_yaml(name: str) -> dict:
    """Load a bundled YAML file, e.g. load_yaml('taxonomy.yaml')."""
    with open(path(name), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=None)
def lexicon(name: str) -> tuple[str, ...]:
    """A bundled word list (config/lexicons/NAME.txt): one entry a line, '#' starts a comment."""
    lines = path("lexicons", f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(s for s in (line.split("#", 1)[0].strip() for line in lines) if s)
