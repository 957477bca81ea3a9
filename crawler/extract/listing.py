"""List items (信息条目) of homepage blocks and column pages, and blank-column recognition."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import config

from . import settings
from .article import is_article
from .columns import is_more_text
from .dates import find_date_match
from .links import link_kind, link_text, resolve
from .page import parse_fragment, text_of
from .rows import MAX_LINKS_PER_ROW, date_child, page_rows, rows, shape, trailing_date

_CUT = ("…", "...", "..", "……")
_PIN_CLASS = re.compile(r"^(top|is[-_]?top|zd|zhiding|sticky|pinned|ding|settop)$")
_PIN_LABEL = re.compile(r"^\s*[\[【(（]?\s*置顶\s*[\]】)）]?\s*")
# The links under an article to its neighbours: 上一篇：… / 下一条 …
_NEIGHBOUR = re.compile(r"^\s*[\[【(（]?\s*(上|下)一?(篇|条|则|页)\s*[\]】)）]?\s*[:：]?")
_OPTIONAL_BRACKETS = re.compile(r"^[\[【(（]|[\]】)）]$")
# A breadcrumb written as a list row or table row: 您的当前位置：首页 > … or 首页 -> 政府文件 -> …
_CRUMB_ROW = re.compile(r"^\s*(您?(的|现在的|当前的)?(当前)?所?在?位置(是)?\s*[:：]|首页\s*(>|->|»|›|＞|/|→))")
# Where an undated link leads to a column or a site (…/czyjs/, index.html, a bare host), not to
# one published item: navigation, footer and friend-link rows look like that.
_COLUMN_LAST_SEGMENT = re.compile(r"^((index|default|main|home)(_\d+)?\.\w+)?$", re.I)
_ID_DIGITS = re.compile(r"\d{4}")
_MENU_SEPARATORS = re.compile(r"[\s·|｜•]+")
_SECOND_LEVEL = frozenset({"gov", "com", "org", "net", "edu"})


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


def _is_pinned(entry, title_link, outside: str) -> bool:
    """outside: _text_outside(entry, title_link), which the caller reads anyway."""
    tokens = ((entry.get("class") or "") + " " + (entry.get("id") or "")).lower().split()
    if any(_PIN_CLASS.match(t) for t in tokens):
        return True
    for img in entry.iter("img"):
        if "置顶" in ((img.get("alt") or "") + (img.get("title") or "")):
            return True
    return "置顶" in outside or bool(_PIN_LABEL.match(" ".join(text_of(title_link).split())))


def _text_outside(entry, skip) -> str:
    """The entry's text without the title link's own text (where the date sits)."""
    parts: list[str] = []
    under = set(skip.iter())   # skip and what it holds: no walk up to the root per element
    for el in entry.iter():
        if not isinstance(el.tag, str):
            if el.tail:
                parts.append(el.tail)
            continue
        inside = el in under
        if el.text and not inside:
            parts.append(el.text)
        if el is not entry and el.tail and not (el is not skip and inside):
            parts.append(el.tail)
    return " ".join(" ".join(parts).split())


def _item_from_entry(entry, resolver) -> tuple[ListItem, bool] | None:
    """The entry's item and whether its title is short (an undated shortcut unless its list says
    otherwise), or None when the entry is no item at all."""
    anchors = []
    for a in entry.iter("a"):
        url = resolver(a.get("href"))
        if url and link_kind(url) != "image":
            anchors.append((a, url))
    if not anchors or len(anchors) > MAX_LINKS_PER_ROW:
        return None
    # The title link is the one with the longest text (category labels like [通知公告] are short;
    # the first of equals), each title read once.
    a, url, title = anchors[0][0], anchors[0][1], _title_of(anchors[0][0])
    for other, other_url in anchors[1:]:
        other_title = _title_of(other)
        if len(other_title) > len(title):
            a, url, title = other, other_url, other_title
    shown = date_child(a)   # <a><span>标题</span><em>2017-10-13</em></a>
    if shown is not None:
        title = " ".join(title.replace(" ".join(text_of(shown).split()), " ", 1).split()) or title
    if not title or is_more_text(title) or _NEIGHBOUR.match(title):
        return None
    outside = _text_outside(entry, a)
    pinned = _is_pinned(entry, a, outside)
    title = _PIN_LABEL.sub("", title) if pinned else title
    if _CRUMB_ROW.match(outside) or _NEIGHBOUR.match(outside):
        return None   # a breadcrumb (the title link its last crumb), or 上一篇/下一篇 under an article
    d, partial, date_text = find_date_match(outside)
    if shown is not None and not (d or partial):
        d, partial, date_text = find_date_match(" ".join(text_of(shown).split()))
    if not (d or partial) and (after := trailing_date(entry)):
        d, partial, date_text = find_date_match(after)   # <a>标题</a><i>2026-11-20</i>, no row
    return (ListItem(title, url, d, partial, date_text, pinned),
            len(title) < settings.get("undated_item_min_title"))


def list_items(page, shapes: frozenset = frozenset()) -> list[ListItem]:
    """Entries of content lists (homepage blocks, column lists, Hanweb records) in document order;
    none on an article page, whose sidebars and 关联稿件 are no list it publishes. `shapes`: the
    row shapes of the list's first page (row_shapes), when this is one of its later pages."""
    if is_article(page):
        return []
    return _select(_found(page_rows(page, page.in_content, shapes), page.resolve), page.url)


