"""The store's tables: registered sites, crawl runs and what each site crawl observed, score runs
and their verdicts, probes, reviews, leases.

A crawl run owns its observations (site_crawls → pages, columns, items, links), so two quarters can be
compared and any later stage can be re-run alone on what an earlier one stored.
"""
from __future__ import annotations

import hashlib
import json
import zlib
from datetime import date, datetime, timezone

from sqlalchemy import (JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, LargeBinary,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class CrawlObservation:
    """What one site crawl observed: pages, columns, items, links (deleted with their crawl)."""
    id: Mapped[int] = mapped_column(Integer, primary_key=True)

    @declared_attr
    def site_crawl_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("site_crawls.id", ondelete="CASCADE"), index=True)


class ScoreRunSiteRow:
    """One site's row of a score run (deleted with the run; one per site and run). sort_order
    keeps these three columns first, as the tables were first created."""
    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-3)
    site_code: Mapped[str] = mapped_column(String(64), sort_order=-1)

    @declared_attr
    def score_run_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("score_runs.id", ondelete="CASCADE"), index=True,
                             sort_order=-2)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (UniqueConstraint("score_run_id", "site_code"),)


class Site(Base):
    __tablename__ = "sites"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    home_url: Mapped[str] = mapped_column(Text)
    sponsor: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str] = mapped_column(String(32), default="")
    region: Mapped[str] = mapped_column(Text, default="")
    site_type: Mapped[str] = mapped_column(String(32), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    @property
    def is_portal(self) -> bool:
        return self.site_type == "门户网站"   # the register import normalises the variants


class CrawlRun(Base):
    __tablename__ = "crawl_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # running | done | interrupted (a signal stopped it) | failed (a crawler process died)
    status: Mapped[str] = mapped_column(String(16), default="running")
    site_codes: Mapped[list] = mapped_column(JSON, default=list)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)


class SiteCrawl(Base):
    __tablename__ = "site_crawls"
    __table_args__ = (UniqueConstraint("run_id", "site_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True)
    site_code: Mapped[str] = mapped_column(String(64), index=True)
    home_url: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running|ok|down
    error: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    links: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)   # pages left out by budget or trap limits
    # Link targets left unchecked because a budget was spent (pages, files, off-site links), and a
    # few of them (one a line): shown as 未检测链接 N, never dropped silently.
    unchecked: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unchecked_sample: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Why this site's observations are incomplete, when they are: page_budget |
    # unreachable_on_resume (kept what was crawled before the interruption). Empty: complete.
    cut_short: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # Exceptions while crawling or storing this site's pages (a spider callback, an extractor, the
    # pipeline, a row the store refused): the site is reported 抓取不完整 with these.
    errors: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_error: Mapped[str] = mapped_column(Text, default="", server_default="")
    first_error_url: Mapped[str] = mapped_column(Text, default="", server_default="")
    # full | incremental (an earlier complete crawl of the site existed: pages that answered 304
    # or an unchanged body were not read again, `reused` of them; crawler/revisit.py)
    crawl_mode: Mapped[str] = mapped_column(String(16), default="full", server_default="full")
    reused: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # pages and link checks asked of the site; of `reused`, those used without asking (fresh)
    asked: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    replayed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Page(CrawlObservation, Base):
    """An internal HTML page fetched; pub_date is its own (article) date, for dating list items."""
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("site_crawl_id", "url"),)
    url: Mapped[str] = mapped_column(Text)
    status: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    pub_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Where pub_date comes from: 'page' (the date shown on it) | 'meta' | 'htmldate' | ''; and the
    # PubDate meta whether used or not (a republished page's meta is the day it was copied).
    date_source: Mapped[str] = mapped_column(String(16), default="", server_default="")
    meta_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    depth: Mapped[int] = mapped_column(Integer, default=0)


class Column(CrawlObservation, Base):
    __tablename__ = "columns"
    __table_args__ = (UniqueConstraint("site_crawl_id", "url"),)
    url: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text, default="")          # as linked (nav/more/subnav text)
    meta_name: Mapped[str] = mapped_column(Text, default="")     # <meta name="ColumnName">/breadcrumb
    meta_type: Mapped[str] = mapped_column(Text, default="")     # <meta name="ColumnType">
    source: Mapped[str] = mapped_column(String(16), default="")  # first way found (column_finds)
    blank: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the page turned out to be when fetched: list | channel | page ('' in older stores).
    kind: Mapped[str] = mapped_column(String(16), default="", server_default="")


