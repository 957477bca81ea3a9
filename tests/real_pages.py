"""Saved real government pages (tests/fixtures/real) and what a person sees on them."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from crawler.extract import links as xlinks
from crawler.extract import listing, paging
from crawler.extract.encoding import decode_body
from crawler.extract.page import parse_page

REAL = Path(__file__).parent / "fixtures" / "real"


@dataclass
class Seen:
    """One page's figures: extracted by the crawler or written by hand."""
    items: list[tuple[str, str, str | None]]   # (title, url, date or None)
    next_pages: list[str]
    attachments: list[str]


def fixtures(prefixes=("list_", "page_", "pager_", "crumb_", "date_")) -> list[str]:
    return sorted(p.stem for p in REAL.glob("*.yaml") if p.stem.startswith(prefixes))


def _data(name: str) -> dict:
    return yaml.safe_load((REAL / f"{name}.yaml").read_text(encoding="utf-8"))


def truth(name: str) -> tuple[str, Seen]:
    data = _data(name)
    items = [(i["title"], i["url"], str(i["date"]) if i["date"] else None) for i in data["items"]]
    return data["url"], Seen(items, list(data["next_pages"]), list(data["attachments"]))


def crumbs(name: str) -> list[str] | None:
    """The breadcrumb written down for the page, None where its truth has none."""
    return _data(name).get("breadcrumb")


def parsed(name: str, url: str):
    text, _ = decode_body((REAL / f"{name}.html").read_bytes(), "text/html")
    return parse_page(text, url)


def extracted(name: str, url: str) -> Seen:
    page = parsed(name, url)
    items = [(i.title, i.url, i.date.isoformat() if i.date else None)
             for i in listing.list_items(page)]
    attachments = [ln.url for ln in xlinks.extract_links(page) if ln.kind == "attachment"]
    return Seen(items, paging.next_pages(page), attachments)
