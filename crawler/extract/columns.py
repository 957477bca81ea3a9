"""Columns (栏目): where they are linked from, what they are called, which category they are."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import config

from . import settings
from .article import is_article
from .dates import SITE_NAME_TAIL, TITLE_SEP, article_date, date_from_url, find_date
from .links import canonical_url, link_kind, link_text
from .page import BREADCRUMB_LABEL, CRUMB_SEPARATOR, text_of
from .rows import row_of

HOME_TEXTS = frozenset({"首页", "网站首页", "返回首页", "主页", "home", "首页home", "回到首页"})
MORE_TEXTS = frozenset({"更多", "more", "查看更多", "更多信息", "更多内容", "更多新闻", "moreinfo"})
_MORE_STRIP = re.compile(r"[\s>»›＞》+＋.。…·:：\[\]【】()（）<《«‹/\\|-]+")
_SUBLEVEL = re.compile(r"sub|drop|child|second|erji|level2|menu2|two")
_HEADING_CLASS = re.compile(r"tit|title|hd|head|name|bt|caption|lmmc|lanmu")
_NOT_PROSE = frozenset({"nav", "footer", "friend", "script", "header"})
_FURNITURE = frozenset({"nav", "footer", "friend", "script", "header", "breadcrumb", "paging",
                        "sidebar"})
_MENUS = frozenset({"nav", "footer", "friend", "script"})   # no content block's 更多 link there
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# The address of a list or channel page (…/, list.shtml, index_1.html, redirect_firstChannel),
# not of an article.
# An article's file name: a long number or hash in it (content_100123.html, art_4512_9.html,
# 34e1d41233c34c52a652e278c5529a33.shtml), unlike a channel's (zfjg.shtml, xwfbh.shtml).
_ARTICLE_FILE = re.compile(r"[^/]*(\d{3,}|[0-9a-f]{16,})[^/]*\.[a-z]+$", re.I)
_PUNCT = re.compile(r"[<>《》«»‹›＜＞\[\]【】|]")
_FOOTER_TEXT = re.compile(r"ICP|备案|公网安备|版权所有|技术支持")
LIST_PAGE = re.compile(r"(^|/)([^/]*(list|index|channel)[^/]*)?$", re.I)
_BREAD_SEP = re.compile(r"\s*(?:-+>|>>|>|＞|»|›|→|\|)\s*|\s+/\s+")
# Application pages (Hanweb columns are .jsp too; see is_app_session).
_APP_PAGE = re.compile(r"\.(jsp|do|action|aspx?|php)$", re.I)
SITEMAP_TEXTS = frozenset({"网站地图", "站点地图", "sitemap", "网站导航"})
_ARTICLE_CRUMBS = frozenset({"正文", "详情", "内容", "文章", "详细信息", "正文内容", "浏览", "详情页",
                             "文章详情", "内容页", "正文页"})
_CRUMB_TOOL_BLOCKS = frozenset({"div", "ul", "ol", "dl", "form", "table", "p", "script", "style"})



@dataclass(frozen=True)
class ColumnLink:
    url: str
    name: str
    source: str   # how it was found: 'nav' | 'more' (homepage 更多) | 'channel' (更多 on a column
                  # page) | 'subnav' | 'sitemap' | 'meta' | 'breadcrumb'


def _norm(text: str) -> str:
    return "".join(text.split())


def _is_tool(text: str) -> bool:
    """搜索, 登录, 网站地图 …: menu entries that are tools, not columns (config/lexicons)."""
    return _norm(text).lower() in _tool_words()


@lru_cache(maxsize=1)
def _tool_words() -> frozenset[str]:
    return frozenset(w.lower() for w in config.lexicon("not_column"))


@lru_cache(maxsize=1)
def _online_words() -> re.Pattern:
    return re.compile("|".join(map(re.escape, config.lexicon("online_system"))))


@lru_cache(maxsize=1)
def _session_params() -> frozenset[str]:
    return frozenset(p.lower() for p in config.load_yaml("crawl.yaml").get("session_params", ()))


def is_online_system(text: str) -> bool:
    """A link text naming an online service system (网上办事大厅, 个人办事/法人办事 …;
    config/lexicons/online_system.txt): its pages are charged, if at all, under online_systems,
    never counted as columns."""
    return bool(text) and _online_words().search(_norm(text)) is not None


def is_app_session(url: str) -> bool:
    """An application page (.jsp, .do …) whose address carries a session id: when it shows no
    content it is a session of an online system, not a blank column (a board that lists
    messages under such an address is still a column)."""
    parts = urlsplit(url)
    if not _APP_PAGE.search(parts.path.split(";", 1)[0]):
        return False
    if ";jsessionid=" in parts.path.lower():
        return True
    names = {kv.split("=", 1)[0].lower() for kv in parts.query.split("&") if kv}
    return bool(names & _session_params())


def is_more_text(text: str) -> bool:
    # Every MORE_TEXTS word holds 多 or an m (only 'm' and 'M' lower to one): most link texts have
    # neither and need no stripping.
    if "多" not in text and "m" not in text and "M" not in text:
        return False
    return _MORE_STRIP.sub("", text).lower() in MORE_TEXTS


_HOME_PATH = re.compile(r"/?((index|default|main|home)\.(s?html?|jsp|php|aspx?|do))?", re.I)


def is_home_link(page, url: str, text: str) -> bool:
    """A link back to the homepage (by its text, the site's own name as the logo shows it, or
    its address), or to the page itself. Answered once per (url, text) and page: the menu's links
    come back in every column extractor."""
    memo = page.__dict__.setdefault("_home_links", {})
    key = (url, text)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _is_home_link(page, url, text)
    return found


def _is_home_link(page, url: str, text: str) -> bool:
    norm = _norm(text)
    if norm.lower() in HOME_TEXTS or (text and norm in _site_names(page)):
        return True
    parts = urlsplit(url)
    home_host, home_key = _home_of(page)
    same_host = parts.netloc.lower() == home_host
    # The logo: a link named like a site (…人民政府, …政务网) to this host's top level (/portal/)
    if same_host and len(norm) >= 5 and SITE_NAME_TAIL.search(norm) \
            and "/" not in parts.path.strip("/"):
        return True
    if same_host and _HOME_PATH.fullmatch(parts.path or "/"):
        return True
    return canonical_url(url) == home_key


def _home_of(page) -> tuple[str, str]:
    """The page's own host (lower-case) and canonical URL, read once per page: every link
    is_home_link judges is compared with them."""
    home = page.__dict__.get("_home_of")
    if home is None:
        home = page.__dict__["_home_of"] = (urlsplit(page.url).netloc.lower(),
                                            canonical_url(page.url))
    return home


def _site_names(page) -> frozenset[str]:
    """The site's own name: its SiteName meta, and the <title> parts that read as one
    (工作动态_某某县人民政府 → 某某县人民政府)."""
    names = getattr(page, "_site_names", None)
    if names is None:
        found = {_norm(page.meta.get("SiteName", ""))}
        found.update(_norm(p) for p in TITLE_SEP.split(page.title or "") if SITE_NAME_TAIL.search(p))
        names = page._site_names = frozenset(n for n in found if len(n) >= 4)
    return names


def _level(a, container) -> int:
    """How deep a link sits in the menu: 0 for first-level entries, more inside drop-downs."""
    level = 0
    for anc in a.iterancestors():
        if anc is container:
            break
        if anc.tag in ("ul", "ol", "dl"):
            level += 1
        # <li class="has-sub"><a>政务公开</a><ul class="sub">…: the entry that owns a drop-down
        # is no deeper for it; only what the drop-down holds is.
        if _SUBLEVEL.search(_tokens(anc)) and not _owns_dropdown(anc, a):
            level += 1
    return level


def _owns_dropdown(block, a) -> bool:
    """a is the block's first link and sits above the block's other links."""
    links = list(block.iter("a"))
    if len(links) < 2 or links[0] is not a:
        return False
    depth = lambda x: next(i for i, p in enumerate(x.iterancestors()) if p is block)  # noqa: E731
    return depth(a) < min(depth(x) for x in links[1:])


def _top_containers(page, role: str, exclude: tuple[str, ...] = ("footer", "friend")) -> list:
    out = []
    for el in page.furniture(role):
        roles = page.roles(el)
        if any(r in roles for r in exclude):
            continue
        if any(page.own_role(anc) == role for anc in el.iterancestors()):
            continue   # nested inside another container of the same role
        out.append(el)
    return out


def nav_columns(page) -> list[ColumnLink]:
    """First-level columns of the navigation menu (the 首页 link excluded)."""
    out: list[ColumnLink] = []
    seen: set[str] = set()
    for container in _top_containers(page, "nav"):
        anchors = [(a, _level(a, container)) for a in container.iter("a")]
        if not anchors:
            continue
        top = min(level for _, level in anchors)
        for a, level in anchors:
            if level != top:
                continue
            url = page.resolve(a.get("href"))
            text = link_text(a)
            if not url or link_kind(url, "a") != "page" or url in seen or is_home_link(page, url, text) \
                    or _is_tool(text) or page.hidden(a):
                continue
            seen.add(url)
            out.append(ColumnLink(url, text, "nav"))
    return out


def _has_date(text: str) -> bool:
    d, partial = find_date(text)
    return d is not None or partial is not None


def _visible_label(a) -> str:
    """What the reader sees on a link: its text, else its image's alt."""
    text = " ".join(text_of(a).split())
    if not text:
        img = a.find(".//img")
        text = (img.get("alt") or "").strip() if img is not None else ""
    return text


