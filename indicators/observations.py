"""What the crawler saw on one site, as plain data: the input of every indicator.

indicators.assemble builds these from a stored crawl; tests build them by hand.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class Item:
    """One entry of a list (homepage block or column page)."""
    title: str
    url: str
    date: date | None = None          # publication date, None when no date could be found
    date_source: str | None = None    # 'list' | 'article' | 'url' | None
    pinned: bool = False              # 置顶


@dataclass
class Message:
    """What a board list row or a letter's own page says about one message."""
    url: str
    title: str = ""
    posted: date | None = None
    replied: date | None = None
    status: str = ""                  # answered | in_progress | pending | '' (not shown)


@dataclass
class Column:
    url: str                          # the column's first list page
    name: str
    category: str | None              # a key of config/taxonomy.yaml categories, or None
    blank: bool = False               # no items and no substantive text, or only 暂无信息 etc.
    items: list[Item] = field(default_factory=list)
    category_source: str | None = None  # 'override' | 'meta' | 'name' | None
    # How the crawler found it, each way once, first first: 'nav' (menu), 'more' (homepage 更多
    # block), 'channel' (更多 block of a channel page), 'subnav' (sidebar), 'sitemap' (网站地图),
    # 'meta' (ColumnName meta tag), 'breadcrumb'.
    sources: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)   # source → what that source calls it
    found_by: str = ""                # the same, comma-joined ('nav,breadcrumb'), as reports show it
    messages: dict[str, Message] = field(default_factory=dict)  # board columns: item URL → message
    gated: str = ""                   # 'login' | 'captcha': the page shows nothing without it


@dataclass
class LinkCheck:
    """One distinct link target and what checking it gave."""
    url: str
    kind: str                         # 'page' | 'image' | 'attachment' | 'external'
    ok: bool
    status: int | None = None         # final HTTP status, None when no response
    failure: str | None = None        # None | 'http' | 'refused' | 'dns' | 'timeout' | 'soft404'
                                      # | 'error_redirect' | 'other'
    detail: str = ""                  # evidence in Chinese-readable form, e.g. 'HTTP 404', '连接被拒绝'
    on_home: bool = False             # linked from the homepage
    sources: list[str] = field(default_factory=list)  # pages linking to it (a few, for evidence)


@dataclass
class ProbeObs:
    """One homepage availability check: a probe, or the crawl's own homepage fetch."""
    at: datetime
    ok: bool
    outcome: str = "ok"               # ok|http|refused|dns|timeout|soft404|other
    detail: str = ""                  # Chinese evidence, e.g. 'HTTP 503', '连接被拒绝'
    source: str = "probe"             # 'probe' | 'crawl'


@dataclass
class Hidden:
    """A hidden element of a page (how a hacked page hides injected spam)."""
    how: str                 # the hiding technique, e.g. 'display:none', 'iframe 0×0'
    tag: str                 # the hiding element, e.g. 'div'
    text: str
    links: list[list[str]] = field(default_factory=list)   # [text, href]


@dataclass
class PageText:
    """What one page says (crawler.extract.pagetext builds it; stored compressed)."""
    title: str = ""
    keywords: str = ""       # meta keywords + description
    text: str = ""           # visible body text, whitespace-collapsed
    hidden: list[Hidden] = field(default_factory=list)
    outbound: list[list[str]] = field(default_factory=list)  # visible links to other hosts
    pairs: list[list[str]] = field(default_factory=list)     # [label, value] fields (guides)
    meta: dict[str, str] = field(default_factory=dict)       # 发展指引 meta tags present
    marks: list[list[str]] = field(default_factory=list)     # [text or alt, href or src] of
                                                             # identity-mark links and images

    def to_dict(self) -> dict:
        # Built by hand: dataclasses.asdict deep-copies every list (once per crawled page).
        return {"title": self.title, "keywords": self.keywords, "text": self.text,
                "hidden": [dict(vars(h)) for h in self.hidden], "outbound": self.outbound,
                "pairs": self.pairs, "meta": self.meta, "marks": self.marks}

    @classmethod
    def from_dict(cls, d: dict) -> "PageText":
        return cls(title=d.get("title", ""), keywords=d.get("keywords", ""), text=d.get("text", ""),
                   hidden=[Hidden(**h) for h in d.get("hidden", [])],
                   outbound=d.get("outbound", []), pairs=d.get("pairs", []),
                   meta=d.get("meta", {}), marks=d.get("marks", []))


@dataclass
class SearchCheck:
    """The homepage's search box tried with a test query (站内搜索)."""
    url: str                 # the results URL asked for
    how: str                 # form | script
    query: str
    status: int | None = None
    failure: str = ""        # why it gave no results page ('' = it gave one)
    result_links: int = 0    # results linking back into the site
    categories: list[str] = field(default_factory=list)   # category tabs on the results page


@dataclass
class OnlineLink:
    """A link whose text names an online system; its check result is in SiteObservations.links."""
    url: str
    text: str
    source_url: str = ""


@dataclass
class SiteObservations:
    site_code: str
    home_url: str
    reachable: bool                   # False: homepage could not be fetched, measurements are None
    home_items: list[Item] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    links: list[LinkCheck] = field(default_factory=list)
    is_portal: bool = False
    pages_crawled: int = 0
    # A navigation-entry homepage (导航页): home_items come from these second-level pages.
    home_entry: bool = False
    home_second_level: list[str] = field(default_factory=list)
    probes: list[ProbeObs] = field(default_factory=list)   # availability checks in the window
    pages: dict[str, PageText] = field(default_factory=dict)   # page URL → what it says
    attachments: dict[str, PageText] = field(default_factory=dict)   # attachment URL → its text
    records: dict[str, str] = field(default_factory=dict)   # page or attachment URL → digest of
                                                            # its stored text record (the store's)
    checks: dict[str, dict] = field(default_factory=dict)   # site checks after the crawl: kind →
                                                            # result (crawler/sitechecks.py)
    online_links: list[OnlineLink] = field(default_factory=list)
    search: SearchCheck | None = None   # None: the homepage shows no site search box
