"""The links on a page that a dead-link check should follow, and the canonical form of a URL."""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from .page import page_cache, text_of
from .urls import clean_href, resolve

ATTACHMENT_EXT = frozenset(".doc .docx .xls .xlsx .pdf .zip .rar .wps .et .ppt .pptx .txt .7z .ofd "
                           ".csv".split())
IMAGE_EXT = frozenset(".jpg .jpeg .png .gif .bmp .webp .svg".split())
# Which attribute of which element is a link to check (<link rel=stylesheet> is not).
_LINK_ATTRS = {"a": "href", "area": "href", "img": "src", "iframe": "src", "frame": "src"}
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters kept as they are when percent-encoding a path or query (existing %XX stays).
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"
# An attachment link inside a script string (TRS: var hasFJ='<a href="./P0….docx">…</a>';
# var att = '<a href="./P020160711317006236449.xlsx">…'), written into the page by document.write.
_SCRIPT_HREF = re.compile(r"""<a\b[^>]*?href\s*=\s*\\?["']([^"'\\]+)\\?["'][^>]*>([^<]*)""", re.I)
# A download script that names the file in its query: downfile.jsp?classid=0&filename=1906.doc
_QUERY_FILE = re.compile(r"(?:^|&)[^=&]*=[^&]*\.(?:%s)(?:&|$)" % "|".join(
    sorted(e.lstrip(".") for e in ATTACHMENT_EXT)), re.I)
_TEXT_FILE = re.compile(r"\.([A-Za-z0-9]{2,4})\s*[)）\]】]?\s*$")



class Link(NamedTuple):
    """A tuple: a re-audit makes ~15 a page from its memos (crawler/revisit.unpack), where a
    dataclass instance cost four times what a tuple does."""
    url: str      # absolute, fragment removed
    text: str     # link text, title or alt, whitespace-collapsed
    kind: str     # 'page' | 'image' | 'attachment'
    tag: str      # 'a' | 'area' | 'img' | 'iframe' | 'frame'


def extension(url: str) -> str:
    """Lower-case extension of the URL's last path segment ('' when none); query ignored."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    if "://" in path:
        path = path.split("://", 1)[1].partition("/")[2]
    last = path.rsplit("/", 1)[-1]
    dot = last.rfind(".")
    return last[dot:].lower() if dot >= 0 else ""


@lru_cache(maxsize=8192)   # asked again for the same URLs by several extractors, and page to page
def link_kind(url: str, tag: str = "a") -> str:
    ext = extension(url)
    if tag == "img" or ext in IMAGE_EXT:
        return "image"
    if ext in ATTACHMENT_EXT or _QUERY_FILE.search(url.split("#", 1)[0].partition("?")[2]):
        return "attachment"
    return "page"


def _named_file(text: str) -> bool:
    """A link text naming a file: 附件1：申请表.docx, 下载(2019年预算.xls)."""
    if "." not in text:
        return False   # no extension named: most link texts, no pattern run
    m = _TEXT_FILE.search(text)
    return m is not None and "." + m.group(1).lower() in ATTACHMENT_EXT


_LINK_TEXTS = page_cache()


def link_text(el) -> str:
    """What a link says: its text, else its title or alt, else its image's (whitespace-collapsed;
    answered once per element of the page parsed last)."""
    text = _LINK_TEXTS.get(el)
    if text is None:
        text = _LINK_TEXTS[el] = _link_text(el)
    return text


def _link_text(el) -> str:
    text = " ".join(text_of(el).split()) if el.tag in ("a", "area") else ""
    if not text:
        text = (el.get("title") or el.get("alt") or "").strip()
        if not text and el.tag == "a":
            img = el.find(".//img")
            if img is not None:
                text = (img.get("alt") or img.get("title") or "").strip()
    return text


def extract_links(page) -> list[Link]:
    """Every link to check on the page, in document order, each URL once (Hanweb records included)."""
    seen: set[str] = set()
    out: list[Link] = []
    for el in page.iter_elements("script", *_LINK_ATTRS):
        if el.tag == "script" and el.text and "href" in el.text:
            for href, text in _SCRIPT_HREF.findall(el.text):
                url = page.resolve(href)
                if url and url not in seen and link_kind(url) == "attachment":
                    seen.add(url)
                    out.append(Link(url, " ".join(text.split()), "attachment", "a"))
            continue
        attr = _LINK_ATTRS.get(el.tag)
        if attr is None:
            continue
        url = page.resolve(el.get(attr))
        if url is None or url in seen:
            continue
        seen.add(url)
        text, kind = link_text(el), link_kind(url, el.tag)
        # /attach/download?id=12 whose text is "申请表.docx": a file, whatever its address says
        if kind == "page" and el.tag == "a" and _named_file(text):
            kind = "attachment"
        out.append(Link(url, text, kind, el.tag))
    return out


def canonical_url(url: str, session_params: Iterable[str] = ()) -> str:
    """One spelling per resource: no fragment or session ids, sorted query, lower-case scheme and
    host, no default port, non-ASCII percent-encoded (as a request would send it)."""
    return _canonical(url, tuple(session_params))


# An address already in canonical form: lower-case http(s) scheme and ASCII host, no port, user,
# query, fragment or ;params, a path of characters quote() keeps (most menu and pager links).
_ALREADY_CANONICAL = re.compile(r"https?://[a-z0-9.-]*[a-z0-9-]/[A-Za-z0-9/%:@!$&'()*+,=._~-]*")


@lru_cache(maxsize=4096)   # menus repeat on every page of a site: the same URLs come back often
def _canonical(url: str, session_params: tuple[str, ...]) -> str:
    if _ALREADY_CANONICAL.fullmatch(url):
        return url   # what the steps below would rebuild, character for character
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url.split("#", 1)[0]
    drop = {p.lower() for p in session_params} | {"jsessionid"}
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        pass
    netloc = host
    if parts.username:
        netloc = parts.username + (":" + parts.password if parts.password else "") + "@" + netloc
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc += f":{port}"
    segments = []
    for seg in parts.path.split("/"):
        # /list.jsp;jsessionid=ABC → /list.jsp
        head, *params = seg.split(";")
        params = [p for p in params if p.split("=", 1)[0].lower() not in drop]
        segments.append(";".join([head, *params]))
    path = quote("/".join(segments), safe=_SAFE_PATH) or "/"
    pairs = [kv for kv in parts.query.split("&") if kv]
    pairs = [kv for kv in pairs if unquote(kv.split("=", 1)[0]).lower() not in drop]
    query = quote("&".join(sorted(pairs)), safe=_SAFE_QUERY)
    return urlunsplit((scheme, netloc, path, query, ""))
