"""Dates as Chinese government sites write them: in list entries, article pages and URLs.

Pure functions; nothing here reads the clock, so the same page always gives the same date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

MIN_YEAR, MAX_YEAR = 1990, 2100

_SEP = r"\s*[-/.]\s*"
# 2026-11-20, 2026/11/20, 2026.11.20, 2026年11月20日 (optionally followed by a time).
_FULL = re.compile(
    r"(?<!\d)(\d{4})(?:" + _SEP + r"(\d{1,2})" + _SEP + r"(\d{1,2})(?!\d)"
    r"|\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?)")
# 20261120, only when the text is nothing but that (maybe with a time): otherwise it is an id.
_COMPACT = re.compile(r"^\s*[\[(【]?((?:19|20)\d{2})(\d{2})(\d{2})[\])】]?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
# 11-20, [11-20], 11/20, 11.20, 11月20日: month and day only.
_PARTIAL = re.compile(r"(?<![\d\-/.:])(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?![\d:])\s*日?")
# 二〇二六年十一月二十日 (official documents).
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_CN_FULL = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")


def make_date(year: int, month: int, day: int) -> date | None:
    """A valid date with a plausible year (1990–2100), else None."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _cn_number(s: str) -> int:
    """一 → 1, 十一 → 11, 二十 → 20, 三十一 → 31 (month and day numbers)."""
    if "十" not in s:
        return _CN_DIGITS[s] if len(s) == 1 else -1
    tens, _, ones = s.partition("十")
    return (_CN_DIGITS.get(tens, -9) if tens else 1) * 10 + (_CN_DIGITS.get(ones, -99) if ones else 0)


def parse_date(text: str | None) -> date | None:
    """The first full, valid date in the text, or None (month-day alone is not a full date)."""
    if not text:
        return None
    for m in _FULL.finditer(text):
        month, day = (m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5))
        d = make_date(int(m.group(1)), int(month), int(day))
        if d:
            return d
    m = _COMPACT.match(text)
    if m:
        return make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _CN_FULL.search(text)
    if m:
        year = int("".join(str(_CN_DIGITS[c]) for c in m.group(1)))
        return make_date(year, _cn_number(m.group(2)), _cn_number(m.group(3)))
    return _dateparser(text)


def _dateparser(text: str) -> date | None:
    """Other spellings (e.g. 'Nov 20, 2026'), only for short texts that name a year."""
    if len(text) > 40 or not re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", text):
        return None
    import dateparser  # slow to import; most pages never get here
    parsed = dateparser.parse(text, languages=["zh", "en"], settings={
        "REQUIRE_PARTS": ["day", "month", "year"], "RELATIVE_BASE": datetime(2000, 1, 1),
        "PREFER_DATES_FROM": "past"})
    return make_date(parsed.year, parsed.month, parsed.day) if parsed else None


def find_date_match(text: str) -> tuple[date | None, tuple[int, int] | None, str]:
    """Like find_date, plus the matched text as shown on the page."""
    if not text:
        return None, None, ""
    for m in _FULL.finditer(text):
        month, day = (m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5))
        d = make_date(int(m.group(1)), int(month), int(day))
        if d:
            return d, None, m.group(0).strip()
    m = _COMPACT.match(text)
    if m:
        d = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            return d, None, m.group(0).strip(" []()【】")
    for m in _PARTIAL.finditer(text):
        month, day = int(m.group(1)), int(m.group(2))
        # 2000 is a leap year: accepts 02-29, rejects 02-30 and 13-01.
        if make_date(2000, month, day):
            return None, (month, day), m.group(0).strip()
    return None, None, ""


def find_date(text: str) -> tuple[date | None, tuple[int, int] | None]:
    """A list entry's date: (full date, None), (None, (month, day)) or (None, None)."""
    d, partial, _ = find_date_match(text)
    return d, partial


