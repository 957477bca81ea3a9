"""One parsed HTML page: the tree, its metadata, and which parts are page furniture.

Parse once, extract many times: the spider builds a Page per response and hands it to every
extractor. Furniture (header, nav, footer, sidebar, breadcrumb, paging, friend links, scripts) is
recognised by tag and by the class/id names real CMS templates use, so list items and the main text
can leave it out.
"""
from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import islice
from urllib.parse import urljoin, urlsplit

from lxml import etree

from . import settings
from .urls import resolve

GUIDELINE_META = ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType",
                  "ArticleTitle", "PubDate", "ContentSource")
_META_KEYS = {k.lower(): k for k in GUIDELINE_META}

# Roles of page furniture, tested on each class/id token (lower case) in this order.
_TOKEN_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("breadcrumb", re.compile(
        r"crumb|bread|^(position|location|weizhi|dqwz|curpos|currentpos|current|nowpos|mbx|wz|dqlm|lujing)"
        r"([-_]?(box|bar|nav|con|wrap|info|div|main|title))?$")),
    ("paging", re.compile(
        r"pagination|pager|paging|fenye|turn[-_]?page|pagenav|"
        r"^(page|pages|fy|pagelist|page[-_]?(bar|box|nav|num|div|turn|s|list|link|wrap|con))$")),
    ("friend", re.compile(r"friend|yqlj|flink|wzlj|xglj|^(links?|lj|link[-_]?(box|list|s|wrap))$")),
    ("footer", re.compile(
        r"footer|^(foot|bottom|copyright|copy|ft|bq|banquan)([-_]?(box|wrap|er|nav|bar|links?|info|"
        r"inner|con|main|\d))?$|^(site|page|g|main)[-_]?(foot|bottom)$")),
    ("sidebar", re.compile(
        r"side|subnav|submenu|sub[-_](nav|menu|column|lm|list)|leftnav|leftmenu|"
        r"left[-_](nav|menu|lm|column|list)|lmdh|^(left|sub|lm|sub[-_]?lm|leftbox|left[-_]box|"
        r"sub[-_]?left|left[-_]?con)$|^[a-z0-9]{1,6}([-_][a-z0-9]{1,3})?[-_]left\d?$")),
    ("nav", re.compile(r"nav|menu|memu|daohang|^dh$")),
    ("header", re.compile(
        r"^(header|head|top|topbar|masthead|banner|logo|site[-_]?head(er)?|page[-_]?head(er)?|"
        r"head[-_]?(box|wrap|er|main|con|top|\d)|top[-_]?(box|wrap|bar|main|con|head|\d))$")),
]
# Sidebar names that real sites also give to content columns ("left" holds news blocks on many
# homepages): furniture only when the element holds no dated entries.
_AMBIGUOUS_SIDEBAR = re.compile(r"^(left|sub|lm|leftbox|left[-_]box|sub[-_]?left|left[-_]?con)$|[-_]left\d?$")
_TAG_ROLES = {"header": "header", "nav": "nav", "footer": "footer", "aside": "sidebar",
              "script": "script", "style": "script", "noscript": "script", "template": "script",
              "select": "friend", "head": "script", "title": "script"}
# Entries keep their own class names (<li class="top"> is a pinned item, not a page header).
_NO_TOKEN_ROLE_TAGS = {"li", "tr", "dd", "dt", "a", "img", "em", "b", "i", "font", "strong",
                       "option", "input", "html", "body"}
_MENU_LIST_TAGS = frozenset({"ul", "ol", "div", "p", "td", "span"})   # what _menu_list reads
_INLINE = {"span", "strong", "b", "em", "font", "label", "i"}
# Elements that never hold a breadcrumb of their own (the label inside them belongs to their parent).
_NO_LABEL_TAGS = (_INLINE - {"span"}) | {"a", "img", "option", "select", "input", "html", "body",
                                          "ul", "ol", "table", "tbody", "dl"}
