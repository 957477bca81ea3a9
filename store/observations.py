"""What one site crawl stored, read back as rows (indicators.assemble turns them into the indicators'
SiteObservations), and the homepage probes of a time window; dropping and counting a crawl's rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Engine, RowMapping

from store.schema import (Base, Column, ColumnFind, GatedPage, HomePage, Item, Link, Message,
                          OnlineLink, Page, PageContent, Probe, SearchCheck, SiteCheck,
                          SiteCrawl, record_digest, unpack_text)


@dataclass
class CrawlRows:
    """One site crawl's rows, each table in the order the crawl wrote them."""
    page_dates: dict[str, date]                  # page URL → its own (article) date
    items: list[RowMapping]
    column_finds: list[RowMapping]
    home_pages: list[RowMapping]
    messages: list[RowMapping]
    gates: dict[str, str]                        # page URL → why it is behind a login
    columns: list[RowMapping]
    links: list[RowMapping]
    page_texts: list[tuple[str, dict]]           # (URL, PageText as a dict)
    page_digests: dict[str, str]                 # URL → record_digest of its stored record
    online_links: list[RowMapping]
    searches: list[RowMapping]                   # the homepage's search box tried (0 or 1 row)
    checks: dict[str, dict]                      # kind → result (store.SiteCheck)


def crawl_rows(engine: Engine, site_crawl_id: int) -> CrawlRows:
    sc = site_crawl_id

    def rows(conn, model) -> list[RowMapping]:
        return conn.execute(select(model.__table__).where(model.site_crawl_id == sc)
                            .order_by(model.id)).mappings().all()
    with engine.connect() as conn:
        texts = conn.execute(select(PageContent.url, PageContent.data)
                             .where(PageContent.site_crawl_id == sc).order_by(PageContent.id)).all()
        return CrawlRows(
            page_dates=dict(conn.execute(select(Page.url, Page.pub_date).where(
                Page.site_crawl_id == sc, Page.pub_date.is_not(None))).all()),
            items=rows(conn, Item), column_finds=rows(conn, ColumnFind),
            home_pages=rows(conn, HomePage),
            messages=conn.execute(select(Message.__table__)
                                  .where(Message.site_crawl_id == sc)).mappings().all(),
            gates=dict(conn.execute(select(GatedPage.url, GatedPage.reason)
                                    .where(GatedPage.site_crawl_id == sc)).all()),
            columns=rows(conn, Column), links=rows(conn, Link),
            page_texts=[(url, unpack_text(blob)) for url, blob in texts],
            page_digests={url: record_digest(blob) for url, blob in texts},
            online_links=rows(conn, OnlineLink), searches=rows(conn, SearchCheck),
            checks=dict(conn.execute(select(SiteCheck.kind, SiteCheck.data)
                                     .where(SiteCheck.site_crawl_id == sc)).all()))


def page_text_of(engine: Engine, site_crawl_id: int, url: str) -> dict | None:
    """One page's stored text record (PageText as a dict), or None."""
    with engine.connect() as conn:
        blob = conn.execute(select(PageContent.data).where(PageContent.site_crawl_id == site_crawl_id,
                                                           PageContent.url == url)).scalar()
    return unpack_text(blob) if blob is not None else None


def save_check(engine: Engine, site_crawl_id: int, kind: str, data: dict) -> None:
    """A site check's result, replacing an earlier one of the same kind."""
    with engine.begin() as conn:
        conn.execute(SiteCheck.__table__.delete().where(SiteCheck.site_crawl_id == site_crawl_id,
                                                        SiteCheck.kind == kind))
        conn.execute(SiteCheck.__table__.insert().values(site_crawl_id=site_crawl_id, kind=kind,
                                                         data=data))


def checked_sites(engine: Engine, run_id: int, kind: str) -> set[int]:
    """The site crawls of a run that already have a check of this kind."""
    with engine.connect() as conn:
        return set(conn.execute(select(SiteCheck.site_crawl_id).join(
            SiteCrawl, SiteCrawl.id == SiteCheck.site_crawl_id).where(
            SiteCrawl.run_id == run_id, SiteCheck.kind == kind)).scalars())


def crawl_pages_by_role(engine: Engine, site_crawl_id: int, home_url: str,
                        sample: int) -> dict[str, list[str]]:
    """The homepage and the first `sample` column and article pages (by URL) a crawl fetched."""
    sc = site_crawl_id
    with engine.connect() as conn:
        fetched = set(conn.execute(select(Page.url).where(Page.site_crawl_id == sc,
                                                          Page.status == 200)).scalars())
        columns = sorted(set(conn.execute(select(Column.url).where(Column.site_crawl_id == sc))
                             .scalars()) & fetched)
        items = set(conn.execute(select(Item.url).where(Item.site_crawl_id == sc)).scalars())
    articles = sorted(items & fetched - set(columns) - {home_url})
    return {"home": [home_url], "column": columns[:sample], "article": articles[:sample]}


def probe_rows(engine: Engine, start: datetime, end: datetime) -> list[RowMapping]:
    """Every site's probes in [start, end), oldest first."""
    with engine.connect() as conn:
        return conn.execute(select(Probe.__table__).where(Probe.at >= start, Probe.at < end)
                            .order_by(Probe.at, Probe.id)).mappings().all()


def observation_tables() -> list:
    """Every table of rows a site crawl owns (CrawlObservation subclasses, whoever added them)."""
    return [t for t in Base.metadata.sorted_tables
            if "site_crawl_id" in t.c and t.name != SiteCrawl.__tablename__]


def delete_observations(engine: Engine, site_crawl_id: int) -> None:
    """Drop what one site crawl stored (an interrupted attempt, before the site is crawled again)."""
    with engine.begin() as conn:
        for table in observation_tables():
            conn.execute(table.delete().where(table.c.site_crawl_id == site_crawl_id))


def observation_counts(engine: Engine, site_crawl_id: int) -> tuple[int, int]:
    """(pages, links) stored for one site crawl."""
    with engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t).where(
            t.c.site_crawl_id == site_crawl_id)).scalar() for t in (Page.__table__, Link.__table__))
