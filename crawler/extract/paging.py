"""The other pages of a list: TRS createPageHTML, Hanweb dataproxy, ?page=N and 下一页 links."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from . import pager, settings
from .links import canonical_url
from .listing import ListItem, items_from_records
from .page import parse_datastore_text, text_of
from .pager import NextPage

_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)", re.I)
_ARG = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|([\w.$]+))\s*""")
_VAR = r"""(?:var|let|const)?\s*{name}\s*=\s*["']?(\d+)["']?"""
_PAGE_PARAMS = frozenset({"page", "pageno", "pagenum", "pageindex", "curpage", "currentpage", "pn",
                          "page_no", "pagenumber"})
_NEXT_TEXTS = frozenset({"下一页", "下页", "后页", "下一页>", "下一页>>"})
_NEXT_STRIP = re.compile(r"[\s>»›＞》<《«‹\[\]【】]+")
_PAGER_TOTAL = re.compile(r"totalRecord\s*:\s*['\"]?(\d+)", re.I)
_PAGER_PER = re.compile(r"perPage\s*:\s*['\"]?(\d+)", re.I)
_PAGER_GROUP = re.compile(r"groupSize\s*:\s*['\"]?(\d+)", re.I)
_PAGER_PROXY = re.compile(r"""proxyUrl\s*:\s*['"]([^'"]+)['"]""", re.I)
_PAGER_PARAMS = re.compile(r"ajaxParam\s*:\s*\{([^}]*)\}", re.I)
_JS_PAIR = re.compile(r"""(\w+)\s*:\s*(?:'([^']*)'|"([^"]*)"|([\w.-]+))""")
# Hanweb/JCMS pagers: $('#4512').pager({…}) and the older $('#49468').jpage({…})
_PAGER_TARGET = re.compile(r"""\$\(\s*['"]#([^'"]+)['"]\s*\)\s*\.\s*j?pager?\s*\(""", re.I)
# TRS inline pager without createPageHTML: var countPage = 56 … "index"+"_"+nextPage+"."+"html"
_INLINE_NEXT = re.compile(
    r"""([\w.-]+?)(?:\\?["']\s*\+\s*["']_["']|_\\?["'])\s*\+\s*nextPage\s*\+\s*["']\.(?:["']\s*\+\s*["'])?(\w+)""")
_COUNT_PAGE = re.compile(r"\bcountPage\s*=\s*(\d+)")
_CURRENT_PAGE = re.compile(r"\bcurrentPage\s*=\s*(\d+)")


@dataclass(frozen=True)
class DataproxyRequest:
    url: str
    start: int    # 1-based, inclusive
    end: int


# A file name urljoin would put as it is beside the page (no /, ?, #, ;, : or spaces in it).
_PLAIN_NAME = re.compile(r"[\w-][\w.-]*")


def _joiner(page_url: str):
    """urljoin(page_url, name) for the many numbered names of one pager: a plain name is only
    appended to the page's directory, found once."""
    directory = urljoin(page_url, "x")[:-1]
    return lambda name: directory + name if _PLAIN_NAME.fullmatch(name) else urljoin(page_url, name)


def _scripts(page) -> list[str]:
    return [s.text for s in page.tree.iter("script") if s.text]


def _trs_pages(page, scripts: list[str]) -> list[str]:
    """index.html, index_1.html … from createPageHTML(total, current, "index", "html"), but the
    current one."""
    out: list[str] = []
    alltext = "\n".join(scripts)
    for script in scripts:
        for call in _CREATE_PAGE.finditer(script):
            args = []
            for m in _ARG.finditer(call.group(1)):
                if m.group(1) is not None or m.group(2) is not None:
                    args.append(m.group(1) if m.group(1) is not None else m.group(2))
                elif m.group(3):
                    ident = m.group(3)
                    if not ident.isdigit():   # a variable: var countPage = 5
                        v = re.search(_VAR.format(name=re.escape(ident)), alltext)
                        ident = v.group(1) if v else ident
                    args.append(ident)
            ints = [i for i, a in enumerate(args) if a.strip().isdigit()]
            if len(ints) < 2:
                continue
            total, current = int(args[ints[0]]), int(args[ints[1]])
            strs = [a for a in args[ints[1] + 1:] if not a.strip().isdigit()]
            base, ext = (strs + ["index", "html"])[:2] if len(strs) < 2 else strs[:2]
            base, ext = base.strip() or "index", ext.strip().lstrip(".") or "html"
            join = _joiner(page.url)
            for n in range(min(total, 10000)):
                if n != current:    # the page itself, whatever its address (…/zwyw/ is index.html)
                    name = f"{base}.{ext}" if n == 0 else f"{base}_{n}.{ext}"
                    out.append(join(name))
    return out


def _inline_trs_pages(page, scripts: list[str]) -> list[str]:
    """index_1.html … from a TRS template that writes its own pager from countPage/nextPage."""
    out: list[str] = []
    for script in scripts:
        target = _INLINE_NEXT.search(script)
        count = _COUNT_PAGE.search(script)
        if not target or not count:
            continue
        base, ext = target.group(1), target.group(2)
        join = _joiner(page.url)
        for n in range(min(int(count.group(1)), 10000)):
            out.append(join(f"{base}.{ext}" if n == 0 else f"{base}_{n}.{ext}"))
    return out


