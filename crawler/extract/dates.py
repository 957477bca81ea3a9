"""Dates as Chinese government sites write them: in list entries, article pages and URLs.

Pure functions; nothing here reads the clock, so the same page always gives the same date.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree

from .page import text_of   # memoised per element: the same headings are read again

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


_SCHEME_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://[^/]*", re.I)


@lru_cache(maxsize=8192)   # asked for every link by several column extractors
def date_from_url(url: str | None) -> date | None:
    """The publication date a CMS wrote into the article URL, or None."""
    if not url:
        return None
    path = _SCHEME_HOST.sub("", url).split("#", 1)[0]
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


# The separators of a <title>: 标题_栏目_站名, 标题 - 站名 (a part is a title a heading repeats).
TITLE_SEP = re.compile(r"\s*(?:[-_|—–－｜]+)\s*")
# What a <title> part is when it names the site, not the article.
SITE_NAME_TAIL = re.compile(r"(人民政府|政府网|政务网|门户网站|门户|网站|政府)$")
_TITLE_MIN = 6          # characters: a shorter heading is a column name or a label, not a title
_INFO_WINDOW = 60       # text nodes looked at after the title for its info line
_INFO_MAX_RUN = 30      # characters: a text node this long is the body's first sentence
_LIST_TITLE = 8         # characters: a link this long after the title is a list entry, not info
# Dates under a title that are not when it was published (a policy's 成文日期, a deadline).
_OTHER_DATE_LABEL = re.compile(r"(成文|印发|实施|施行|截止|有效|废止|生效|开始|结束|办结|答复|回复)"
                               r"(日期|时间)?\s*[:：]?\s*$")
# A 发布时间 / 日期： label right before a date.
_LABEL_BEFORE = re.compile(f"(?:{_LABEL_PUBLISH.pattern}|{_LABEL_BARE.pattern})$")
# （2007年6月29日…会议通过）under a decision's title: the document's date, not the page's.
_OPEN_BRACKET = re.compile(r"[（(]\s*$")
_WEEKDAY_AFTER = re.compile(r"^\s*(星期|周|礼拜)[一二三四五六日天]")   # a header's today-widget
_FOLLOWING_TEXTS = etree.XPath("following::text()[position() <= $n]")
_TEXTS_HOLDING = etree.XPath("//body//text()[contains(., $s)]")
# What an XPath string may not hold (lxml refuses it): control characters, lone surrogates.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NO_TITLE_ROLES = frozenset({"script", "breadcrumb", "nav", "footer", "friend"})


def _norm(text: str) -> str:
    return "".join(text.split())


def _title_candidates(page) -> list[str]:
    """What the article's title may read: its ArticleTitle meta and the <title> parts that do not
    name the site or the column (normalised, at least _TITLE_MIN characters)."""
    meta = page.meta
    names = {_norm(meta.get("ColumnName", "")), _norm(meta.get("SiteName", ""))}
    out: list[str] = []
    for text in [meta.get("ArticleTitle", ""), page.title or "",
                 *TITLE_SEP.split(page.title or "")]:
        cand = _norm(text)
        if len(cand) >= _TITLE_MIN and cand not in names and not SITE_NAME_TAIL.search(cand) \
                and cand not in out:
            out.append(cand)
    return out


def title_element(page):
    """The content element that shows the article's title (an <h1>, <h2><UCAPTITLE>, <p
    class="con-title">…): the first element, outside links, menus and hidden blocks, whose text
    is one of _title_candidates. None when the page shows no such heading."""
    cached = page.__dict__.get("_title_el", False)
    if cached is not False:
        return cached
    found = None
    holding: dict[str, list] = {}   # candidates often start alike (a title and its first part)
    for cand in _title_candidates(page):
        if _NOT_XML.search(cand[:4]):
            continue   # no page text holds it: lxml's parser drops these characters
        texts = holding.get(cand[:4])
        if texts is None:
            texts = holding[cand[:4]] = _TEXTS_HOLDING(page.tree, s=cand[:4])
        for text in texts:
            el = text.getparent()
            if el is None:
                continue
            if text.is_tail:
                el = el.getparent()
            for _ in range(4):
                if el is None or el.tag in ("body", "html"):
                    break
                shown = _norm(text_of(el))
                if shown == cand:
                    break
                if len(shown) > len(cand):
                    el = None
                    break
                el = el.getparent()
            else:
                el = None
            if el is None or el.tag in ("body", "html", "title", "a") or page.hidden(el) \
                    or page.roles(el) & _NO_TITLE_ROLES \
                    or any(anc.tag == "a" for anc in el.iterancestors()):
                continue
            found = el
            break
        if found is not None:
            break
    page.__dict__["_title_el"] = found
    return found


def _first_heading(page):
    """The page's first content heading (<h1>–<h3>, outside furniture and links): the title of an
    article whose <title> and metas name only the site (old county CMSs)."""
    for el in page.body.iter("h1", "h2", "h3"):
        text = _norm(text_of(el))
        if _TITLE_MIN <= len(text) <= 80 and not page.roles(el) and not page.hidden(el) \
                and not SITE_NAME_TAIL.search(text) and el.find(".//a") is None \
                and not any(anc.tag == "a" for anc in el.iterancestors()):
            return el
    return None


def heading_date(page) -> date | None:
    """The date printed right under the article's title, labelled or not (gz.gov.cn: an icon and
    2023-12-05; sc.gov.cn: 2020年09月15日 09时32分; 来源：… 日期：…): the first full date in the
    info line between the title and the body, before any list entry. A date labelled as
    something else (成文日期, 截止时间) or a header's 星期一 widget is skipped."""
    title = title_element(page)
    labelled_only = title is None   # a heading nothing names as the title: a 发布时间 label must say so
    if labelled_only:
        title = _first_heading(page)
        if title is None:
            return None
    before = ""   # the text node before (<span>成文日期：</span><span>2016-11-15</span>)
    for text in _FOLLOWING_TEXTS(title, n=_INFO_WINDOW):
        parent = text.getparent()
        holder = parent.getparent() if text.is_tail else parent
        if holder is None or holder.tag in ("script", "style") or page.hidden(holder):
            continue
        value = str(text)
        run = _norm(value)
        if not run:
            continue
        in_link = holder.tag == "a" or any(a.tag == "a" for a in holder.iterancestors())
        if in_link:
            if len(run) >= _LIST_TITLE:
                return None   # a list entry's title: the heading was a list's, not an article's
            continue
        for m in _FULL.finditer(value):
            month, day = (m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5))
            d = make_date(int(m.group(1)), int(month), int(day))
            label = before + value[:m.start()]
            if d and not _OTHER_DATE_LABEL.search(label) \
                    and (not labelled_only or _LABEL_BEFORE.search(label)) \
                    and not _OPEN_BRACKET.search(value[:m.start()]) \
                    and not _WEEKDAY_AFTER.match(value[m.end():]):
                return d
        if len(run) >= _INFO_MAX_RUN:
            return None   # the body began: no date was printed under the title
        before = value
    return None


def article_dates(page, use_htmldate: bool = True) -> ArticleDate:
    """An article page's publication date, the one a person reads first: the 发布时间-style date
    of its content, else the date printed under its title, then the PubDate meta (a republished
    page's meta says when it was copied: meta 2022-04-24 on a page that says 2017-05-15), then
    such a date anywhere on the page, then htmldate's guess.

    Never the URL: the caller falls back to date_from_url itself, and passes use_htmldate=False
    when the URL carries a date (htmldate is the slowest step of a page, and the URL's date
    comes before its guess).
    """
    meta = _meta_date(page)
    shown = label_date(page.main_text()) or heading_date(page)
    if shown:
        return ArticleDate(shown, "page", meta)
    if meta:   # shown too, outside the content (an info table classed like a header)?
        return ArticleDate(meta, "page" if label_date(page.body_text()) == meta else "meta", meta)
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
