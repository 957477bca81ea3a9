"""The distributed crawl's site leases: a worker holds a site while it crawls it and renews the
lease; a lease left to expire (its worker lost) can be taken over."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.engine import Engine

from store.engine import insert_ignore_statement
from store.schema import SiteCrawl, SiteLease, now


def finished_sites(engine: Engine, run_id: int, codes: list[str] | None = None) -> list[dict]:
    """The run's finished sites (among codes, when given): site, status, error, pages, links,
    skipped, unchecked."""
    c = SiteCrawl.__table__.c
    where = [c.run_id == run_id, c.status != "running"]
    if codes is not None:
        where.append(c.site_code.in_(codes))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(
            c.site_code.label("site"), c.status, c.error, c.pages, c.links, c.skipped,
            c.unchecked)
            .where(*where)).mappings()]


def take(engine: Engine, run_id: int, code: str, owner: str, lease_seconds: float) -> bool:
    """Lease one site: ours already, free, or its holder stopped renewing it (compare and set).
    A site taken over from a lost worker loses that worker's partial rows."""
    with engine.begin() as conn:
        at = now()
        conn.execute(insert_ignore_statement(conn, SiteLease.__table__),
                     [{"run_id": run_id, "site_code": code, "owner": owner, "heartbeat_at": at}])
        took = conn.execute(update(SiteLease).where(
            SiteLease.run_id == run_id, SiteLease.site_code == code,
            or_(SiteLease.owner == owner,
                SiteLease.heartbeat_at < at - timedelta(seconds=lease_seconds)))
            .values(owner=owner, heartbeat_at=at)).rowcount
        if took:   # rows cascade from site_crawls
            conn.execute(delete(SiteCrawl).where(SiteCrawl.run_id == run_id,
                                                 SiteCrawl.site_code == code))
    return bool(took)


def renew(engine: Engine, run_id: int, codes: list[str], owner: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(SiteLease).where(
            SiteLease.run_id == run_id, SiteLease.site_code.in_(codes),
            SiteLease.owner == owner).values(heartbeat_at=now()))


def release(engine: Engine, run_id: int, owner: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(SiteLease).where(SiteLease.run_id == run_id,
                                             SiteLease.owner == owner))


def give_up(engine: Engine, run_id: int, sites: list[dict], error: str) -> None:
    """Finish these sites as not assessable (their crawler kept failing), so the run can end."""
    with engine.begin() as conn:
        conn.execute(insert_ignore_statement(conn, SiteCrawl.__table__), [
            {"run_id": run_id, "site_code": s["code"], "home_url": s["home_url"],
             "status": "running", "started_at": now()} for s in sites])
        conn.execute(update(SiteCrawl).where(
            SiteCrawl.run_id == run_id, SiteCrawl.site_code.in_([s["code"] for s in sites]),
            SiteCrawl.status == "running").values(status="down", error=error,
                                                  finished_at=now()))