# 当前位置 / 您的当前位置： / 您现在的位置是： / 所在位置 …: the labels breadcrumbs carry.
BREADCRUMB_LABEL = re.compile(r"^\s*[您的现在当前目前所处在]{0,7}位置\s*(?:是)?\s*[:：]?\s*")
# An unlabelled breadcrumb starts with a 首页 link followed by a separator (首页->政府文件->…).
_HOME_LINK_TEXT = re.compile(r"^\s*(网站)?首页\s*$")
_CRUMB_SEP_START = re.compile(r"^[\s\xa0]*(-+>|>|＞|»|›|→)")
CRUMB_SEPARATOR = re.compile(r"(-+>|>>?|＞|»|›|→|/|\\|\||·|•)+")
_HAS_DATE = re.compile(r"(?<!\d)(19|20)\d{2}\s*[-/.年]\s*\d{1,2}|(?<![\d:])\d{1,2}-\d{1,2}(?![\d:])")
_END_TAGS = re.compile(rb"</\s*(?:html|body)\s*>", re.I)
_CRUMB_MAX_CHARS = 200   # a breadcrumb is one short line; a block this long is content
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_MAY_HIDE = etree.XPath("descendant-or-self::*[@hidden or @style]")
# Furniture guard: a wrapper holding most of the page (<div id="page">) is not furniture.
_MAX_FURNITURE_SHARE = 0.6
_UNGUARDED_ROLES = ("breadcrumb", "nav", "script")   # roles given whatever the share

EMPTY: frozenset[str] = frozenset()
_RECORD = re.compile(r"<record\b[^>]*>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup\b[^>]*>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</nextgroup>",
                        re.S | re.I)
_TOTAL = re.compile(r"<totalrecord\b[^>]*>\s*(\d+)\s*</totalrecord>", re.I)
_HREF = re.compile(r"""href\s*=\s*["']([^"']*)["']""", re.I)
_DATASTORE_TAG = re.compile(r"<[dD][aA][tT][aA][sS][tT][oO][rR][eE]")   # no lower() copy of the page
_DATASTORE = re.compile(r"<datastore\b.*?</datastore>", re.S | re.I)
# The oldest JCMS lists keep their records in a JS array: InitData49468=['<a …>…</a>', …];
_INIT_DATA = re.compile(r"\bInitData(\w*)\s*=\s*\[(.*?)\]\s*;", re.S)
_JS_STRING = re.compile(r"'((?:\\.|[^'\\])*)'|\"((?:\\.|[^\"\\])*)\"", re.S)
_JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)


@dataclass
class Datastore:
    """A Hanweb/JCMS list whose records sit in <script type="text/xml"><datastore>."""
    records: list[str]
    nextgroup: str | None            # the nextgroup href, entities decoded, unresolved
    totalrecord: int | None
    container_id: str | None         # id of the element holding the script (the pager target)
    script: etree._Element | None = None
    fragment: etree._Element | None = field(default=None, repr=False)  # parsed records


def parse_datastore_text(text: str) -> tuple[list[str], str | None, int | None]:
    """(records' HTML, nextgroup href, totalrecord) from datastore XML text."""
    records = [(m.group(1) if m.group(1) is not None else htmllib.unescape(m.group(2) or ""))
               .strip() for m in _RECORD.finditer(text)]
    nextgroup = None
    m = _NEXTGROUP.search(text)
    if m:
        inner = m.group(1) if m.group(1) is not None else htmllib.unescape(m.group(2) or "")
        h = _HREF.search(inner)
        if h:
            nextgroup = htmllib.unescape(h.group(1)).strip()
    t = _TOTAL.search(text)
    return records, nextgroup, (int(t.group(1)) if t else None)


def _js_unescape(text: str) -> str:
    def one(m: re.Match) -> str:
        esc = m.group(1)
        if esc[0] in "ux" and len(esc) > 1:
            return chr(int(esc[1:], 16))
        return {"n": "\n", "t": "\t", "r": ""}.get(esc, esc)
    return _JS_ESCAPE.sub(one, text)


def parse_init_data(script_text: str) -> list[tuple[str, list[str]]]:
    """(unit id, records' HTML) of each InitData array in a script."""
    out = []
    for m in _INIT_DATA.finditer(script_text):
        records = [_js_unescape(a if a is not None else b).strip()
                   for a, b in _JS_STRING.findall(m.group(2))]
        out.append((m.group(1), [r for r in records if r]))
    return out


def parse_fragment(markup: str) -> etree._Element:
    """Parse an HTML snippet (list records) under a <div>; table rows keep a <table>."""
    wrapped = f"<table>{markup}</table>" if re.match(r"\s*<(tr|td)\b", markup, re.I) else markup
    doc = etree.fromstring(f"<html><body><div>{wrapped}</div></body></html>".encode("utf-8"), _PARSER)
    return doc.find("body/div")