def _query_pages(page) -> list[str]:
    out = []
    here = urlsplit(page.url)
    here_dir = here.path.rsplit("/", 1)[0]
    # The page we are on: its own ?page=N, or page 1 when it has none (a "?page=1" 首页 link).
    current = _page_numbers(here.query)
    for a in page.body.iter("a"):
        url = page.resolve(a.get("href"))
        if not url or "?" not in url:
            continue   # no query, no page number (the fragment is resolved away)
        parts = urlsplit(url)
        if parts.netloc.lower() != here.netloc.lower() or parts.path.rsplit("/", 1)[0] != here_dir:
            continue
        numbers = _page_numbers(parts.query)
        if not numbers or numbers == current or (not current and set(numbers.values()) == {1}):
            continue
        out.append(url)
    return out


def _page_numbers(query: str) -> dict[str, int]:
    return {k.lower(): int(v) for k, v in parse_qsl(query, keep_blank_values=True)
            if k.lower() in _PAGE_PARAMS and v.strip().isdigit()}


def _next_links(page) -> list[str]:
    out = []
    for a in page.body.iter("a"):
        label, title = text_of(a), a.get("title") or ""
        if "页" not in label and "页" not in title:
            continue   # every _NEXT_TEXTS word holds 页: no stripping needed to tell
        text = _NEXT_STRIP.sub("", label) or _NEXT_STRIP.sub("", title)
        if text in _NEXT_TEXTS:
            url = page.resolve(a.get("href"))
            if url:
                out.append(url)
    return out


def pages(page) -> list[NextPage]:
    """This list's other pages (never the page itself), in the order found: the TRS and query
    pagers and 下一页 links, then what the pager's evidence adds (pager.py), some of it guessed."""
    here = canonical_url(page.url)
    seen = {here}
    out = []
    scripts = _scripts(page)
    found = [NextPage(url, True) for url in _trs_pages(page, scripts) + _inline_trs_pages(page, scripts)
             + _query_pages(page) + _next_links(page)]
    for np in found + pager.next_pages(page):
        key = canonical_url(np.url)
        if key not in seen:
            seen.add(key)
            out.append(np)
    return out


def next_pages(page) -> list[str]:
    """Absolute URLs of this list's other pages (never the page itself), in the order found."""
    return [np.url for np in pages(page)]


def _with_range(href: str, start: int, end: int, per_page: int) -> str:
    href = re.sub(r"[&?](startrecord|endrecord|perpage)=[^&]*", "", href, flags=re.I)
    sep = "&" if "?" in href else "?"
    return f"{href}{sep}startrecord={start}&endrecord={end}&perpage={per_page}"


@dataclass(frozen=True)
class _Pager:
    total: int | None
    per_page: int | None
    group_size: int | None
    proxy: str | None       # proxyUrl with its ajaxParam, for lists without a nextgroup


def _pager_of(tail: str) -> _Pager:
    def num(pattern):
        m = pattern.search(tail)
        return int(m.group(1)) if m else None
    proxy = _PAGER_PROXY.search(tail)
    href = None
    if proxy:
        params = _PAGER_PARAMS.search(tail)
        pairs = [(k, next((v for v in vals if v), ""))
                 for k, *vals in _JS_PAIR.findall(params.group(1))] if params else []
        pairs = [(k, v) for k, v in pairs if k.lower() not in ("startrecord", "endrecord", "perpage")]
        href = proxy.group(1) + ("?" + urlencode(pairs) if pairs else "")
    return _Pager(num(_PAGER_TOTAL), num(_PAGER_PER), num(_PAGER_GROUP), href)


def hanweb_dataproxy(page) -> list[DataproxyRequest]:
    """The dataproxy.jsp requests that fetch the records not already in the page's datastore.

    Each request asks for one more group of the size the page itself carried (e.g. 45 records =
    3 pages of 15), as the Hanweb pager does: startrecord=46&endrecord=90&perpage=15; a jpage
    pager that names its groupSize asks for perPage × groupSize. Records in a <datastore> continue
    through its nextgroup link; records in an InitData array through the pager's proxyUrl.
    A list whose total is unknown gives no requests (there is nothing to say where to stop).
    """
    pagers: dict[str | None, _Pager] = {}
    for script in _scripts(page):
        for m in _PAGER_TARGET.finditer(script):
            pagers[m.group(1)] = _pager_of(script[m.end():m.end() + 2000])
    out: list[DataproxyRequest] = []
    none = _Pager(None, None, None, None)
    for ds in page.datastores:
        pager = pagers.get(ds.container_id, none)
        if pager == none and len(page.datastores) == 1 and pagers:
            pager = next(iter(pagers.values()))
        href = ds.nextgroup or pager.proxy
        total = ds.totalrecord if ds.totalrecord is not None else pager.total
        if not href or total is None:
            continue
        per_page = pager.per_page or settings.get("hanweb_per_page")
        have = len(ds.records)
        if pager.group_size:
            group = per_page * pager.group_size
        else:
            group = have if have >= per_page else per_page * 3
        href = urljoin(page.base_url, href)
        start = have + 1
        while start <= total:
            end = start + group - 1
            out.append(DataproxyRequest(_with_range(href, start, end, per_page), start, end))
            start = end + 1
    return out


def parse_dataproxy(xml_text: str, base_url: str) -> list[ListItem]:
    """List items from a dataproxy.jsp XML answer (<datastore><recordset><record><![CDATA[…])."""
    records, _, _ = parse_datastore_text(xml_text or "")
    return items_from_records(records, base_url)
