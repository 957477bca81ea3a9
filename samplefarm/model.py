"""The data a sample site is made of: columns, items, planted links and special answers.

Everything the renderers draw and everything truth.yaml states comes from these objects, so the
self-check test can recount the truth from them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

EXT_HOST = "127.0.1.100"           # the unregistered external news site / national portal
REFUSED_URL = "http://127.0.0.1:9/"  # discard port: nothing listens there


@dataclass
class Link:
    """A planted link. href: site path ('/a/b.html', './x.doc'), or absolute with '{ext}'/'{port}'."""
    href: str
    text: str = ""
    tag: str = "a"                 # 'a' | 'img' | 'fj' (an attachment the article writes by script:
                                   # var hasFJ='<a href=…>…</a>'; document.write(…))
    online: bool = False           # its text names an online system (在线申报, 办件查询 …)


@dataclass
class Item:
    title: str
    date: date | None
    list_fmt: str = "full"         # how list pages show the date: full | partial | none
    article: str = "both"          # date on the article page: both | meta | visible | none
    url_dated: bool = True         # the article URL carries the date (t20261120_…, /art/2026/11/20/)
    pinned: bool = False
    href: str | None = None        # a planted target instead of a generated article page
    links: list[Link] = field(default_factory=list)   # extra links in the article body
    path: str = ""                 # article path, assigned by Site.build()
    # Consultation messages: the date was posted (Item.date), the reply (None: none yet) and the
    # status shown ('' = answered when replied, else pending; or 'in_progress').
    reply: date | None = None
    status: str = ""

    @property
    def state(self) -> str:
        return self.status or ("answered" if self.reply else "pending")
    body: list[str] = field(default_factory=list)     # own article paragraphs (default: generated)
    # A guide's fields as (label as written, element id it stands for, value); '' / '无' = empty.
    # None on a guide column's item: the generated guide with all eight elements.
    guide: list[tuple[str, str, str]] | None = None
    guide_style: str = "lines"     # lines ('标签：内容') | table | headings | spans (label <span>
                                   # beside value <span>) | richtext (numbered bold label lines,
                                   # values in the paragraph below)
    raw_html: str = ""             # markup appended to the article body as is (injected spam)
    republished: date | None = None   # the PubDate meta says this (the day it was copied), the
                                      # page itself Item.date (render_div)


@dataclass
class Col:
    key: str
    name: str
    path: str                      # the column URL path (how every route links to it)
    category: str | None           # expected category (truth); None = uncategorised
    kind: str = "list"             # list | hub | static | blank
    paging: str = "single"         # trs | trs_inline | hanweb | jpage | page | next | single
                                   # | maxpage | last | hyphen | select (render_div's pagers)
    per_page: int = 15
    items: list[Item] = field(default_factory=list)
    text: str = ""                 # static text, or the blank column's placeholder ('' = nothing)
    group: str | None = None       # sidebar group label (hub name when a hub exists)
    nav: bool = False              # first-level navigation entry
    meta_type: str = ""            # <meta name="ColumnType">
    colid: int = 0                 # Hanweb column id
    table: bool = False            # list drawn as table rows
    page_links: dict[int, list[Link]] = field(default_factory=dict)  # extra links on list page N
    session: str = ""              # '' | 'jsessionid' | 'sid': links to it carry a session id
    static_links: list[Link] = field(default_factory=list)           # links inside static text
    hidden: bool = False           # in no sidebar: only a channel page's block or the site map leads to it
    board: str = ""                # message boards: '' (list, replies on letter pages) | 'badge'
                                   # (<li> with a status badge) | 'table' (标题/留言时间/回复时间/状态)
                                   # | 'status' (<li> with 已回复 but no reply date: the letter says)
                                   # | 'divs' (<div> rows, the status an image's alt text)
    gate: str = ""                 # 'login': the column shows a login form and no messages
    article_meta: bool = False     # its articles carry 发展指引's ArticleTitle, PubDate and
                                   # ContentSource meta tags (render_trs)

    @property
    def dir(self) -> str:
        return self.path if self.path.endswith("/") else self.path[: self.path.rfind("/") + 1]


@dataclass
class Block:
    """A homepage content block: heading, the column's first n items, a 更多 link."""
    col: str
    n: int
    date_style: str = "full"       # full | partial | none (the homepage often shows less)
    more: bool = True              # False: no 更多 link, the block only lists the articles


@dataclass
class Special:
    """A path with a planted answer."""
    kind: str                      # 404 | 410 | 500 | flaky503 | soft404 | redirect404 | slow
                                   # | system_error (200 with a login/system error: a dead online system)
                                   # | redirect (to detail) | hang (never finishes sending)
    detail: str = ""