@lru_cache(maxsize=8192)   # the same menu and block texts on every page of a site
def _heading_ok(text: str, max_len: int = 20) -> bool:
    return 2 <= len(text) <= max_len and not is_more_text(text) and not _has_date(text) \
        and _norm(text).lower() not in HOME_TEXTS


def _heading_for(page, a) -> str:
    """The name of the block a 更多 link belongs to: its nearest preceding heading."""
    ancestors = set(a.iterancestors())
    for depth, anc in enumerate(a.iterancestors()):
        if depth >= 4 or anc is page.body:
            break
        strict = loose = None
        for el in anc.iter():
            if el is a:
                break
            if not isinstance(el.tag, str) or el in ancestors or el.tag in ("li", "tr", "dd"):
                continue
            if any(p.tag in ("li", "tr", "dd") for p in el.iterancestors() if p not in ancestors):
                continue   # inside a list entry: an item title, not a heading
            if el.tag in _HEADINGS or _HEADING_CLASS.search(_tokens(el)):
                text = " ".join(text_of(el).split())
                if _heading_ok(text):
                    strict = text
            elif depth < 2 and el.tag in ("span", "strong", "b", "a", "em", "font", "p", "div"):
                text = " ".join((el.text or "").split())
                if _heading_ok(text, 15):
                    loose = text
        if strict or loose:
            return strict or loose
    return ""


