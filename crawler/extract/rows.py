"""List rows: the repeated blocks a list is made of, whatever tags draw them.

A list is a repetition: three or more sibling blocks sharing a structure (the same tag path down
to their link, whatever the tags are: div, p, span, a …), each holding one main link and most of
them a date (two will do when both are dated: a list's last page). HTML's own list rows (li, tr,
dd) are rows however few. Only the deepest rows count: a block of rows is no row itself.
"""
from __future__ import annotations

from .dates import find_date_match
from .page import text_of
from . import settings

# HTML's own list rows: rows by markup, with or without siblings like them.
ROW_TAGS = frozenset({"li", "tr", "dd"})
MAX_LINKS_PER_ROW = 4        # title + 附件/查看/栏目 labels; more means a menu, not an entry


def _collapse(text: str) -> str:
    return " ".join(text.split())


def date_child(a):
    """An element inside a title link that shows only a date (<a><span>标题</span><em>2017-10-13</em></a>)."""
    for el in a.iterdescendants():
        if not isinstance(el.tag, str):
            continue
        text = _collapse(text_of(el)).strip(" []()【】（）")
        if not text or len(text) > 24:
            continue
        d, partial, shown = find_date_match(text)
        if (d or partial) and len(shown) >= len(text) - 6:   # the date, maybe with a time
            return el
    return None


def main_link(row):
    """The row's title link: the one with the longest text."""
    links = [a for a in row.iter("a") if a.get("href")]
    if not links or len(links) > MAX_LINKS_PER_ROW:
        return None
    return max(links, key=lambda a: len(_collapse(text_of(a))))


def trailing_date(row) -> str:
    """The date a row without a wrapper shows right after itself: <a>标题</a><i>2026-11-20</i> or
    <a>标题</a> 2026-11-20, siblings in one block. '' when none."""
    tail = _collapse(row.tail or "")
    if tail:
        d, partial, shown = find_date_match(tail)
        return shown if (d or partial) and len(shown) >= len(tail.strip(" []()【】（）")) - 6 else ""
    nxt = row.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):
        nxt = nxt.getnext()
    if nxt is None or nxt.tag == "a" or nxt.find(".//a") is not None:
        return ""
    text = _collapse(text_of(nxt)).strip(" []()【】（）")
    if not text or len(text) > 24:
        return ""
    d, partial, shown = find_date_match(text)
    return shown if (d or partial) and len(shown) >= len(text) - 6 else ""


def is_dated(row) -> bool:
    """The row shows a date beside (or inside) its title link, or right after itself."""
    a = main_link(row)
    if a is None:
        return False
    outside = text_of(row).replace(text_of(a), " ", 1) if a is not row else ""
    d, partial, _ = find_date_match(outside)
    return bool(d or partial) or date_child(a) is not None or bool(trailing_date(row))


def _signature(el):
    """The block's tag and the tag path down to its first link; None when it holds no link."""
    a = el if el.tag == "a" else next(el.iter("a"), None)
    if a is None:
        return None
    path = []
    for anc in a.iterancestors():
        if anc is el:
            break
        path.append(anc.tag)
    return el.tag, tuple(reversed(path))


def _repeated(el) -> list:
    """el's children that form a dated repetition (list rows drawn without li/tr/dd)."""
    groups: dict = {}
    for child in el:
        if isinstance(child.tag, str) and child.tag not in ROW_TAGS:
            sig = _signature(child)
            if sig is not None:
                groups.setdefault(sig, []).append(child)
    out = []
    min_repeats = settings.get("list_min_repeats")
    for members in groups.values():
        # three or more, most of them dated; or two, both dated (a list's last page)
        if len(members) >= min_repeats:
            if _dated_at_least(members, (len(members) + 1) // 2):
                out += members
        elif len(members) == 2 and _dated_at_least(members, 2):
            out += members
    return out


def _dated_at_least(members: list, wanted: int) -> bool:
    """Whether at least `wanted` of the members are dated (is_dated is the costly part of finding
    rows: it stops as soon as the answer is known, and a lone block never asks)."""
    if wanted <= 0:
        return True
    dated, left = 0, len(members)
    for m in members:
        left -= 1
        if is_dated(m):
            dated += 1
            if dated >= wanted:
                return True
        elif dated + left < wanted:
            return False
    return False


def shape(el) -> tuple | None:
    """A row's shape: its signature and its list's tag and class. A paged list's later pages
    draw their rows in page 1's shape, however few rows the last page holds."""
    sig = _signature(el)
    parent = el.getparent()
    if sig is None or parent is None:
        return None
    return sig + (parent.tag, parent.get("class") or "")


def rows(elements, keep=None, shapes: frozenset = frozenset()) -> list:
    """The deepest list rows among the elements (document order); keep(el) filters them
    (e.g. page.in_content) after nesting is judged. Blocks of one of `shapes` (the rows of the
    list's first page) are rows even alone."""
    elements = [el for el in elements if isinstance(el.tag, str)]
    repeated: set = set()
    for el in elements:
        if len(el) >= 2:
            repeated.update(_repeated(el))
        if shapes and el.tag not in ROW_TAGS and shape(el) in shapes:
            repeated.add(el)
    candidates = [el for el in elements if el.tag in ROW_TAGS or el in repeated]
    holders: set = set()
    for el in candidates:
        for anc in el.iterancestors():
            if anc in holders:
                break
            holders.add(anc)
    return [el for el in candidates if el not in holders and (keep is None or keep(el))]


def page_rows(page, keep=None, shapes: frozenset = frozenset()) -> list:
    """rows(page.iter_elements(), keep, shapes), the rows found once per page and shapes: the
    article test, the list items, the row shapes and row_of all ask for them (keep only filters
    the result, so it is applied to the one found)."""
    cache = page.__dict__.setdefault("_rows", {})
    found = cache.get(shapes)
    if found is None:
        found = cache[shapes] = rows(page.iter_elements(), None, shapes)
    return found if keep is None else [el for el in found if keep(el)]


def row_of(page, a):
    """The list row holding the link a (content or furniture), or None."""
    found = getattr(page, "_list_row_set", None)
    if found is None:
        found = page._list_row_set = set(page_rows(page))
    return next((p for p in a.iterancestors() if p in found or p.tag in ROW_TAGS), None)