def row_shapes(page) -> frozenset:
    """The shapes of the dated rows of a list's first page, by which its later pages' rows are
    known even when the last page holds a single one."""
    if is_article(page):
        return frozenset()
    return frozenset(s for entry in page_rows(page, page.in_content)
                     if (found := _item_from_entry(entry, page.resolve)) is not None
                     and _is_dated(found[0]) and (s := shape(entry)) is not None)


def _found(entries, resolver) -> list:
    """(the entry's list, (item, short title)) for each entry that holds an item."""
    return [(entry.getparent(), found) for entry in entries
            if (found := _item_from_entry(entry, resolver)) is not None]


def _is_dated(item: ListItem) -> bool:
    return item.date is not None or item.partial is not None


def _leads_to_column(url: str) -> bool:
    parts = urlsplit(url)
    last = parts.path.rsplit("/", 1)[-1]
    if _COLUMN_LAST_SEGMENT.match(last):
        return True
    # …/ztzl/ndgzbb: a directory written without its slash (an article has an extension,
    # a query or an id number)
    return "." not in last and not parts.query and not _ID_DIGITS.search(last)


def _site(url: str) -> str:
    """The site a URL belongs to: hd.gov.cn for both www.hd.gov.cn and hdzfxxgk.hd.gov.cn."""
    labels = (urlsplit(url).hostname or "").split(".")
    keep = 3 if len(labels) > 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _select(rows: list, page_url: str) -> list[ListItem]:
    """Which rows a person reads as list items, judged per list (the rows' common parent).

    Dated rows always count. A list that is mostly dated keeps its undated rows unless their
    title is a short label. On a page with no dated row at all, a list that clearly dominates the
    page (信息公开指南: 44 departments, against a few menus of 5–10 links) keeps every row, short
    names such as 市教育局 included. Any other undated row counts only when it has a real title,
    sits in a list of two rows or more, and leads to an article of this site rather than to a
    column or another site (a footer 栏目 menu, friend links, 备案 and QQ links).
    """
    site = _site(page_url)
    groups: dict = {}
    for parent, (item, _) in rows:
        counts = groups.setdefault(parent, [0, 0])
        counts[0] += 1
        counts[1] += _is_dated(item)
    main = None
    if not any(dated for _, dated in groups.values()):
        sizes = sorted(((n, id(p), p) for p, (n, _) in groups.items()), reverse=True)
        runner_up = sizes[1][0] if len(sizes) > 1 else 0
        if sizes and sizes[0][0] >= max(settings.get("undated_list_min_rows"), 2 * runner_up):
            main = sizes[0][2]
    out: list[ListItem] = []
    for parent, (item, short) in rows:
        size, dated = groups[parent]
        if _is_dated(item) or parent is main:
            keep = True
        elif 2 * dated >= size:
            keep = not short
        else:
            keep = not short and size > 1 and _site(item.url) == site \
                and not _leads_to_column(item.url)
        if keep:
            out.append(item)
    return out


def items_from_records(records: list[str], base_url: str) -> list[ListItem]:
    """Items in Hanweb records (HTML snippets), e.g. from a dataproxy.jsp answer."""
    if not records:
        return []
    fragment = parse_fragment("".join(records))
    return _select(_found(rows(fragment.iter()), lambda href: resolve(href, base_url)), base_url)


def _label(a) -> str:
    text = " ".join(text_of(a).split())
    if not text:
        img = a.find(".//img")
        text = (img.get("alt") or "") if img is not None else ""
    return text


def _without_link_menus(page, text: str) -> str:
    """The text less the rows made of nothing but links: a 栏目 menu whose class names nothing
    (<div class="dhlm"><ul><li><a>…) is no content of the column it sits on."""
    for entry in page_rows(page, page.in_content):
        own = _MENU_SEPARATORS.sub("", text_of(entry))
        if own and own == _MENU_SEPARATORS.sub("", "".join(text_of(a) for a in entry.iter("a"))):
            text = text.replace("".join(text_of(entry).split()), "", 1)
    return text


def is_blank_column(page, items: list[ListItem]) -> bool:
    """No list items and no substantive text (main content under the threshold), or only a
    placeholder such as 暂无信息 (config/lexicons/blank_column.txt)."""
    if items:
        return False
    if any(page.in_content(a) and is_more_text(_label(a)) for a in page.body.iter("a")):
        return False   # a hub column: content blocks leading on to its sub-columns
    text = _without_link_menus(page, "".join(page.main_text().split()))
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