def _same_url_anchor(page, a, url: str) -> str:
    """An earlier link to the same URL inside the 更多 link's own block (a tab heading such as
    <a href=".../szfwj/">市政府文件</a> … <a href=".../szfwj/">更多>></a>)."""
    for depth, anc in enumerate(a.iterancestors()):
        if depth >= 4 or anc is page.body:
            break
        for other in anc.iter("a"):
            if other is a:
                break
            text = link_text(other)
            if page.resolve(other.get("href")) == url and _heading_ok(text):
                return text
    return ""


def more_links(page, source: str = "more") -> list[ColumnLink]:
    """Column pages behind the 更多>> links of content blocks, named by an earlier link to the same
    page in the block, else the block's heading. source: 'more' on the homepage, 'channel' on a
    column page (a channel page's blocks lead on to its columns)."""
    out: list[ColumnLink] = []
    seen: set[str] = set()
    anchors_by_url: dict[str, str] | None = None     # built only when a 更多 link needs it
    for a in page.body.iter("a"):
        if _MENUS & page.roles(a):
            continue
        if not is_more_text(_visible_label(a)):
            continue
        url = page.resolve(a.get("href"))
        if not url or url in seen or is_home_link(page, url, ""):
            continue
        seen.add(url)
        name = _same_url_anchor(page, a, url) or _heading_for(page, a)
        if not name:
            title = (a.get("title") or "").replace("更多", "").strip()
            if not _heading_ok(title) and anchors_by_url is None:
                anchors_by_url = _first_anchor_texts(page)
            name = title if _heading_ok(title) else anchors_by_url.get(url, "")
        out.append(ColumnLink(url, name, source))
        out += _tab_headings(page, a, seen, source)
    return out