# Plain lxml elements, not lxml.html's: no per-element class lookup, several times faster here.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=False)
_EMPTY_DOC = b"<html><head></head><body></body></html>"


@lru_cache(maxsize=4096)
def _token_hits(names: str) -> tuple[tuple[str, bool], ...]:
    """The roles the class/id tokens in names match, in Page._token_role's order (role, then
    token), each with whether its token is an ambiguous sidebar name. A site repeats the same
    few class names on every page: matched once, not once per element."""
    tokens = names.lower().split()
    named = [_token_roles(tok) for tok in tokens]
    return tuple((role, role == "sidebar" and bool(_AMBIGUOUS_SIDEBAR.search(tok)))
                 for role, _ in _TOKEN_ROLES for tok, roles in zip(tokens, named) if role in roles)


@lru_cache(maxsize=4096)
def _token_roles(token: str) -> frozenset[str]:
    """The roles one class/id token matches (an id unique to its element still shares its
    class names' answers)."""
    return frozenset(role for role, pattern in _TOKEN_ROLES if pattern.search(token))


@lru_cache(maxsize=1024)
def _tag_kind(tag: str) -> tuple[str | None, bool, bool, bool, bool]:
    """What role tests an element of this tag can pass (_role_of's, worked out once a tag):
    (its tag role, a table row, may be named by class/id, may be an unnamed breadcrumb, may be a
    menu list)."""
    low = tag.lower()
    return (_TAG_ROLES.get(low), low == "tr", low not in _NO_TOKEN_ROLE_TAGS,
            low not in _NO_LABEL_TAGS, tag in _MENU_LIST_TAGS)


# text_of's answers for the page parsed last: several extractors (and role assignment) ask for the
# text of the same anchors and blocks. Trees are never changed after parsing, so an answer holds as
# long as its element lives (the cache keeps it alive); Page() empties the cache, bounding it to
# one page's elements (a miss for an older page's element only recomputes).
_TEXTS: dict[etree._Element, str] = {}
_PAGE_CACHES: list[dict] = [_TEXTS]


def page_cache() -> dict:
    """A dict of answers about the last parsed page's elements (like text_of's), emptied by Page()."""
    cache: dict = {}
    _PAGE_CACHES.append(cache)
    return cache


def text_of(el: etree._Element) -> str:
    """The element's text with its descendants' (comments left out), like lxml.html's text_content."""
    text = _TEXTS.get(el)
    if text is None:
        if len(el):
            # libxml2 joins the text nodes itself (what "".join(el.itertext()) makes, comments
            # and processing instructions left out as there, in ~40% of its time: no Python
            # string per node); checked equal on every element of the farm and real pages.
            text = _tostring(el, method="text", encoding=str, with_tail=False)
        else:   # no child node (most links): its text is all there is, read in ~60% of the time
            text = el.text or ""
        _TEXTS[el] = text
    return text


_tostring = etree.tostring


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _size(el: etree._Element) -> int:
    """Nodes in el's subtree, el included (elements, comments, processing instructions)."""
    return len(list(el.iter()))   # the list filled in C: no Python step per node


def _holds_titles(el: etree._Element) -> bool:
    """Whether el links several article-length titles (a pager's links are 1 2 3 / 下一页)."""
    long = 0
    for a in el.iter("a"):
        if len("".join(text_of(a).split())) > 8:
            long += 1
            if long >= 3:
                return True
    return False


def _menu_row(tr: etree._Element) -> bool:
    """A table row built as a menu bar (older county sites): enough cells that each hold one short
    undated link, the other cells only spacer images (thresholds: config/crawl.yaml extract)."""
    cells = [c for c in tr if c.tag in ("td", "th")]
    min_cells, max_label = settings.get("menu_row_min_cells"), settings.get("menu_label_max_chars")
    if len(cells) < min_cells:
        return False
    linked = 0
    for cell in cells:
        anchors = list(cell.iter("a"))
        text = "".join(text_of(cell).split())
        if not anchors:
            if text:
                return False
            continue
        if not _lone_short_link(anchors, text, max_label):
            return False
        linked += 1
    return linked >= min_cells


def _lone_short_link(anchors: list, text: str, max_label: int) -> bool:
    """A menu entry (a table cell, a list item): one short undated link and nothing else."""
    label = "".join(text_of(anchors[0]).split())
    return len(anchors) == 1 and text == label and 2 <= len(label) <= max_label \
        and not _HAS_DATE.search(label)


