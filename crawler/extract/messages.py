"""Message boards (领导信箱、在线咨询、留言板): each message's posted and reply dates and status.

Three layouts real boards use: a table (标题/留言时间/回复时间/状态), rows with a status badge
(<li>, or any block repeated side by side: <div>, <p>, <dl>), and a detail page with 来信 and 回复
blocks. Pure functions over a parsed Page; the words come from
config/lexicons/message_board.yaml.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import config

from .dates import find_date_match, parse_date
from .links import link_kind
from .page import text_of


@dataclass
class MessageRow:
    url: str
    title: str
    posted: date | None
    replied: date | None
    status: str          # answered | in_progress | pending | '' (not shown)
    unit: str = ""


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    return config.load_yaml("lexicons/message_board.yaml")


@lru_cache(maxsize=1)
def _status_words() -> list[tuple[str, str]]:
    words = [(w, kind) for kind, ws in _lexicon()["status"].items() for w in ws]
    return sorted(words, key=lambda wk: -len(wk[0]))


def status_of(text: str) -> str:
    """The status a text shows (answered / in_progress / pending), '' when none."""
    for word, kind in _status_words():
        if word in text:
            return kind
    return ""


@lru_cache(maxsize=16)   # asked for on every article and list page
def _labels(kind: str) -> tuple[str, ...]:
    return tuple(sorted(_lexicon()["labels"][kind], key=len, reverse=True))


def _norm(text: str) -> str:
    return "".join(text.split()).strip("：:")


def _header_role(text: str) -> str | None:
    t = _norm(text)
    for role in ("posted", "replied", "unit", "status", "title"):
        if t in _labels(role):
            return role
    # A lone 时间 / 日期 column beside the title and status is when the message was posted.
    return "posted" if t in _lexicon()["labels"]["posted_header"] else None


# ---- table layout -------------------------------------------------------------------------------
def _cells(tr) -> list:
    return [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _table_rows(page, table) -> list[MessageRow]:
    rows = [tr for tr in table.iter("tr")]
    # The header row: the first of the table's first rows that names a title and a reply or
    # status column (a caption row such as 县长信箱 or a search form may stand above it).
    for head, tr in enumerate(rows[:4]):
        roles = [_header_role(text_of(c)) for c in _cells(tr)]
        if "title" in roles and {"replied", "status"} & set(roles):
            break
    else:
        return []
    out = []
    for tr in rows[head + 1:]:
        cells = _cells(tr)
        if len(cells) != len(roles):
            continue
        by_role = dict(zip(roles, cells))
        a = next(iter(by_role["title"].iter("a")), None)
        url = page.resolve(a.get("href")) if a is not None else None
        if not url or link_kind(url) == "image":
            continue
        cell = lambda r: " ".join(text_of(by_role[r]).split()) if r in by_role else ""  # noqa: E731
        out.append(MessageRow(url=url, title=" ".join(text_of(a).split()) or a.get("title", ""),
                              posted=parse_date(cell("posted")), replied=parse_date(cell("replied")),
                              status=status_of(cell("status")), unit=cell("unit")))
    return out


# ---- li-with-badge layout -----------------------------------------------------------------------
_REPLY_LABEL = re.compile("(?:" + "|".join(["回复", "答复", "办结"]) + r")\s*(?:时间|日期)?\s*[:：于]?\s*$")


def _li_row(page, li) -> MessageRow | None:
    anchors = [a for a in li.iter("a") if page.resolve(a.get("href"))]
    if len(anchors) != 1:
        return None
    a = anchors[0]
    outside = " ".join(t for el in li.iter() if isinstance(el.tag, str) and el is not a
                       and a not in el.iterancestors()
                       for t in (el.text or "", el.tail or "", el.get("alt") or "",
                                 el.get("title") or "") if t.strip())
    outside = " ".join(outside.split())
    status = status_of(outside)
    # No status word, but the row says 留言时间：… (回复时间：…): a board row all the same.
    if not status and not _posted_label().search(outside):
        return None
    posted = replied = None
    rest = outside
    while True:
        d, _, shown = find_date_match(rest)
        if d is None:
            break
        before = rest[:rest.index(shown)]
        if posted is None and not _REPLY_LABEL.search(before):
            posted = d
        elif replied is None:
            replied = d
        rest = rest[rest.index(shown) + len(shown):]
    return MessageRow(url=page.resolve(a.get("href")), title=" ".join(text_of(a).split()),
                      posted=posted, replied=replied,
                      status=status or ("answered" if replied else ""))


@lru_cache(maxsize=1)
def _posted_label() -> re.Pattern:
    return re.compile("(?:" + "|".join(map(re.escape, _labels("posted"))) + r")\s*[:：]")


def board_rows(page) -> list[MessageRow]:
    """The messages a board's list page shows, in either list layout; [] for other lists."""
    out: list[MessageRow] = []
    for table in page.body.iter("table"):
        if page.in_content(table) and not any(True for _ in table.iterdescendants("table")):
            out += _table_rows(page, table)
    if out:
        return out
    # Rows are li's, or any blocks repeated side by side (<div>/<p>/<dl> rows): a block holding
    # one link and a status word; a block of several rows holds several links and is none.
    for parent in page.body.iter():
        if not isinstance(parent.tag, str) or len(parent) < 2 or not page.in_content(parent):
            continue
        tags = Counter(c.tag for c in parent if isinstance(c.tag, str))
        for child in parent:
            if isinstance(child.tag, str) and (child.tag == "li" or tags[child.tag] >= 2):
                row = _li_row(page, child)
                if row is not None:
                    out.append(row)
    return out