def _first_anchor_texts(page) -> dict[str, str]:
    """url → the text of the first link to it that reads like a column name."""
    out: dict[str, str] = {}
    for a in page.body.iter("a"):
        url = page.resolve(a.get("href"))
        text = link_text(a)
        if url and text and url not in out and _heading_ok(text):
            out[url] = text
    return out


def heading_links(page, source: str = "more") -> list[ColumnLink]:
    """Links in a page's content blocks that lead to columns rather than articles: a block heading
    that is a link (<h3><a href=".../zxft/">在线访谈</a></h3>), and icon or text links to list and
    channel pages (…/, list.shtml, redirect_firstChannel). Like a 更多 link, each leads to a column.
    Article headlines (dated URLs) are not columns."""
    out: list[ColumnLink] = []
    seen: set[str] = set()
    for a in page.body.iter("a"):
        if _FURNITURE & page.roles(a):
            continue
        url = page.resolve(a.get("href"))
        if not url or url in seen or link_kind(url, "a") != "page":
            continue
        text = link_text(a)
        if not _heading_ok(text) or date_from_url(url) or is_home_link(page, url, text) \
                or _is_tool(text):
            continue
        parts = urlsplit(url)   # split only for the links that got this far
        path = parts.path
        if (_ARTICLE_FILE.search(path) and not LIST_PAGE.search(path)) or page.hidden(a):
            continue
        short = len(_norm(text)) <= settings.get("column_link_max_chars") \
            and not parts.query and not _PUNCT.search(text)
        if not (_in_heading(a) or LIST_PAGE.search(path) or short) \
                or _FOOTER_TEXT.search(text) or _dated_entry(page, a, text):
            continue
        seen.add(url)
        out.append(ColumnLink(url, text, source))
    return out


def _dated_entry(page, a, text: str) -> bool:
    """The link is the title of a dated list entry (an article, however short its title)."""
    entry = row_of(page, a)
    return entry is not None and _has_date(text_of(entry).replace(text, ""))


def _in_heading(a) -> bool:
    """Within three levels of a block heading (h1-h6, or a title-like class such as div.hd)."""
    for depth, p in enumerate(a.iterancestors()):
        if depth >= 3:
            return False
        if p.tag in _HEADINGS or _HEADING_CLASS.search(_tokens(p)):
            return True
    return False


def _tokens(el) -> str:
    return ((el.get("class") or "") + " " + (el.get("id") or "")).lower()


def _tab_headings(page, more, seen: set[str], source: str) -> list[ColumnLink]:
    """Tab headings sharing the 更多 link's title bar (市政府文件 | 市政府令 | 修订废止 更多>>): each
    tab shows one column's items, so each is a column."""
    bar = more.getparent()
    if bar is None or any(True for tag in ("ul", "ol", "table", "li", "tr", "dd")
                          for _ in bar.iter(tag)):
        return []   # the whole block, items included: not a title bar
    out = []
    for a in bar.iter("a"):
        url = page.resolve(a.get("href"))
        text = link_text(a)
        if a is more or not url or url in seen or link_kind(url, "a") != "page" \
                or not _heading_ok(text) or date_from_url(url) or is_home_link(page, url, text):
            continue
        seen.add(url)
        out.append(ColumnLink(url, text, source))
    return out


def subnav_columns(page) -> list[ColumnLink]:
    """Sibling/child columns listed in a column page's sidebar navigation."""
    out: list[ColumnLink] = []
    seen: set[str] = set()
    for container in _top_containers(page, "sidebar"):
        for a in container.iter("a"):
            url = page.resolve(a.get("href"))
            text = link_text(a)
            if not url or url in seen or link_kind(url, "a") != "page" or not text:
                continue
            if is_home_link(page, url, text) or is_more_text(text) or date_from_url(url) or _is_tool(text):
                continue
            if _dated_entry(page, a, text):
                continue   # a dated entry of a side list ("热点信息"), not a column
            seen.add(url)
            out.append(ColumnLink(url, text, "subnav"))
    return out