def _menu_list(el: etree._Element) -> bool:
    """A menu drawn in the page's header with no class naming it (<ul><li><a>政务公开</a></li>…,
    or links side by side with | between them): enough entries that are each one short undated
    link and nothing else (thresholds: config/crawl.yaml extract)."""
    if el.tag not in _MENU_LIST_TAGS:
        return False
    min_cells, max_label = settings.get("menu_row_min_cells"), settings.get("menu_label_max_chars")
    entries = 0
    for child in el:
        if not isinstance(child.tag, str) or _blank(child):
            continue
        anchors = [child] if child.tag == "a" else list(islice(child.iter("a"), 2))
        text = "".join(text_of(child).split())
        if not anchors:
            if text and not CRUMB_SEPARATOR.fullmatch(text):
                return False
            continue
        if not _lone_short_link(anchors, text, max_label):
            return False
        entries += 1
    return entries >= min_cells


def _icon(el: etree._Element) -> bool:
    """An icon or spacer: an empty element that is no link (<img>, <i class="icon"></i>)."""
    return el.tag != "a" and not len(el) and not (el.text or "").strip()


def _blank(el: etree._Element) -> bool:
    return _icon(el) and not (el.tail or "").strip()


def _unlabelled_crumb(el: etree._Element) -> bool:
    """<div><a>首页</a>-&gt;<a>政府文件</a>-&gt;…</div>: a home link, a separator (its tail, or an
    element of its own: <span>&gt;</span>), another link; an icon may stand before them."""
    if (el.text or "").strip():
        return False
    kids = [c for c in el if isinstance(c.tag, str)]
    # an icon, or a separator drawn before the first crumb (<i class="icon"></i> <span>></span>)
    while kids and (_blank(kids[0]) or kids[0].tag != "a" and CRUMB_SEPARATOR.fullmatch(
            "".join((text_of(kids[0]) + (kids[0].tail or "")).split()))):
        kids.pop(0)
    if len(kids) < 2 or kids[0].tag != "a" or not _HOME_LINK_TEXT.match(text_of(kids[0])):
        return False
    sep = kids[0].tail or ""
    if not sep.strip() and kids[1].tag != "a":
        sep = text_of(kids[1])
    return bool(_CRUMB_SEP_START.match(sep)) and any(k.tag == "a" for k in kids[1:])


def _dir(path: str) -> str:
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def _nested_trail(el: etree._Element, resolve, page_url: str) -> bool:
    """Crumbs drawn with no label and no separator text (<ul><li><a>首页</a></li><li><a>政务公开</a>
    …, separators by CSS; or 首页 / 政务公开 / …): a 首页 link, then links each inside the
    previous one's directory, down to this page's own (a menu's links are side by side)."""
    links = list(islice(el.iter("a"), 9))
    if not 3 <= len(links) <= 8 or not _HOME_LINK_TEXT.match(text_of(links[0])):
        return False
    rest = _collapse(text_of(el))
    for a in links:
        rest = rest.replace(_collapse(text_of(a)), "", 1)
    if rest.replace(" ", "") and not CRUMB_SEPARATOR.fullmatch(rest.replace(" ", "")):
        return False   # other words between the links: not a trail of crumbs alone
    paths = []
    for a in links[1:]:
        url = resolve(a.get("href"))
        if not url:
            return False
        paths.append(urlsplit(url).path or "/")
    nested = all(b != a and b.startswith(_dir(a)) and len(b) > len(_dir(a))
                 for a, b in zip(paths, paths[1:]))
    here = urlsplit(page_url).path or "/"
    return nested and (here.startswith(_dir(paths[-1])) or paths[-1].startswith(_dir(here)))


def _first_text(el: etree._Element) -> str | None:
    """The first text a reader sees in el: its own, or that of a leading inline element, after
    any icon (<img> 当前位置：…, <dd><strong>当前位置：</strong>…)."""
    if (el.text or "").strip():
        return el.text
    for child in el:
        if not isinstance(child.tag, str) or _icon(child):
            if (child.tail or "").strip():
                return child.tail
            continue
        if child.tag in _INLINE:
            return text_of(child)
        return None
    return None


_NOT_ELEMENTS = (etree._Comment, etree._ProcessingInstruction, etree._Entity)