class Item(CrawlObservation, Base):
    """One list entry as the list shows it; its date is resolved when observations are loaded."""
    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("site_crawl_id", "list_url", "url"),)
    list_url: Mapped[str] = mapped_column(Text)      # the column's first page, or the homepage
    on_home: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text)
    list_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    partial: Mapped[str] = mapped_column(String(8), default="")  # 'MM-DD' when only that is shown
    date_text: Mapped[str] = mapped_column(Text, default="")
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)


class Link(CrawlObservation, Base):
    """One distinct link target of a site and the result of checking it."""
    __tablename__ = "links"
    __table_args__ = (UniqueConstraint("site_crawl_id", "url"),)
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))          # page|image|attachment|external
    on_home: Mapped[bool] = mapped_column(Boolean, default=False)
    source_url: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    ok: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    failure: Mapped[str | None] = mapped_column(String(16), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=1)


# ---- Column discovery and homepage structure (issue 5: real-site fidelity) -----------------
class ColumnFind(CrawlObservation, Base):
    """One way a column was found: from the menu, a channel page's 更多 block, the site map … A
    column found several ways has several rows; columns.source keeps only the first."""
    __tablename__ = "column_finds"
    __table_args__ = (UniqueConstraint("site_crawl_id", "url", "source"),)
    url: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))   # nav|more|channel|subnav|sitemap|meta|
                                                      # breadcrumb, or meta_tag: a ColumnName meta
                                                      # that disagrees with the breadcrumb
    name: Mapped[str] = mapped_column(Text, default="")   # what that source calls it
    found_on: Mapped[str] = mapped_column(Text, default="")   # the page it was found on


class HomePage(CrawlObservation, Base):
    """The homepage, and when it is only a navigation entry (导航页), the second-level pages whose
    items count as homepage items."""
    __tablename__ = "home_pages"
    __table_args__ = (UniqueConstraint("site_crawl_id", "url"),)
    url: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))     # home | entry | second_level


class ScoreRun(Base):
    __tablename__ = "score_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    as_of: Mapped[date] = mapped_column(Date)
    ruleset: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class VerdictRow(ScoreRunSiteRow, Base):
    __tablename__ = "verdicts"
    qualified: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    vetoes: Mapped[list] = mapped_column(JSON, default=list)
    deductions: Mapped[list] = mapped_column(JSON, default=list)
    measurements: Mapped[dict] = mapped_column(JSON, default=dict)
    findings: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")


# ---- the office's cycle: spot-check samples (抽查) -------------------------------------------
class SampleDraw(Base):
    """A spot-check sample as drawn, so a published ranking can say how its sites were chosen."""
    __tablename__ = "sample_draws"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    description: Mapped[str] = mapped_column(Text)       # Chinese, as shown in 总体情况
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    site_codes: Mapped[list] = mapped_column(JSON, default=list)
# ---- services and serious errors (issue 7) --------------------------------------------------
class PageContent(CrawlObservation, Base):
    """What a page says (crawler.extract.pagetext.PageText), zlib-compressed JSON: the serious-error
    scan and the guide elements are read from it at score time, so new --terms need no new crawl."""
    __tablename__ = "page_texts"
    __table_args__ = (UniqueConstraint("site_crawl_id", "url"),)
    url: Mapped[str] = mapped_column(Text)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SiteCheck(CrawlObservation, Base):
    """A check of the whole site made after its crawl (crawler/sitechecks.py: the HTTPS of its host,
    the accessibility of a few pages in a browser), its result as JSON, judged at score time."""
    __tablename__ = "site_checks"
    __table_args__ = (UniqueConstraint("site_crawl_id", "kind"),)
    kind: Mapped[str] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)


def pack_text(data: dict) -> bytes:
    """A page's text record as stored: JSON, zlib-compressed (about a quarter of the raw size)."""
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 6)


def unpack_text(blob: bytes) -> dict:
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def record_digest(blob: bytes) -> str:
    """A stored text record's identity: the same bytes, the same page text (PageScanRow's key)."""
    return hashlib.sha256(blob).hexdigest()


