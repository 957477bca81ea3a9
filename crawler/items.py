"""The records the spider yields, one dataclass per kind (slotted: cheap to build, and Scrapy takes
dataclass instances as items). crawler.pipelines.TABLES says which table, and which columns make a
row unique, for each kind that is stored; `rows()` gives a record's rows for it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache


@dataclass(slots=True)
class Record:
    site: str   # the site's register code

    def rows(self) -> list[dict]:
        """The record's rows for its table: its fields but the site (the pipeline adds the crawl)."""
        return [{name: getattr(self, name) for name in _stored_fields(type(self))}]


@lru_cache(maxsize=None)   # dataclasses.fields() on every record cost more than the row itself
def _stored_fields(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind) if f.name != "site")


@dataclass(slots=True)
class Page(Record):
    """An internal HTML page fetched, with its own publication date. replace: fetched again in a
    role of its own (column, list …), its row overwrites the ordinary fetch's."""
    url: str
    status: int
    title: str
    pub_date: date | None
    depth: int
    date_source: str = ""
    meta_date: date | None = None
    replace: bool = False

    def rows(self) -> list[dict]:
        return [{"url": self.url, "status": self.status, "title": self.title,
                 "pub_date": self.pub_date, "depth": self.depth, "date_source": self.date_source,
                 "meta_date": self.meta_date}]


@dataclass(slots=True)
class Text(Record):
    """What a page says (crawler.extract.pagetext.PageText as a dict, or already packed with
    store.pack_text), for the serious-error scans at score time; the pipeline stores it compressed."""
    url: str
    data: dict | bytes


@dataclass(slots=True)
class HomePage(Record):
    """The homepage's role: home, a navigation entry (entry), or one of its second_level pages."""
    url: str
    role: str


@dataclass(slots=True)
class Column(Record):
    """A column's first page: its name as linked and as its page says, its kind, blank or not."""
    url: str
    name: str
    meta_name: str
    meta_type: str
    source: str      # the first way it was found (nav, more, sitemap …)
    kind: str        # list | channel | page (crawler.extract.columns.page_kind)
    blank: bool


@dataclass(slots=True)
class ColumnFind(Record):
    """One way a column was found (menu, channel page, site map, meta tag …) and what it called it."""
    url: str
    source: str
    name: str
    found_on: str


@dataclass(slots=True)
class Gated(Record):
    """A column page that needs a login or captcha (reason) before it shows anything."""
    url: str
    reason: str


@dataclass(slots=True)
class Search(Record):
    """The homepage's search box tried with a query: the results page's status and what it showed
    (failure: why it is no results page, '' when it is one)."""
    url: str
    how: str
    query: str
    status: int | None
    failure: str
    result_links: int = 0
    categories: str = ""


@dataclass(slots=True)
class Online(Record):
    """A link to an online system (在线申报, 办件查询 …), for the online-systems check."""
    url: str
    text: str
    source_url: str


@dataclass(slots=True)
class Items(Record):
    """The entries of one list page (the homepage, or a column page and its paging pages): rows of
    url, title, list_date, partial ('MM-DD'), date_text, pinned."""
    list_url: str
    on_home: bool
    entries: list[dict]

    def rows(self) -> list[dict]:
        return [{"list_url": self.list_url, "on_home": self.on_home, **row} for row in self.entries]


@dataclass(slots=True)
class Messages(Record):
    """Message-board rows of a list page (source 'list') or a letter's own page ('detail'): url,
    title, posted, replied, status, unit."""
    source: str
    list_url: str
    entries: list[dict]

    def rows(self) -> list[dict]:
        return [{"list_url": self.list_url, "source": self.source, **row} for row in self.entries]


@dataclass(slots=True)
class Link(Record):
    """One distinct link target and its check outcome (crawler.checks.Outcome)."""
    url: str
    kind: str        # page | image | attachment | external
    on_home: bool
    source_url: str
    text: str
    ok: bool
    status: int | None
    failure: str | None
    detail: str
    attempts: int


@dataclass(slots=True)
class Memo(Record):
    """What one answer to a page or link check told the spider (crawler.revisit.Answer, packed),
    with the answer's validators and body hash: for the site's next crawl, kept per site in
    page_memos, not among this crawl's observations."""
    url: str
    context: str
    reader: str
    status: int
    etag: str
    last_modified: str
    body_hash: str
    facts: bytes
    date: str = ""             # the answer's Date, Cache-Control, Expires (its freshness)
    cache_control: str = ""
    expires: str = ""
    always_ask: str = ""       # why it is asked however fresh (crawler/revisit.py), or ""


@dataclass(slots=True)
class Revalidated(Record):
    """A memo a 304 (or the same body) confirmed: its freshness counts again from now."""
    memo_id: int
    date: str


@dataclass(slots=True)
class SiteReached(Record):
    """A site answered: the rows an interrupted earlier attempt stored for it are dropped."""


@dataclass(slots=True)
class SiteDone(Record):
    """A site finished (status ok or down) with its counts; reported on stdout (crawler.progress)."""
    status: str
    error: str
    pages: int
    links: int
    skipped: int
    unchecked: int = 0
    unchecked_sample: list[str] = field(default_factory=list)
    cut_short: str = ""      # page_budget | unreachable_on_resume | '' (complete)
    errors: int = 0
    first_error: str = ""
    first_error_url: str = ""
    crawl_mode: str = "full"   # full | incremental (crawler/revisit.py)
    reused: int = 0            # answers given back by the site's memos instead of a reading
    asked: int = 0             # pages and link checks asked of the site (conditionally or not)
    replayed: int = 0          # of `reused`, those given back without asking (fresh memos)


@dataclass(slots=True)
class Batch:
    """The records one callback yielded, in order: one pass through Scrapy's item machinery."""
    records: list[Record]