def meta_column(page) -> ColumnLink | None:
    """The column a page belongs to, from its ColumnName meta tag (2017 guidelines) and the
    breadcrumb link carrying that name: finds columns no menu, 更多 or sidebar leads to."""
    name = page.meta.get("ColumnName")
    if not name:
        return None
    for el in page.furniture("breadcrumb"):
        for a in el.iter("a"):
            url = page.resolve(a.get("href"))
            if url and _norm(link_text(a)) == _norm(name) and not is_home_link(page, url, name):
                return ColumnLink(url, name, "meta")
    return None


def breadcrumb_columns(page) -> list[ColumnLink]:
    """The columns a page's breadcrumb links to (首页 and the page itself left out)."""
    out: list[ColumnLink] = []
    for el in page.furniture("breadcrumb"):
        for a in el.iter("a"):
            url = page.resolve(a.get("href"))
            text = BREADCRUMB_LABEL.sub("", link_text(a)).strip()
            if not url or not text or link_kind(url, "a") != "page" or is_home_link(page, url, text) \
                    or text in _ARTICLE_CRUMBS or any(c.url == url for c in out):
                continue
            out.append(ColumnLink(url, text, "breadcrumb"))
        if out:
            break
    return out


def _crumb_pieces(el) -> list[str]:
    """The crumbs of a breadcrumb element: each link is one crumb (adjacent <li><a> crumbs whose
    separators CSS draws stay apart), the text between links is split at the separators."""
    pieces: list[str] = []
    buf: list[str] = []

    def flush():
        text = BREADCRUMB_LABEL.sub("", " ".join("".join(buf).split()))
        # a separator standing alone (<span>/</span>, <span>></span>) is no crumb
        pieces.extend(p.strip() for p in _BREAD_SEP.split(text)
                      if p and p.strip() and not CRUMB_SEPARATOR.fullmatch(p.strip()))
        buf.clear()

    def visit(node):
        if node.tag == "a":
            flush()
            buf.append(text_of(node))
            flush()
            return
        buf.append(node.text or "")
        for child in node:
            # a block of tools inside the crumbs' line (字号：默认 大 超大 | 打印) is no crumb
            if isinstance(child.tag, str) and not (child.tag in _CRUMB_TOOL_BLOCKS
                                                   and child.find(".//a[@href]") is None):
                visit(child)
            buf.append(child.tail or "")

    visit(el)
    flush()
    # a crumb repeated right after itself (… > 工作动态 <b>工作动态</b>, the column's heading) is one
    return [p for i, p in enumerate(pieces) if i == 0 or p != pieces[i - 1]]


def breadcrumb(page) -> list[str]:
    """Breadcrumb segments (当前位置：首页 > 政务公开 > 通知公告 → ['首页', '政务公开', '通知公告']).
    Of several breadcrumbs, the one naming the most columns: a template's 网站首页 > 详情页 above
    the article's own 网站首页 > 综合要闻 > 镇街动态 says less (the first wins a tie)."""
    best: list[str] = []
    for el in page.furniture("breadcrumb"):
        if any(page.own_role(anc) == "breadcrumb" for anc in el.iterancestors()):
            continue   # a part of a breadcrumb already read
        parts = _crumb_pieces(el)
        if _named_columns(parts) > _named_columns(best):
            best = parts
        elif not best:
            best = parts
    return best


def _named_columns(crumbs: list[str]) -> int:
    return sum(1 for c in crumbs if _norm(c).lower() not in HOME_TEXTS and c not in _ARTICLE_CRUMBS)


def column_name(page) -> str | None:
    """The column page's own name: the last breadcrumb segment, else meta ColumnName, else part of
    <title>. The breadcrumb wins over the meta tag: sites copy meta tags between templates."""
    crumbs = [c for c in breadcrumb(page) if c not in _ARTICLE_CRUMBS]
    if len(crumbs) >= 2 or (crumbs and _norm(crumbs[0]) not in HOME_TEXTS):
        return crumbs[-1]
    name = page.meta.get("ColumnName")
    if name:
        return name
    if not page.title:
        return None
    site = page.meta.get("SiteName", "")
    parts = [p for p in TITLE_SEP.split(page.title) if p]
    candidates = [p for p in parts if p != site and not SITE_NAME_TAIL.search(p)]
    if candidates:
        return candidates[0]
    return None