@dataclass
class Site:
    code: str
    name: str
    place: str                     # the place name used in titles
    org: str                       # 主办单位
    level: str                     # 省级 / 地市级 / 县级 / 乡镇
    region: str
    site_type: str                 # 门户网站 / 部门网站
    host: int                      # 127.0.1.X
    domain: str = ""               # the public domain it pretends to have (SiteDomain, mailto)
    style: str = "trs"             # trs | hanweb | table | div
    encoding: str = "utf-8"        # 'gb18030' = served as bytes, charset only in <meta> (gb2312);
                                   # 'gbk-as-utf8' = GBK bytes whose <meta charset> says UTF-8
    date_fmt: str = "iso"          # iso | slash | cn | dot: how list dates are written
    columns: list[Col] = field(default_factory=list)
    nav: list = field(default_factory=list)      # column keys, or (text, absolute href) externals
    blocks: list[Block] = field(default_factory=list)
    home_links: list[Link] = field(default_factory=list)   # quick links / banners on the homepage
    focus: list[tuple[str, int]] = field(default_factory=list)  # slider: (column key, item index)
    calendar: bool = False         # homepage activity calendar (endless ?month= trap)
    unknown: str = "404"           # unknown paths: '404' or 'custom200' (own error page, status 200)
    specials: dict[str, Special] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)    # fine attachments/images: path → ext
    site_meta: bool = True         # SiteName/SiteDomain/SiteIDCode meta tags
    theme: dict = field(default_factory=dict)   # class names (real sites vary them)
    friends: list[tuple[str, str]] = field(default_factory=list)  # 友情链接 <select> options
    extra_pages: dict[str, str] = field(default_factory=dict)  # plain content pages: path → title
    footer_links: list[Link] = field(default_factory=list)     # site-specific footer links
    down: bool = False
    uid_base: int = 100000
    # Real-site fidelity (issue 5); empty for the first seven sites, whose pages stay as they were.
    sitemap: list[str] = field(default_factory=list)   # 网站地图 at /wzdt/index.html: column keys
    sitemap_dead: list[Link] = field(default_factory=list)   # listed there, but gone (404)
    entry: list[Link] = field(default_factory=list)    # '/' is a navigation entry page with these links
    headline: tuple[str, int] | None = None            # 头条: (column key, item index)
    ticker: list[tuple[str, int]] = field(default_factory=list)  # scrolling 滚动 items
    tabs: list[tuple[list[str], int]] = field(default_factory=list)  # tab groups: (column keys, n)
    # Availability: every fail_every-th request for the homepage '/' answers fail_status
    # (deterministic: any N consecutive probes meet exactly N / fail_every failures).
    fail_every: int = 0
    fail_status: int = 503
    fail_run: int = 1              # ... the last fail_run requests of every fail_every (in a row),
    fail_offset: int = 0           # the cycle shifted by this many requests
    # Pages of an online service system (网上办事大厅 …): path → title, drawn as an application
    # shell with no content of its own (its data comes by script).
    app_pages: dict[str, str] = field(default_factory=dict)
    # Site search on the homepage (站内搜索): '' none | 'categorised' (a form; results with 全部/信息公开/
    # 办事服务 tabs, searched in the site's own titles) | 'broken' (a script-built URL whose handler
    # answers HTTP 500).
    search: str = ""
    # Serious errors planted on purpose, one entry per finding a correct audit reports (truth recount).
    serious: list[str] = field(default_factory=list)
    # Personal data planted on purpose (samplefarm/personal.py): numbers in clear a correct audit
    # reports, and masked numbers it counts apart.
    leaks: list[str] = field(default_factory=list)
    masked: list[str] = field(default_factory=list)
    # Identity marks (发展指引) the footer leaves out ('icp', 'police', 'conac', 'error_report'), and
    # the 网站标识码 it shows when not its own (a copied template).
    marks_left_out: list[str] = field(default_factory=list)
    footer_code: str = ""
    # HTTPS (samplefarm/tlsfarm.py): '' plain HTTP only, else served over HTTPS on the farm's port
    # with a test-CA certificate that is 'expired' or for a 'wrong_host'; tls_days: its days left.
    tls: str = ""
    tls_days: int = 0
    # Markup added to the homepage as is (planted accessibility defects).
    home_html: str = ""

    @property
    def ip(self) -> str:
        return f"127.0.1.{self.host}"

    def col(self, key: str) -> Col:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def children(self, hub: Col) -> list[Col]:
        return [c for c in self.columns if c.group == hub.name and c is not hub and c.kind != "hub"]

    def build(self) -> "Site":
        """Order items as list pages show them and give every generated article its path."""
        uid = self.uid_base
        for c in self.columns:
            pinned = [i for i in c.items if i.pinned]
            rest = [i for i in c.items if not i.pinned]
            rest.sort(key=lambda i: (i.date is None, -(i.date.toordinal() if i.date else 0)))
            c.items = pinned + rest
            for it in c.items:
                uid += 1
                if it.href:
                    continue
                it.path = article_path(self, c, it, uid)
        return self


def article_path(site: Site, col: Col, it: Item, uid: int) -> str:
    if site.theme.get("article") == "asp":     # an ASP CMS: one script, the article id in the query
        return f"/ShowArticle.asp?ArticleID={uid}"
    d = it.date if it.url_dated else None
    if site.style == "hanweb":
        if d:
            return f"/art/{d.year}/{d.month}/{d.day}/art_{col.colid}_{uid}.html"
        return f"/art/{col.colid}/art_{col.colid}_{uid}.html"
    if d:
        return f"{col.dir}{d:%Y%m}/t{d:%Y%m%d}_{uid}.html"
    return f"{col.dir}content_{uid}.html"
