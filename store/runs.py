"""Crawl runs and score runs: which one a command means when it names none, and what each holds."""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from store.engine import insert_ignore
from store.errors import NotFound
from store.schema import CrawlRun, Page, ScoreGroup, ScoreRun, SiteCrawl, now

NO_SCORE_RUN = "库中还没有评分结果：请先运行 govaudit score --as-of YYYY-MM-DD"


def score_run(engine: Engine, score_run_id: int | None = None) -> ScoreRun:
    """The given score run, or by default the latest; NotFound when there is none."""
    with Session(engine, expire_on_commit=False) as s:
        sr = s.get(ScoreRun, score_run_id) if score_run_id else s.scalars(
            select(ScoreRun).order_by(ScoreRun.id.desc()).limit(1)).first()
    if sr is None:
        raise NotFound(NO_SCORE_RUN)
    return sr


def score_groups(engine: Engine) -> list[list[int]]:
    """The score runs made together (one crawl under several rulesets), newest group first."""
    with Session(engine) as s:
        return [list(g.score_run_ids or []) for g in s.scalars(
            select(ScoreGroup).order_by(ScoreGroup.id.desc()))]


# ---- crawl runs ------------------------------------------------------------------------------
def new_crawl_run(engine: Engine, site_codes: list[str], settings: dict) -> CrawlRun:
    with Session(engine, expire_on_commit=False) as s:
        run = CrawlRun(site_codes=site_codes, settings=settings, status="running")
        s.add(run)
        s.commit()
    return run


def crawl_run(engine: Engine, run_id: int) -> CrawlRun:
    with Session(engine, expire_on_commit=False) as s:
        run = s.get(CrawlRun, run_id)
    if run is None:
        raise NotFound(f"库中没有第 {run_id} 次抓取")
    return run


def crawl_runs(engine: Engine) -> list[CrawlRun]:
    """Every crawl run, oldest first."""
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(select(CrawlRun).order_by(CrawlRun.id)))


def unfinished_crawl_run(engine: Engine) -> CrawlRun | None:
    with Session(engine, expire_on_commit=False) as s:
        return s.scalars(select(CrawlRun).where(CrawlRun.status != "done")
                         .order_by(CrawlRun.id.desc()).limit(1)).first()


def site_crawls(engine: Engine, run_id: int) -> list[SiteCrawl]:
    """The sites of one crawl run, by code."""
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id)
                              .order_by(SiteCrawl.site_code)))


def finished_site_codes(engine: Engine, run_id: int) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(SiteCrawl.site_code).where(
            SiteCrawl.run_id == run_id, SiteCrawl.status != "running")).scalars())


def last_crawl_sizes(engine: Engine, site_codes: list[str]) -> dict[str, int]:
    """Each site's pages and links in its latest crawl that reached it: about what the next crawl
    of it asks for (sites never reached are absent)."""
    latest = (select(func.max(SiteCrawl.id)).where(
        SiteCrawl.site_code.in_(site_codes), SiteCrawl.status == "ok",
        SiteCrawl.finished_at.is_not(None)).group_by(SiteCrawl.site_code))
    with engine.connect() as conn:
        return dict(conn.execute(select(SiteCrawl.site_code, SiteCrawl.pages + SiteCrawl.links)
                                 .where(SiteCrawl.id.in_(latest))).all())


def end_crawl_run(engine: Engine, run_id: int, status: str) -> None:
    """Record how the run ended: done | interrupted (a signal) | failed (a crawler died)."""
    with engine.begin() as conn:
        conn.execute(update(CrawlRun).where(CrawlRun.id == run_id)
                     .values(status=status, finished_at=now()))
        if status == "done":
            _close_leftover_sites(conn, run_id)


def _close_leftover_sites(conn, run_id: int) -> None:
    """A finished crawl whose spider lost track of a site: judge it by what was stored."""
    for sc in conn.execute(select(SiteCrawl.id).where(
            SiteCrawl.run_id == run_id, SiteCrawl.status == "running")).scalars():
        pages = conn.execute(select(Page.id).where(Page.site_crawl_id == sc).limit(1)).first()
        conn.execute(update(SiteCrawl).where(SiteCrawl.id == sc).values(
            status="ok" if pages else "down", finished_at=now(),
            error="" if pages else "抓取异常结束，首页未能取得"))


def score_runs(engine: Engine) -> list[ScoreRun]:
    """Every score run, oldest first."""
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(select(ScoreRun).order_by(ScoreRun.id)))


# ---- one crawler process's sites -----------------------------------------------------------------
def start_site_crawls(engine: Engine, run_id: int, sites: list[dict]) -> tuple[dict[str, int], set[int]]:
    """The run's site_crawls rows for these sites (code → id), created where missing, and the ids of
    those an earlier, interrupted attempt of the run had already started."""
    codes = [s["code"] for s in sites]
    with engine.connect() as conn:
        retried = set(conn.execute(select(SiteCrawl.id).where(
            SiteCrawl.run_id == run_id, SiteCrawl.site_code.in_(codes))).scalars())
    insert_ignore(engine, SiteCrawl.__table__, [
        {"run_id": run_id, "site_code": s["code"], "home_url": s["home_url"],
         "status": "running", "started_at": now()} for s in sites])
    with engine.connect() as conn:
        ids = dict(conn.execute(select(SiteCrawl.site_code, SiteCrawl.id)
                                .where(SiteCrawl.run_id == run_id)).all())
    return ids, retried


def finish_site_crawl(engine: Engine, site_crawl_id: int, **values) -> None:
    """Record how a site's crawl ended: status, error, pages, links, skipped, cut_short, errors …"""
    with engine.begin() as conn:
        conn.execute(update(SiteCrawl).where(SiteCrawl.id == site_crawl_id)
                     .values(**values, finished_at=now()))
