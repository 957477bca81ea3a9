"""The other pages of a list: TRS createPageHTML, Hanweb dataproxy, ?page=N and 下一页 links."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from . import settings
from .links import canonical_url
from .listing import ListItem, items_from_records
from .page import parse_datastore_text, text_of

_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)", re.I)
_ARG = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|([\w.$]+))\s*""")
_VAR = r"""(?:var|let|const)?\s*{name}\s*=\s*["']?(\d+)["']?"""
_PAGE_PARAMS = frozenset({"page", "pageno", "pagenum", "pageindex", "curpage", "currentpage", "pn",
                          "page_no", "pagenumber"})
_NEXT_TEXTS = frozenset({"下一页", "下页", "后页", "下一页>", "下一页>>"})
_NEXT_STRIP = re.compile(r"[\s>»›＞》<《«‹\[\]【】]+")
_PAGER_TOTAL = re.compile(r"totalRecord\s*:\s*['\"]?(\d+)", re.I)
_PAGER_PER = re.compile(r"perPage\s*:\s*['\"]?(\d+)", re.I)
_PAGER_TARGET = re.compile(r"""\$\(\s*['"]#([^'"]+)['"]\s*\)\s*\.\s*pager\s*\(""", re.I)


@dataclass(frozen=True)
class DataproxyRequest:
    url: str
    start: int    # 1-based, inclusive
    end: int


def _scripts(page) -> list[str]:
    return [s.text for s in page.tree.iter("script") if s.text]


def _trs_pages(page, scripts: list[str]) -> list[str]:
    """index.html, index_1.html … from createPageHTML(total, current, "index", "html")."""
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
            total = int(args[ints[0]])
            strs = [a for a in args[ints[1] + 1:] if not a.strip().isdigit()]
            base, ext = (strs + ["index", "html"])[:2] if len(strs) < 2 else strs[:2]
            base, ext = base.strip() or "index", ext.strip().lstrip(".") or "html"
            for n in range(min(total, 10000)):
                name = f"{base}.{ext}" if n == 0 else f"{base}_{n}.{ext}"
                out.append(urljoin(page.url, name))
    return out


def _query_pages(page) -> list[str]:
    out = []
    here = urlsplit(page.url)
    here_dir = here.path.rsplit("/", 1)[0]
    # The page we are on: its own ?page=N, or page 1 when it has none (a "?page=1" 首页 link).
    current = _page_numbers(here.query)
    for a in page.body.iter("a"):
        url = page.resolve(a.get("href"))
        if not url:
            continue
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
        text = _NEXT_STRIP.sub("", text_of(a)) or _NEXT_STRIP.sub("", a.get("title") or "")
        if text in _NEXT_TEXTS:
            url = page.resolve(a.get("href"))
            if url:
                out.append(url)
    return out


def next_pages(page) -> list[str]:
    """Absolute URLs of this list's other pages (never the page itself), in the order found."""
    here = canonical_url(page.url)
    seen = {here}
    out = []
    for url in _trs_pages(page, _scripts(page)) + _query_pages(page) + _next_links(page):
        key = canonical_url(url)
        if key not in seen:
            seen.add(key)
            out.append(url)
    return out


def _with_range(href: str, start: int, end: int, per_page: int) -> str:
    href = re.sub(r"[&?](startrecord|endrecord|perpage)=[^&]*", "", href, flags=re.I)
    sep = "&" if "?" in href else "?"
    return f"{href}{sep}startrecord={start}&endrecord={end}&perpage={per_page}"


def hanweb_dataproxy(page) -> list[DataproxyRequest]:
    """The dataproxy.jsp requests that fetch the records not already in the page's datastore.

    Each request asks for one more group of the size the page itself carried (e.g. 45 records =
    3 pages of 15), as the Hanweb pager does: startrecord=46&endrecord=90&perpage=15.
    A datastore whose total is unknown gives no requests (there is nothing to say where to stop).
    """
    scripts = _scripts(page)
    pagers: dict[str | None, tuple[int | None, int | None]] = {}
    for script in scripts:
        for m in _PAGER_TARGET.finditer(script):
            tail = script[m.end():m.end() + 2000]
            total = _PAGER_TOTAL.search(tail)
            per = _PAGER_PER.search(tail)
            pagers[m.group(1)] = (int(total.group(1)) if total else None,
                                  int(per.group(1)) if per else None)
    out: list[DataproxyRequest] = []
    for ds in page.datastores:
        if not ds.nextgroup:
            continue
        pager_total, per_page = pagers.get(ds.container_id, (None, None))
        if pager_total is None and per_page is None and len(page.datastores) == 1 and pagers:
            pager_total, per_page = next(iter(pagers.values()))
        total = ds.totalrecord if ds.totalrecord is not None else pager_total
        if total is None:
            continue
        per_page = per_page or settings.get("hanweb_per_page")
        have = len(ds.records)
        group = have if have >= per_page else per_page * 3
        href = urljoin(page.base_url, ds.nextgroup)
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
