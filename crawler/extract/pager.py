"""A pager as evidence: whatever draws it, a list with more pages shows it somehow.

Numbered links in the list's own directory (index_958_2.html, list_2.html, list-2.html, ?page=2)
give the address pattern, and which number is page 1 (links whose text is their page number, the
首页 link, the 末页 link beside a stated count); the page count comes from whichever of these the
page shows: the highest numbered link, a 末页/尾页 link (or the number it passes to a script), a
page-number <select>, a text (共30页, 1/30页, 页次：1/30) or a script variable (maxPageNum = 199,
var pageCount, totalPage).
Where no link shows the pattern, a script that writes the address does ("list.jsp?page=" + n).
The later pages are built from the pattern up to the count; those not linked on the page are
guesses the crawler confirms by fetching (a guess that fails is no dead link). Words and variable
names: config/lexicons/pager.yaml.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import config

from . import settings
from .page import text_of

_NUMBERED = re.compile(r"^(.+?)([_-])(\d+)\.(\w+)$")
_PLAIN = re.compile(r"^(.+)\.(\w+)$")
_PAGE_PARAMS = frozenset({"page", "pageno", "pagenum", "pageindex", "curpage", "currentpage", "pn",
                          "page_no", "pagenumber", "p", "pg", "cpage"})
_DIGITS = re.compile(r"^[\[【(（第]?\s*(\d{1,5})\s*(页)?[\]】)）]?$")
_SELECT_HINT = re.compile(r"page|pg|fy|go|jump|turn|location", re.I)
_CALL_NUMBER = re.compile(r"\(\s*['\"]?(\d{1,5})['\"]?\s*\)")
# A script that writes the page address itself: "index_958_" + i + ".html", "list.jsp?id=5&page=" + n,
# 'index_' + this.value + '.html', "index_" + api.getCurrent() + ".html" (in a <script>, an on…
# handler or a javascript: link).
_SCRIPT_PATTERN = re.compile(
    r"""["']([^"'\s<>]*?(?:_|[?&]\w+=))["']\s*\+\s*\(?\s*[\w.$]+(?:\(\s*\))?\s*(?:[+-]\s*\d+\s*)?\)?"""
    r"""(?:\s*\+\s*["']\.(\w+)["'])?""")


@lru_cache(maxsize=1)
def _words() -> dict:
    data = config.load_yaml("lexicons/pager.yaml")
    names = "|".join(re.escape(n) for n in data["count_variables"])
    return {
        "var": re.compile(r"""(?<!\w)(?:%s)\s*[=:]\s*["']?(\d{1,6})\b""" % names, re.I),
        "texts": [re.compile(t) for t in data["count_texts"]],
        "first": frozenset(w.lower() for w in data["first_texts"]),
        "last": frozenset(w.lower() for w in data["last_texts"]),
        "next": frozenset(w.lower() for w in data["next_texts"]),
    }


@dataclass(frozen=True)
class NextPage:
    url: str
    linked: bool      # False: built from the pattern and the count, to be confirmed by fetching


@dataclass(frozen=True)
class _Pattern:
    """page n's address: <dir><stem>_<n>.<ext> (or stem-n), or the list's address with <param>=<n>."""
    head: tuple        # (scheme, netloc, directory path) or the URL's parts without the param
    stem: str
    ext: str           # '' for a query pattern; stem is then the parameter's name
    sep: str = "_"     # between stem and number: index_2.html, news-list-yw-2.html

    def url(self, n: int) -> str:
        scheme, netloc, path, query = self.head
        if self.ext:
            return urlunsplit((scheme, netloc, f"{path}/{self.stem}{self.sep}{n}.{self.ext}", query, ""))
        pairs = parse_qsl(query, keep_blank_values=True) + [(self.stem, str(n))]
        return urlunsplit((scheme, netloc, path, urlencode(pairs), ""))


# Every link of every list page is read: menus repeat page to page. 2,048 readings, not 8,192: an
# entry holds its own URL parts (~0.9 KB), 8,192 were ~7 MB of each crawler process (issue 20: the
# whole audit within 300 MB), and the menus being read are the recent ones: over the 20-site farm's
# 5,600 pages read interleaved site by site, 6,986 hits of 10,892 readings against 7,079 at 8,192.
@lru_cache(maxsize=2048)
def _keys(url: str) -> tuple:
    """(pattern, number) readings of a URL: file name stem_N.ext (stem-N.ext), and each page
    parameter."""
    return tuple(_read_keys(url))


def _read_keys(url: str) -> list:
    parts = urlsplit(url)
    directory, _, name = parts.path.rpartition("/")
    out = []
    m = _NUMBERED.match(name)
    if m:
        out.append((_Pattern((parts.scheme, parts.netloc.lower(), directory, parts.query),
                             m.group(1), m.group(4).lower(), m.group(2)), int(m.group(3))))
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    for i, (k, v) in enumerate(pairs):
        if k.lower() in _PAGE_PARAMS and v.strip().isdigit():
            rest = urlencode(pairs[:i] + pairs[i + 1:])
            out.append((_Pattern((parts.scheme, parts.netloc.lower(), parts.path, rest), k, ""),
                        int(v)))
    return out


def _plain_stem(url: str) -> tuple | None:
    """The pattern page 1 of a file list would have if this URL is that page (index_958.html)."""
    parts = urlsplit(url)
    directory, _, name = parts.path.rpartition("/")
    m = _PLAIN.match(name)
    return (parts.scheme, parts.netloc.lower(), directory, parts.query, m.group(1),
            m.group(2).lower()) if m else None


def _unnumbered_page_of(url: str, pattern: _Pattern) -> bool:
    """Whether url is the pattern's list at its address without a number (list.html beside
    list-2.html, list.jsp?id=5 beside list.jsp?id=5&page=2): its first page."""
    if pattern.ext:
        return _plain_stem(url) == (*pattern.head, pattern.stem, pattern.ext)
    parts = urlsplit(url)
    return (parts.scheme, parts.netloc.lower(), parts.path, parts.query) == pattern.head


def _label(a) -> str:
    return "".join(text_of(a).split()).lower() or "".join((a.get("title") or "").split()).lower()


def _count_stated(page) -> int | None:
    """The page count a text or a script states, if any (the largest)."""
    words = _words()
    found = [int(m.group(1)) for s in page.tree.iter("script") if s.text
             for m in words["var"].finditer(s.text)]
    text = page.body_text()
    for pattern in words["texts"]:
        found += [int(m.group(1)) for m in pattern.finditer(text)]
    for select in page.body.iter("select"):
        labels = [_label(o) for o in select.iter("option")]
        numbers = [int(m.group(1)) for t in labels if (m := _DIGITS.match(t))]
        hint = " ".join(str(v) for v in select.attrib.values()) + "".join(labels)
        if len(numbers) >= 2 and len(numbers) == len(labels) and numbers == list(
                range(1, len(numbers) + 1)) and (_SELECT_HINT.search(hint) or "页" in hint):
            found.append(numbers[-1])   # a page-number <select>
    for a in page.body.iter("a"):
        # 尾页 calling a script with the last page's number: javascript:goPage(29), onclick="…(29)"
        if _label(a) in words["last"]:
            href = a.get("href") or ""
            code = (href if href.lstrip().lower().startswith("javascript") else "") \
                + " " + (a.get("onclick") or "")
            numbers = _CALL_NUMBER.findall(re.sub(r"void\s*\(\s*0\s*\)", "", code))
            if len(numbers) == 1:
                found.append(int(numbers[0]))
    found = [n for n in found if n > 0]
    return max(found) if found else None


def _scripts(page):
    """The page's script code: <script> blocks, on… handlers and javascript: links."""
    for s in page.tree.iter("script"):
        if s.text:
            yield s.text
    for el in page.body.iter():
        if isinstance(el.tag, str):
            for name, value in el.attrib.items():
                if name.startswith("on") or (name == "href" and value.lstrip().lower()
                                             .startswith("javascript")):
                    yield value


def _script_pattern(page) -> _Pattern | None:
    """The address pattern a script builds page numbers into: a file name stem_N.ext, or a page
    parameter (?page=N) of a list address."""
    for code in _scripts(page):
        for m in _SCRIPT_PATTERN.finditer(code):
            head, ext = m.group(1), m.group(2)
            if head.endswith("_") != bool(ext):
                continue    # a file name needs its extension; a parameter has none
            for pattern, n in _keys(page.resolve(head + "1" + ("." + ext if ext else "")) or ""):
                if n == 1:
                    return pattern
    return None


def next_pages(page) -> list[NextPage]:
    """The list's other pages by the evidence above (never the page itself), in page order."""
    words = _words()
    here = urlsplit(page.url)
    here_keys = {p: n for p, n in _keys(page.url) if n <= settings.get("max_list_pages")}
    # Every numbered address the page links (anchors and <select> options), with what it says.
    links: dict[_Pattern, dict[int, str]] = {}
    for el in page.body.iter("a", "option"):
        href = el.get("href") if el.tag == "a" else el.get("value")
        url = page.resolve(href) if href and not href.lstrip().lower().startswith("javascript") \
            else None
        if not url:
            continue
        for pattern, n in _keys(url):
            if pattern.head[1] == here.netloc.lower() and n <= settings.get("max_list_pages"):
                links.setdefault(pattern, {})[n] = _label(el)
    groups = []
    for pattern, numbered in links.items():
        own = pattern in here_keys or _unnumbered_page_of(page.url, pattern)
        pager_words = sum(1 for t in numbered.values() if _DIGITS.match(t) or t in words["first"]
                          or t in words["last"] or t in words["next"])
        # Numbers that run 1, 2, 3 … (links hidden without text beside a script pager) are pages
        # too; an article's t20200802_1352104.html next to _1352105 is no pager.
        run = len(set(range(1, len(numbered) + 2)) & set(numbered))
        if pager_words or run >= 3:
            groups.append((own, pager_words, len(numbered), pattern))
    stated = _count_stated(page)
    if groups:
        pattern = max(groups, key=lambda g: g[:3])[3]
        numbered = links[pattern]
    else:
        pattern = _script_pattern(page) if stated else None
        if pattern is None:
            return []
        numbered = {}
    # page number k is address number k + offset: read from links whose text is their number,
    # the 首页 link (page 1) and the 末页 link (the stated count)
    pairs = Counter(n - int(m.group(1)) for n, t in numbered.items() if (m := _DIGITS.match(t)))
    pairs.update(n - 1 for n, t in numbered.items() if t in words["first"])
    if stated:
        pairs.update(n - stated for n, t in numbered.items() if t in words["last"])
    if pairs:
        offset = pairs.most_common(1)[0][0]
    else:   # TRS numbers its second page index_1.html; most others number it _2
        offset = -1 if pattern.ext and numbered and min(numbered) == 1 and pattern not in here_keys \
            else 0
    count = max([n - offset for n in numbered] + [stated or 0])
    count = min(count, settings.get("max_list_pages"))
    current = here_keys.get(pattern)
    if current is None and _unnumbered_page_of(page.url, pattern):
        current = 1 + offset   # this page is page 1: its 首页 link (list-1.html) is no other page
    out, seen = [], set()
    for n in sorted(numbered):
        if n != current and n - offset >= 1:
            seen.add(n)
            out.append(NextPage(pattern.url(n), True))
    for k in range(2, count + 1):
        n = k + offset
        if n not in seen and n != current and n >= 1:
            seen.add(n)
            out.append(NextPage(pattern.url(n), False))
    return sorted(out, key=lambda p: dict(_keys(p.url)).get(pattern, 0))
