"""What the crawler remembers of each page it read, for the next crawl of the site (issue 20 part 2):
the answer's validators (ETag, Last-Modified), a hash of its body and what the spider read from it
(crawler/revisit.py packs it). Kept per site, not per crawl: a memo is valid for as long as the page
answers 304 or the same body, whichever crawl made it, so an unchanged page costs no write."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (DateTime, Integer, LargeBinary, String, Text, UniqueConstraint, and_,
                        bindparam, exists, select, update)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from store.engine import upsert
from store.schema import Base, Link, SiteCrawl, now


class PageMemo(Base):
    """One page (or link check) as last read in one context (crawler.revisit.context)."""
    __tablename__ = "page_memos"
    __table_args__ = (UniqueConstraint("site_code", "url", "context"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_code: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(String(32))
    reader: Mapped[str] = mapped_column(String(32))     # the code and config that read it
    # the answer's status: 2xx, or the HTTP error of a dead link (re-checked with HEAD)
    status: Mapped[int] = mapped_column(Integer, default=200)
    etag: Mapped[str] = mapped_column(Text, default="")
    last_modified: Mapped[str] = mapped_column(Text, default="")
    body_hash: Mapped[str] = mapped_column(String(64), default="")
    facts: Mapped[bytes] = mapped_column(LargeBinary)
    read_at: Mapped[datetime] = mapped_column(DateTime, default=now)   # or last revalidated (304)
    # What its freshness is reckoned from (crawler/revisit.py: RFC 9111 §4.2): the answer's Date,
    # Cache-Control and Expires; and why it is asked whatever its freshness (a column or list
    # page, an entry page, a finding), "" when it need not be.
    date: Mapped[str] = mapped_column(Text, default="", server_default="")
    cache_control: Mapped[str] = mapped_column(Text, default="", server_default="")
    expires: Mapped[str] = mapped_column(Text, default="", server_default="")
    always_ask: Mapped[str] = mapped_column(String(16), default="", server_default="")


@dataclass(slots=True)
class MemoRow:
    """A memo as the spider holds it while crawling its site (validators below); its freshness
    is judged by crawler.revisit.is_fresh."""
    id: int
    etag: str
    last_modified: str
    body_hash: str
    status: int
    date: str = ""
    cache_control: str = ""
    expires: str = ""
    always_ask: str = ""
    read_at: datetime | None = None


def _complete_crawls(site_code: str, before_run: int):
    """The site's crawls before run `before_run` that read the whole site (answered, not cut
    short, no errors): what an incremental crawl may rest on."""
    return select(SiteCrawl.id).where(
        SiteCrawl.site_code == site_code, SiteCrawl.run_id < before_run, SiteCrawl.status == "ok",
        SiteCrawl.cut_short == "", SiteCrawl.errors == 0, SiteCrawl.finished_at.is_not(None))


def had_complete_crawl(engine: Engine, site_code: str, before_run: int) -> bool:
    """Whether a crawl before run `before_run` read the whole site (answered, not cut short, no
    errors): then this crawl of it is incremental."""
    with engine.connect() as conn:
        return bool(conn.execute(select(exists(_complete_crawls(site_code, before_run)))).scalar())


def validators(engine: Engine, site_code: str, reader: str) -> dict:
    """(url, context) → MemoRow of the site's memos that this reader can use."""
    q = select(PageMemo.url, PageMemo.context, PageMemo.id, PageMemo.etag, PageMemo.last_modified,
               PageMemo.body_hash, PageMemo.status, PageMemo.date, PageMemo.cache_control,
               PageMemo.expires, PageMemo.always_ask, PageMemo.read_at).where(
        and_(PageMemo.site_code == site_code, PageMemo.reader == reader))
    with engine.connect() as conn:
        return {(url, ctx): MemoRow(*rest) for url, ctx, *rest in conn.execute(q)}


def failed_links(engine: Engine, site_code: str, before_run: int) -> set[str]:
    """The link targets the site's last complete crawl before `before_run` found at fault (dead,
    soft 404, error redirect, timeout …): asked again, with every page that links to them."""
    last = _complete_crawls(site_code, before_run).order_by(
        SiteCrawl.run_id.desc()).limit(1).scalar_subquery()
    with engine.connect() as conn:
        return set(conn.execute(select(Link.url).where(Link.site_crawl_id == last,
                                                       (Link.ok.is_(False)) | (Link.failure != ""))
                        ).scalars())


def revalidated(engine: Engine, rows: list[dict]) -> None:
    """Memos a 304 (or the same body) confirmed: their freshness counts from now, with the new
    answer's Date (RFC 9111 §4.3.4). rows: {id, date}."""
    if rows:
        stmt = update(PageMemo).where(PageMemo.id == bindparam("memo_id")).values(
            date=bindparam("new_date"), read_at=bindparam("at"))
        at = now()
        with engine.begin() as conn:
            conn.execute(stmt, [{"memo_id": r["id"], "new_date": r["date"], "at": at} for r in rows])


def facts_of(engine: Engine, ids: list[int]) -> dict[int, bytes]:
    """The packed facts of these memos, in one query (a re-audit replays most of a site's memos:
    one query each cost more CPU than the rest of the replay)."""
    if not ids:
        return {}
    with engine.connect() as conn:
        return {i: blob for i, blob in conn.execute(
            select(PageMemo.id, PageMemo.facts).where(PageMemo.id.in_(ids)))}


def facts(engine: Engine, memo_id: int) -> bytes | None:
    with engine.connect() as conn:
        return conn.execute(select(PageMemo.facts).where(PageMemo.id == memo_id)).scalar()


def save(engine: Engine, rows: list[dict]) -> None:
    """Store memos (site_code, url, context, reader, status, etag, last_modified, body_hash, facts,
    date, cache_control, expires, always_ask),
    replacing the site's earlier memo of the same page in the same context."""
    upsert(engine, PageMemo.__table__, [dict(row, read_at=now()) for row in rows],
           key=["site_code", "url", "context"])