def _crumb_candidates(root: etree._Element, nodes: list) -> set:
    """The elements under root that can be an unnamed breadcrumb at all, found from the few text
    nodes and links that make one, so that _role_of tests only these (exactly the same answers):
    a 当前位置 label (BREADCRUMB_LABEL needs 位置; _first_text is el's own text, a child's tail or
    an inline child's text, so one text inside el holds its 置), or a 首页 link inside el
    (_unlabelled_crumb starts with one as el's child, _nested_trail with el's first link).
    nodes: list(root.iter())."""
    found: set = set()

    def climb(el) -> None:
        while el is not None and el not in found:
            found.add(el)
            el = el.getparent()

    # Each node's text and tail read here cost less than an XPath contains() test of every text
    # node; a comment's or processing instruction's own text is no text node.
    for node in nodes:
        text = node.text
        if text and "置" in text and not isinstance(node, _NOT_ELEMENTS):
            climb(node)
        text = node.tail
        if text and "置" in text and node is not root:
            climb(node.getparent())
    # Every link's text_of is read by the extractors anyway (links, columns, lists): joined here
    # once for all, not again by XPath for the 首页 test.
    for a in root.iter("a"):
        text = text_of(a)
        if "首页" in text and _HOME_LINK_TEXT.match(text):
            climb(a.getparent())
    return found


class _Resolutions(dict):
    """href → urls.resolve(href, base) for one page, resolved when first asked for (__missing__:
    no KeyError raised and caught; a fifth of a page's askings are first ones)."""
    __slots__ = ("base",)

    def __init__(self, base: str):
        super().__init__({None: None})
        self.base = base

    def __missing__(self, href: str | None) -> str | None:
        url = self[href] = resolve(href, self.base)
        return url


