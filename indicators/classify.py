"""Column categories (the taxonomy the update rules need): the user's override, else the page's
ColumnType meta, else the column's name — config/taxonomy.yaml's documented order.

Classifying is an indicator's job, not the crawler's: the crawl stores names and meta tags as seen,
and categories are assigned when observations are loaded, so editing overrides needs no new crawl.
"""
from __future__ import annotations

import re


def _norm(text: str) -> str:
    return "".join(text.split())


def _url_key(url: str) -> str:
    url = url.strip().split("#", 1)[0]
    url = re.sub(r"/index\.(s?html?|jsp|php|aspx?)$", "/", url, flags=re.I)
    return url.rstrip("/").lower()


def classify_column(name: str | None, column_type: str | None, taxonomy: dict,
                    overrides: dict | None = None, url: str | None = None
                    ) -> tuple[str | None, str | None]:
    """(category, source): the user's override, else meta ColumnType, else the column name
    (exact names first, then keywords, in taxonomy order) — config/taxonomy.yaml's documented order."""
    cats: dict = taxonomy.get("categories", taxonomy)
    if overrides:
        table = overrides.get("columns") if isinstance(overrides.get("columns"), dict) else overrides
        key = override_key(table, name, url)
        if key is not None:
            return table[key], "override"
    category = _lookup(cats, column_type, "column_types", "column_types")
    if category:
        return category, "meta"
    category = _lookup(cats, name, "names", "keywords")
    if category:
        return category, "name"
    return None, None


def override_key(table: dict, name: str | None, url: str | None) -> str | None:
    """The key of the user's override table that names this column (its URL first, then its name)."""
    if url:
        wanted = _url_key(url)
        for k in table:
            if isinstance(k, str) and "/" in k and _url_key(k) == wanted:
                return k
    if name:
        for k in table:
            if isinstance(k, str) and _norm(k) == _norm(name):
                return k
    return None


def _lookup(cats: dict, value: str | None, exact_key: str, part_key: str) -> str | None:
    """The first category listing `value` under exact_key, else one whose part_key entry it contains."""
    v = _norm(value or "")
    if not v:
        return None
    for cat, spec in cats.items():
        if v in [_norm(x) for x in spec.get(exact_key, [])]:
            return cat
    for cat, spec in cats.items():
        if any(_norm(x) in v for x in spec.get(part_key, [])):
            return cat
    return None