_URL_PATTERNS = [
    # TRS: t20261120_123456.html, also P020261120... attachment names
    re.compile(r"(?<![\da-z])[tP]0?((?:19|20)\d{2})(\d{2})(\d{2})_\d+"),
    # /2026/11/20/, /art/2026/11/20/, /2026-11-20/, /2026-11/20/, /2026_11_20/
    re.compile(r"/((?:19|20)\d{2})[-/_](\d{1,2})[-/_](\d{1,2})(?=[/_.-])"),
    # /2026/1120/ and /202611/20/
    re.compile(r"/((?:19|20)\d{2})/(\d{2})(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})/(\d{2})/"),
    # /20261120/ directory or 20261120xxxx.html file name
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})(?:/|\d{0,10}\.s?html?$)"),
]
# /202611/ (TRS month directory): the first of that month, never later than the real date.
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})(\d{2})/")


def date_from_url(url: str | None) -> date | None:
    """The publication date a CMS wrote into the article URL, or None."""
    if not url:
        return None
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", url, flags=re.I).split("#", 1)[0]
    for pattern in _URL_PATTERNS:
        for m in pattern.finditer(path):
            d = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if d:
                return d
    for m in _URL_MONTH.finditer(path):
        d = make_date(int(m.group(1)), int(m.group(2)), 1)
        if d:
            return d
    return None


_LABEL_PUBLISH = re.compile(r"(?:发布时间|发布日期|发表时间|发稿时间|发文日期|发布于)\s*[:：]?\s*")
# A bare 日期/时间 label, not part of 成文日期 / 截止时间 etc.
_LABEL_BARE = re.compile(r"(?<![\u4e00-\u9fff])(?:日期|时间)\s*[:：]\s*")


def label_date(text: str) -> date | None:
    """The date after a 发布时间/发布日期 label, else after a bare 日期/时间 label."""
    for label in (_LABEL_PUBLISH, _LABEL_BARE):
        for m in label.finditer(text):
            d = parse_date(text[m.end():m.end() + 40])
            if d:
                return d
    return None


@dataclass(frozen=True)
class ArticleDate:
    date: date | None
    source: str            # which one is the date: 'page' (shown on it) | 'meta' | 'htmldate' | ''
    meta: date | None      # the PubDate-style meta, used or not (a republished page's is later)


def _meta_date(page) -> date | None:
    for key, value in page.meta_all.items():
        if key.lower() in ("pubdate", "publishdate", "firstpublishedtime"):
            d = parse_date(value)
            if d:
                return d
    return None


def article_dates(page, use_htmldate: bool = True) -> ArticleDate:
    """An article page's publication date, the one a person reads first: the 发布时间-style date
    of its content, then the PubDate meta (a republished page's meta says when it was copied:
    meta 2022-04-24 on a page that says 2017-05-15), then such a date anywhere on the page, then
    htmldate's guess.

    Never the URL: the caller falls back to date_from_url itself, and passes use_htmldate=False
    when the URL carries a date (htmldate is the slowest step of a page, and the URL's date
    comes before its guess).
    """
    meta = _meta_date(page)
    shown = label_date(page.main_text())
    if shown:
        return ArticleDate(shown, "page", meta)
    if meta:
        return ArticleDate(meta, "meta", meta)
    shown = label_date(page.body_text())
    if shown:
        return ArticleDate(shown, "page", meta)
    found = _htmldate(page) if use_htmldate else None
    return ArticleDate(found, "htmldate" if found else "", meta)


def article_date(page, use_htmldate: bool = True) -> date | None:
    """article_dates' date."""
    return article_dates(page, use_htmldate).date


def _htmldate(page) -> date | None:
    import lxml.html
    from htmldate import find_date as hd_find_date
    from lxml import etree
    # htmldate wants lxml.html elements; this copy is also ours to prune.
    tree = lxml.html.document_fromstring(etree.tostring(page.tree, encoding="unicode"))
    # htmldate would read dates out of canonical/og:url addresses; the URL is not ours to use here.
    for el in tree.xpath('//link[@rel="canonical"]|//meta[@property="og:url"]'):
        el.getparent().remove(el)
    try:
        found = hd_find_date(tree, url="", original_date=True, extensive_search=False,
                             min_date="1990-01-01", max_date="2100-01-01")
    except Exception:  # noqa: BLE001 - a library failure means "no date", not a crash
        return None
    return parse_date(found) if found else None