def sitemap_url(page) -> str | None:
    """The 网站地图 page linked from the header or footer, if any."""
    for a in page.body.iter("a"):
        if _norm(link_text(a)).lower() in SITEMAP_TEXTS:
            url = page.resolve(a.get("href"))
            if url and link_kind(url, "a") == "page" and not is_home_link(page, url, ""):
                return url
    return None


def sitemap_columns(page) -> list[ColumnLink]:
    """Every column a 网站地图 page lists: the links of its content (header, menus and footer left
    out), articles and attachments excluded. Each is still fetched before it is judged."""
    out: list[ColumnLink] = []
    seen: set[str] = set()
    for a in page.body.iter("a"):
        if page.roles(a) - {"sidebar"}:
            continue
        url = page.resolve(a.get("href"))
        text = link_text(a)
        if not url or url in seen or link_kind(url, "a") != "page" or not _heading_ok(text) \
                or is_home_link(page, url, text) or date_from_url(url) or _is_tool(text):
            continue
        seen.add(url)
        out.append(ColumnLink(url, text, "sitemap"))
    return out


def page_columns(page, role: str) -> list[ColumnLink]:
    """Every column a page leads to, by what the page is: the homepage's menu and 更多 blocks; a
    column page's sidebar, its blocks' 更多 links (a channel page) and its breadcrumb; any page's
    ColumnName meta and breadcrumb. Where several name one column, the first wins: a block's
    heading link names it before its 更多 link. The spider and the real-page tests both call this."""
    found = meta_column(page)
    out = [found] if found else []
    if role == "home":
        out += nav_columns(page) + heading_links(page, "more") + more_links(page, "more")
    elif role == "column":
        out += subnav_columns(page) + heading_links(page, "channel") + more_links(page, "channel")
    out += breadcrumb_columns(page)
    return [c for c in out if not is_online_system(c.name)]


def page_kind(page, items, columns: list[ColumnLink]) -> str:
    """What a page fetched as a column turned out to be; a column is a page that turned out to be a
    list or a channel, never decided by where its link stood (menu, block heading, headline):
    'channel' (its content blocks lead on to two columns or more: 互动交流 with 领导信箱, 在线咨询 …;
    it belongs to no leaf category), 'list' (items of its own), 'article' (a publication date,
    paragraphs of text and at most a few links beside them: a headline's article, a homepage item,
    not a column), else 'page' (a static or blank column). `columns` are
    page_columns(page, 'column')."""
    if is_article(page) or len(items) < settings.get("article_max_items") and _prose_chars(page) >= \
            settings.get("article_min_prose") and article_date(page, use_htmldate=False) is not None:
        return "article"   # a few links beside it (相关阅读) make no list of it
    if len(_block_leads(page, columns)) >= 2:
        return "channel"
    return "list" if items else "page"


_SENTENCE = 30     # characters: a run of text this long outside a link is a sentence, not a label


def _prose_chars(page) -> int:
    """Characters of sentences outside links and page furniture: an article's paragraphs (a list
    page shows titles in links and dates)."""
    total = 0
    for el in page.body.iter():
        if not isinstance(el.tag, str) or el.tag in ("a", "script", "style") \
                or page.roles(el) & _NOT_PROSE:
            continue
        own = el.text if not any(p.tag == "a" for p in el.iterancestors()) else None
        for text in (own, el.tail if el.getparent() is not None and el.getparent().tag != "a"
                     else None):
            if text and len(chunk := _norm(text)) >= _SENTENCE:
                total += len(chunk)
    return total


def _block_leads(page, columns: list[ColumnLink]) -> set[str]:
    """The columns a page's content blocks lead to: by a 更多 link or a linked block heading (a
    menu repeated in the content, such as a footer 栏目 bar, is neither)."""
    wanted = {c.url for c in columns if c.source == "channel"}
    out: set[str] = set()
    for a in page.body.iter("a"):
        if page.roles(a) & _FURNITURE:
            continue
        url = page.resolve(a.get("href"))
        if url in wanted and (_in_heading(a) or is_more_text(_visible_label(a))):
            out.add(url)
    return out
