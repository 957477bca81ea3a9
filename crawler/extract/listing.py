"""List items (信息条目) of homepage blocks and column pages, and blank-column recognition."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import config

from . import settings
from .columns import is_more_text
from .dates import find_date_match
from .links import link_kind, link_text, resolve
from .page import parse_fragment, text_of

ENTRY_TAGS = ("li", "tr", "dd")
_MAX_LINKS_PER_ENTRY = 4        # title + 附件/查看/栏目 labels; more means a menu, not an entry
_CUT = ("…", "...", "..", "……")
_PIN_CLASS = re.compile(r"^(top|is[-_]?top|zd|zhiding|sticky|pinned|ding|settop)$")
_PIN_LABEL = re.compile(r"^\s*[\[【(（]?\s*置顶\s*[\]】)）]?\s*")
_OPTIONAL_BRACKETS = re.compile(r"^[\[【(（]|[\]】)）]$")


@dataclass
class ListItem:
    title: str
    url: str
    date: date | None
    partial: tuple[int, int] | None   # (month, day) when only 11-20 is shown
    date_text: str
    pinned: bool


def _title_of(a) -> str:
    text = " ".join(text_of(a).split())
    title = " ".join((a.get("title") or "").split())
    if title and (not text or text.endswith(_CUT)):
        return title
    return text or title or link_text(a)


def _is_pinned(entry, title_link) -> bool:
    for el in entry.iter():
        if not isinstance(el.tag, str):
            continue
        tokens = ((el.get("class") or "") + " " + (el.get("id") or "")).lower().split()
        if el is entry and any(_PIN_CLASS.match(t) for t in tokens):
            return True
        if el.tag == "img" and "置顶" in ((el.get("alt") or "") + (el.get("title") or "")):
            return True
    return "置顶" in _text_outside(entry, title_link) or \
        bool(_PIN_LABEL.match(" ".join(text_of(title_link).split())))


def _text_outside(entry, skip) -> str:
    """The entry's text without the title link's own text (where the date sits)."""
    parts: list[str] = []
    for el in entry.iter():
        if not isinstance(el.tag, str):
            if el.tail:
                parts.append(el.tail)
            continue
        inside = el is skip or any(p is skip for p in el.iterancestors())
        if el.text and not inside:
            parts.append(el.text)
        if el is not entry and el.tail and not (el is not skip and inside):
            parts.append(el.tail)
    return " ".join(" ".join(parts).split())


def _item_from_entry(entry, resolver) -> ListItem | None:
    anchors = []
    for a in entry.iter("a"):
        url = resolver(a.get("href"))
        if url and link_kind(url) != "image":
            anchors.append((a, url))
    if not anchors or len(anchors) > _MAX_LINKS_PER_ENTRY:
        return None
    # The title link is the one with the longest text (category labels like [通知公告] are short).
    a, url = max(anchors, key=lambda au: len(_title_of(au[0])))
    title = _title_of(a)
    if not title or is_more_text(title):
        return None
    pinned = _is_pinned(entry, a)
    title = _PIN_LABEL.sub("", title) if pinned else title
    d, partial, date_text = find_date_match(_text_outside(entry, a))
    if d is None and partial is None and len(title) < settings.get("undated_item_min_title"):
        return None   # shortcut / icon links (网上办事, 领导信箱), not published items
    return ListItem(title, url, d, partial, date_text, pinned)


def _entries(elements, page=None):
    for el in elements:
        if el.tag not in ENTRY_TAGS:
            continue
        if page is not None and not page.in_content(el):
            continue
        if any(True for tag in ENTRY_TAGS for _ in el.iterdescendants(tag)):
            continue   # a menu level or layout row holding entries of its own
        yield el


def list_items(page) -> list[ListItem]:
    """Entries of content lists (homepage blocks, column lists, Hanweb records) in document order."""
    out: list[ListItem] = []
    for entry in _entries(page.iter_elements(), page):
        item = _item_from_entry(entry, page.resolve)
        if item is not None:
            out.append(item)
    return out


def items_from_records(records: list[str], base_url: str) -> list[ListItem]:
    """Items in Hanweb records (HTML snippets), e.g. from a dataproxy.jsp answer."""
    if not records:
        return []
    fragment = parse_fragment("".join(records))
    out = []
    for entry in _entries(fragment.iter()):
        item = _item_from_entry(entry, lambda href: resolve(href, base_url))
        if item is not None:
            out.append(item)
    return out


def _label(a) -> str:
    text = " ".join(text_of(a).split())
    if not text:
        img = a.find(".//img")
        text = (img.get("alt") or "") if img is not None else ""
    return text


def is_blank_column(page, items: list[ListItem]) -> bool:
    """No list items and no substantive text (main content under the threshold), or only a
    placeholder such as 暂无信息 (config/lexicons/blank_column.txt)."""
    if items:
        return False
    if any(page.in_content(a) and is_more_text(_label(a)) for a in page.body.iter("a")):
        return False   # a hub column: content blocks leading on to its sub-columns
    text = "".join(page.main_text().split())
    limit = settings.get("blank_min_chars")
    if len(text) < limit:
        return True
    placeholders = [p for p in config.lexicon("blank_column") if p in text]
    if not placeholders:
        return False
    rest = text
    for p in placeholders:
        rest = rest.replace(p, "")
    return len(rest) < limit