# ---- detail page --------------------------------------------------------------------------------
def _after_label(text: str, labels: tuple[str, ...], colon: str = r"[:：]") -> str | None:
    for label in labels:
        if label not in text:
            continue   # most pages hold none of the labels: no pattern to match
        m = re.search(re.escape(label) + r"\s*" + colon + r"\s*", text)
        if m:
            return text[m.end():m.end() + 40]
    return None


_YEAR_FIRST = re.compile(r"(?:19|20)\d{2}|[〇零一二三四五六七八九]{4}年")


def _date_after(text: str, labels: tuple[str, ...]) -> date | None:
    """The date written right after a label: 留言时间：2026-07-08, or a letter drawn as a table
    whose label cell has no colon (留言时间 | 2026-07-08)."""
    for label in labels:
        if label not in text:
            continue   # most pages hold none of the labels: no pattern to match
        for m in re.finditer(re.escape(label) + r"\s*[:：]?\s*", text):
            rest = text[m.end():m.end() + 40]
            if _YEAR_FIRST.match(rest) and (d := parse_date(rest)):
                return d
    return None


def message_detail(page) -> MessageRow | None:
    """A letter's own page (来信 + 回复 blocks): its dates, status and replying unit; None when the
    page is no message."""
    text = page.main_text()
    posted = _date_after(text, _labels("posted"))
    if posted is None:
        return None
    replied = _date_after(text, _labels("replied"))
    status_text = _after_label(text, _labels("status"), colon=r"[:：]?")
    status = status_of(status_text[:8]) if status_text else ""
    unit_text = _after_label(text, _labels("unit"), colon=r"[:：]?") or ""
    unit = re.split(r"\s|[:：]", unit_text.strip(), maxsplit=1)[0] if unit_text.strip() else ""
    title = page.meta.get("ArticleTitle") or (page.title or "").split("_")[0]
    return MessageRow(url=page.url, title=title, posted=posted, replied=replied,
                      status=status or ("answered" if replied else ""), unit=unit)


# ---- boards that cannot be read -----------------------------------------------------------------
def gate(page) -> str | None:
    """'captcha' or 'login' when the page asks for one before showing messages, else None."""
    text = page.body_text()
    inputs = list(page.body.iter("input"))
    if any((el.get("type") or "").lower() == "password" for el in inputs) \
            or any(w in text for w in _lexicon()["gates"]["login"]):
        return "login"
    if inputs and any(w in text for w in _lexicon()["gates"]["captcha"]):
        return "captcha"
    return None