class Page:
    """A parsed page. Build it with parse_page()."""

    def __init__(self, html: str, url: str):
        self.url = url
        for cache in _PAGE_CACHES:
            cache.clear()
        data = html.encode("utf-8", "surrogatepass") if html and html.strip() else _EMPTY_DOC
        # A browser reads on past a </html> or </body> in mid-page (an included header's own,
        # 国务院公报's); libxml2 would drop all that follows, the article's body with it.
        data = _END_TAGS.sub(b"", data)
        try:
            tree = etree.fromstring(data, _PARSER)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            tree = None
        self.tree = tree if tree is not None else etree.fromstring(_EMPTY_DOC, _PARSER)
        self._raw = html or ""
        self._resolved: _Resolutions | None = None   # made on the first resolve()
        self._roles: dict[etree._Element, frozenset[str]] = {}
        self._own: dict[etree._Element, str] = {}    # element → the role it has itself
        body = next(self.tree.iterchildren("body"), None)   # find("body") without ElementPath
        self.body = body if body is not None else self.tree
        self._assign_roles(self.body, EMPTY)
        self.datastores: list[Datastore] = self._find_datastores()

    # ---- metadata -------------------------------------------------------------------------
    @cached_property
    def base_url(self) -> str:
        for base in self.tree.iter("base"):
            href = (base.get("href") or "").strip()
            if href:
                return urljoin(self.url, href)
        return self.url

    @cached_property
    def title(self) -> str | None:
        el = self.tree.find(".//title")
        if el is None:
            return None
        return _collapse(text_of(el)) or None

    @cached_property
    def meta_all(self) -> dict[str, str]:
        """Every <meta name|property|http-equiv> → content (first occurrence)."""
        out: dict[str, str] = {}
        for el in self.tree.iter("meta"):
            key = el.get("name") or el.get("property") or el.get("http-equiv")
            content = el.get("content")
            if key and content is not None and key.strip() not in out:
                out[key.strip()] = content.strip()
        return out

    @cached_property
    def meta(self) -> dict[str, str]:
        """The 2017 website-guideline meta tags present on the page, keyed by their standard names."""
        out: dict[str, str] = {}
        for key, value in self.meta_all.items():
            std = _META_KEYS.get(key.lower())
            if std and std not in out:
                out[std] = value
        return out

    # ---- furniture ----------------------------------------------------------------------
    def roles(self, el: etree._Element) -> frozenset[str]:
        """Furniture roles of el and its ancestors: {'nav', 'footer', …}; empty in content."""
        return self._roles.get(el, EMPTY)

    def in_content(self, el: etree._Element) -> bool:
        return not self._roles.get(el)

    def own_role(self, el: etree._Element) -> str | None:
        """The role el itself was given (not inherited), if any."""
        return self._own.get(el)

    def furniture(self, role: str) -> list[etree._Element]:
        """Elements given this role themselves, in document order."""
        return [el for el, r in self._own.items() if r == role]

    def _assign_roles(self, root: etree._Element, inherited: frozenset[str]) -> None:
        nodes = list(root.iter())   # their proxies live through the walks: none made twice
        crumbs = _crumb_candidates(root, nodes)
        total = max(1, len(nodes))
        cache: dict[frozenset[str], frozenset[str]] = {}
        own, all_roles = self._own, self._roles
        get = all_roles.get
        for el in root.iter(etree.Element):   # document order: a parent's roles come first
            roles = inherited if el is root else get(el.getparent(), EMPTY)
            kind = _tag_kind(el.tag)
            tag_role, row, named, labelled, menu = kind
            # Most elements can have no role at all (_role_of's tests, cheapest first): no tag
            # role, no class or id to read one from, no breadcrumb inside, no menu row or list.
            if tag_role or row or named and (el.get("class") or el.get("id")) \
                    or labelled and el in crumbs or menu and "header" in roles:
                role = self._role_of(el, kind, roles, crumbs)
                if role and role not in _UNGUARDED_ROLES \
                        and _size(el) > _MAX_FURNITURE_SHARE * total:
                    role = None
                if role:
                    own[el] = role
                    if role not in roles:
                        key = roles | {role}
                        roles = cache.setdefault(key, key)
            if roles:
                all_roles[el] = roles

    def _role_of(self, el: etree._Element, kind: tuple, inherited: frozenset[str],
                 crumbs: set) -> str | None:
        """el's own role before the furniture-share guard; kind: _tag_kind(el.tag); crumbs: the
        elements that may be an unnamed breadcrumb (_crumb_candidates)."""
        role, row, named, labelled, _ = kind
        if role == "script":
            return role
        if role is None and named:
            hits = _token_hits((el.get("class") or "") + " " + (el.get("id") or ""))
            if hits:
                role = self._token_role(el, hits)
        if role == "breadcrumb" and len(_collapse(text_of(el))) >= _CRUMB_MAX_CHARS:
            role = None   # <div class="wz-con"> holding the article: named like a crumb, not one
        if role is None and labelled and el in crumbs:
            first = _first_text(el)
            if (first and BREADCRUMB_LABEL.match(first)
                    or _unlabelled_crumb(el) or _nested_trail(el, self.resolve, self.url)) \
                    and len(_collapse(text_of(el))) < _CRUMB_MAX_CHARS:
                role = "breadcrumb"
        if role is None and (row and _menu_row(el)
                             or "header" in inherited and _menu_list(el)):
            role = "nav"
        return role

    @staticmethod
    def _token_role(el: etree._Element, hits: tuple[tuple[str, bool], ...]) -> str | None:
        """The first role a class/id token names (_token_hits) that el's content does not deny."""
        for role, ambiguous in hits:
            if ambiguous and _HAS_DATE.search(text_of(el)):
                continue   # a "left" column holding dated entries: content, not a sidebar
            if role == "paging" and _holds_titles(el):
                continue   # <div class="section page"> wrapping news blocks: not a pager
            return role
        return None

    def hidden(self, el: etree._Element) -> bool:
        """Whether el sits in a block no one sees (style display:none / visibility:hidden, or
        the hidden attribute): a login greeting kept for signed-in users, a drop-down."""
        roots = self._hidden_roots
        if not roots:
            return False
        return el in roots or any(anc in roots for anc in el.iterancestors())

    @cached_property
    def _hidden_roots(self) -> frozenset:
        # libxml2 picks the few elements with a hidden or style attribute: no Python step for
        # every node of the body
        return frozenset(el for el in _MAY_HIDE(self.body) if
                         el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""))

    # ---- URLs ---------------------------------------------------------------------------
    def resolve(self, href: str | None) -> str | None:
        """urls.resolve against the page's base, memoised: several extractors ask for the same hrefs."""
        memo = self._resolved
        if memo is None:
            memo = self._resolved = _Resolutions(self.base_url)
        return memo[href]

    # ---- Hanweb datastore ----------------------------------------------------------------
    def _find_datastores(self) -> list[Datastore]:
        found: list[Datastore] = []
        for script in self.body.iter("script"):
            text = script.text or ""
            if "InitData" in text:
                # The pager target is the unit id the array is named after ($('#49468').jpage)
                found += [Datastore(records, None, None, unit or None, script)
                          for unit, records in parse_init_data(text) if records]
                continue
            if not _DATASTORE_TAG.search(text):   # "<datastore" in text.lower(), no copy made
                continue
            records, nextgroup, total = parse_datastore_text(text)
            cid = None
            for anc in script.iterancestors():
                if anc.get("id"):
                    cid = anc.get("id")
                    break
            found.append(Datastore(records, nextgroup, total, cid, script))
        if not found and _DATASTORE_TAG.search(self._raw):   # "<datastore" in raw.lower()
            # The datastore outside a script element: the HTML parser has eaten its CDATA.
            for m in _DATASTORE.finditer(self._raw):
                records, nextgroup, total = parse_datastore_text(m.group(0))
                cid_m = re.search(r"""id\s*=\s*["']([^"']+)["'][^<]*<(?:script[^>]*>\s*<)?datastore""",
                                  self._raw[max(0, m.start() - 300):m.start() + 12], re.I)
                found.append(Datastore(records, nextgroup, total, cid_m.group(1) if cid_m else None))
        for ds in found:
            if ds.records:
                ds.fragment = parse_fragment("".join(ds.records))
                base = EMPTY
                if ds.script is not None and ds.script.getparent() is not None:
                    base = self.roles(ds.script.getparent())
                self._assign_roles(ds.fragment, base)
        return found

    def iter_elements(self, *tags: str):
        """Body elements in document order, with Hanweb datastore records in place of their script;
        tags: only elements of these tags (a script standing for records still gives its records)."""
        if not self.datastores:   # most pages: lxml's own walk, no Python step per element
            return self.body.iter(*tags) if tags else self.body.iter(etree.Element)
        return self._iter_with_records(tags)

    def _iter_with_records(self, tags: tuple[str, ...]):
        by_script = {ds.script: ds for ds in self.datastores if ds.script is not None}
        orphans = [ds for ds in self.datastores if ds.script is None]
        if tags and by_script:
            walk = self.body.iter(*tags, "script")
        else:
            walk = self.body.iter(*tags)
        for el in walk:
            if not isinstance(el.tag, str):
                continue
            ds = by_script.get(el) if el.tag == "script" else None
            if ds is not None:
                if ds.fragment is not None:
                    yield from (e for e in ds.fragment.iter(*tags) if isinstance(e.tag, str))
                continue
            if tags and el.tag not in tags:
                continue   # a script asked for only to find records
            yield el
        for ds in orphans:
            if ds.fragment is not None:
                yield from (e for e in ds.fragment.iter(*tags) if isinstance(e.tag, str))

    # ---- text ---------------------------------------------------------------------------
    def main_text(self) -> str:
        """Visible text outside page furniture, whitespace-collapsed."""
        if self._main is None:
            self._read_texts()
        return self._main

    def body_text(self) -> str:
        """All visible body text (furniture included, scripts and styles not), collapsed."""
        if self._body is None:
            self._read_texts()
        return self._body

    _main: str | None = None
    _body: str | None = None

    def _read_texts(self) -> None:
        """main_text and body_text in one walk (most pages ask for both): the text of an element
        and the tails of its children count in the body outside scripts, in the main text outside
        any furniture."""
        body, get = self.body, self._roles.get
        main: list[str] = []
        whole: list[str] = []
        for el in list(body.iter()):   # proxies kept through the walk: a tail's parent made once
            text = el.text
            if text and isinstance(el.tag, str):
                roles = get(el)
                if roles is None:
                    main.append(text)
                    whole.append(text)
                elif "script" not in roles:
                    whole.append(text)
            text = el.tail
            if text and el is not body:
                parent = el.getparent()
                if parent is not None:
                    roles = get(parent)
                    if roles is None:
                        main.append(text)
                        whole.append(text)
                    elif "script" not in roles:
                        whole.append(text)
        self._main = _collapse(" ".join(main))
        self._body = _collapse(" ".join(whole))


def parse_page(html: str, url: str) -> Page:
    """Parse a decoded HTML page once; every extractor takes the result. An oversized page is
    parsed up to extract.max_page_chars (real pages are far smaller; adversarial ones are not)."""
    return Page(html[:settings.get("max_page_chars")], url)