class PageScanRow(Base):
    """What the score-time text scans found on a page text record (indicators.pagescan, as JSON),
    by the record's digest and a fingerprint of the scanners (their code and configuration): a
    re-audit finding the page unchanged does not scan it again. Not a crawl's row: any crawl
    storing the same record uses it."""
    __tablename__ = "page_scans"
    __table_args__ = (UniqueConstraint("scanners", "digest"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scanners: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class OnlineLink(CrawlObservation, Base):
    """A link whose text names an online system (在线申报, 办件查询 …); its check is in `links`."""
    __tablename__ = "online_links"
    __table_args__ = (UniqueConstraint("site_crawl_id", "url"),)
    url: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(Text, default="")


class Review(Base):
    """An official's word on a judgement finding (govaudit review), kept across audits: a dismissed
    finding is not raised again for the same site, page and term."""
    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("site_code", "page_url", "term"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_code: Mapped[str] = mapped_column(String(64), index=True)
    page_url: Mapped[str] = mapped_column(Text)
    term: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(64), default="")
    decision: Mapped[str] = mapped_column(String(16))        # dismissed | confirmed
    reviewer: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    note: Mapped[str] = mapped_column(Text, default="")

# ---- citizen interaction (message boards) ----------------------------------------------------
class Message(CrawlObservation, Base):
    """One message as a board list row (source 'list') or its own letter page (source 'detail')."""
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("site_crawl_id", "source", "url"),)
    url: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(8))          # list | detail
    list_url: Mapped[str] = mapped_column(Text, default="")  # the board's first page (list rows)
    title: Mapped[str] = mapped_column(Text, default="")
    posted: Mapped[date | None] = mapped_column(Date, nullable=True)
    replied: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="")   # answered|in_progress|pending|''
    unit: Mapped[str] = mapped_column(Text, default="")


class GatedPage(CrawlObservation, Base):
    """A column page that shows nothing without a login or a captcha (无法自动读取)."""
    __tablename__ = "gated_pages"
    __table_args__ = (UniqueConstraint("site_crawl_id", "url"),)
    url: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(16))           # login | captcha


class SearchCheck(CrawlObservation, Base):
    """The homepage's site search tried with one query (站内搜索): what its results page showed."""
    __tablename__ = "search_checks"
    __table_args__ = (UniqueConstraint("site_crawl_id", "url"),)
    url: Mapped[str] = mapped_column(Text)                      # the results URL asked for
    how: Mapped[str] = mapped_column(String(16))                # form | script
    query: Mapped[str] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    failure: Mapped[str] = mapped_column(Text, default="")      # why no results page ('' = one)
    result_links: Mapped[int] = mapped_column(Integer, default=0)
    categories: Mapped[str] = mapped_column(Text, default="")   # the category tabs, '、'-joined


class InteractionStats(ScoreRunSiteRow, Base):
    """A score run's reply-rate table row for one site (results.json `interaction`, 互动回应)."""
    __tablename__ = "interaction_stats"
    stats: Mapped[dict] = mapped_column(JSON, default=dict)


# ---- availability monitoring (govaudit probe / monitor) -------------------------------------
class Probe(Base):
    """One fetch of a registered homepage: the census availability check (probed 20+ times a day)."""
    __tablename__ = "probes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_code: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)      # UTC, when the fetch started
    ok: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str] = mapped_column(String(16))   # ok|http|refused|dns|timeout|soft404|other
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    latency_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")


# ---- reports (issue 8): every column judged, for the workbook's 栏目明细 sheet ----------------
class SiteColumnsRow(ScoreRunSiteRow, Base):
    """One site's column judgements of a score run (indicators.updates.column_judgements)."""
    __tablename__ = "site_columns"
    columns: Mapped[list] = mapped_column(JSON, default=list)


# ---- rulesets (issue 12): one crawl scored under several rulesets; verdict extras -----------
class ScoreGroup(Base):
    """Score runs made together by `govaudit score --ruleset A --ruleset B`, reported together."""
    __tablename__ = "score_groups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    score_run_ids: Mapped[list] = mapped_column(JSON, default=list)   # first: the main ruleset
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class VerdictDetail(ScoreRunSiteRow, Base):
    """What a verdict holds beyond the census fields: grade, bonus, rescale, pending review, parts."""
    __tablename__ = "verdict_details"
    details: Mapped[dict] = mapped_column(JSON, default=dict)


# ---- distributed crawl (issue 11): which worker crawls a site of a run, alive until heartbeat --
class SiteLease(Base):
    """A Celery worker's claim on one site of a crawl run; a lease whose heartbeat is older than the
    lease time belongs to a lost worker, and the next worker that takes it re-crawls the site."""
    __tablename__ = "site_leases"
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"),
                                        primary_key=True)
    site_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(Text)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime, default=now)


# ---- crawl lock (issue 10: one crawl per store at a time) -----------------------------------------
class CrawlLock(Base):
    """Who holds the store's crawl lock, for the message a second crawl shows. The exclusion itself
    is a lock the operating system or PostgreSQL drops when its holder dies (store.lock)."""
    __tablename__ = "crawl_lock"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)   # always 1
    pid: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(Text, default="")
    run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    command: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(DateTime, default=now)
