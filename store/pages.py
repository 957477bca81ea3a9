"""What the web pages read (govaudit serve): each site's latest verdict and its history, its probes,
its warning states and their changes — for the sites an account may see, never all by default."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.engine import Engine, RowMapping
from sqlalchemy.orm import Session, defer

from store.schema import CrawlRun, Probe, ScoreRun, SiteCrawl, VerdictDetail, VerdictRow
from store.evidence import Evidence
from store.watch import WarningChangeRow, WarningStateRow


Judged = tuple[ScoreRun, VerdictRow, dict]      # a score run, a site's verdict, its details


def _with_details(s: Session, q) -> list[Judged]:
    q = q.add_columns(VerdictDetail.details).outerjoin(
        VerdictDetail, (VerdictDetail.score_run_id == VerdictRow.score_run_id)
        & (VerdictDetail.site_code == VerdictRow.site_code))
    return [(sr, v, d or {}) for sr, v, d in s.execute(q).all()]


def latest_verdicts(engine: Engine, codes: Iterable[str], findings: bool = False
                    ) -> dict[str, Judged]:
    """code → the newest score run that judged the site, its verdict and the verdict's details;
    the verdicts' findings (the bulk of a row, unused by the grid) only when asked for."""
    codes = list(codes)
    newest = (select(VerdictRow.site_code, func.max(VerdictRow.score_run_id).label("sid"))
              .where(VerdictRow.site_code.in_(codes)).group_by(VerdictRow.site_code).subquery())
    q = (select(ScoreRun, VerdictRow).join(VerdictRow, VerdictRow.score_run_id == ScoreRun.id)
         .join(newest, (newest.c.site_code == VerdictRow.site_code)
               & (newest.c.sid == VerdictRow.score_run_id)))
    if not findings:
        q = q.options(defer(VerdictRow.findings, raiseload=True))
    with Session(engine, expire_on_commit=False) as s:
        return {j[1].site_code: j for j in _with_details(s, q)}


def site_verdicts(engine: Engine, code: str, limit: int = 12) -> list[Judged]:
    """The site's verdicts, newest score run first."""
    q = (select(ScoreRun, VerdictRow).join(VerdictRow, VerdictRow.score_run_id == ScoreRun.id)
         .where(VerdictRow.site_code == code).order_by(ScoreRun.id.desc()).limit(limit))
    with Session(engine, expire_on_commit=False) as s:
        return _with_details(s, q)


def site_crawl_rows(engine: Engine, code: str, limit: int = 12) -> list[SiteCrawl]:
    """The site's crawls, newest first."""
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(select(SiteCrawl).join(CrawlRun, CrawlRun.id == SiteCrawl.run_id)
                              .where(SiteCrawl.site_code == code)
                              .order_by(SiteCrawl.id.desc()).limit(limit)))


def site_probes(engine: Engine, code: str, limit: int = 500) -> list[Probe]:
    """The site's latest probes, newest first."""
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(select(Probe).where(Probe.site_code == code)
                              .order_by(Probe.at.desc(), Probe.id.desc()).limit(limit)))


def warning_states(engine: Engine, codes: Iterable[str]) -> list[RowMapping]:
    with engine.connect() as conn:
        return conn.execute(select(WarningStateRow.__table__)
                            .where(WarningStateRow.site_code.in_(list(codes)))
                            .order_by(WarningStateRow.level.desc())).mappings().all()


def warning_changes(engine: Engine, code: str, limit: int = 100) -> list[RowMapping]:
    """The site's warning level changes, newest first."""
    with engine.connect() as conn:
        return conn.execute(select(WarningChangeRow.__table__)
                            .where(WarningChangeRow.site_code == code)
                            .order_by(WarningChangeRow.at.desc(), WarningChangeRow.id.desc())
                            .limit(limit)).mappings().all()


def evidence_path(engine: Engine, code: str, sha256: str) -> str | None:
    """The JPEG file of the site's capture with this hash: a picture is served only under its own
    site's address, so a county cannot reach another's by its hash."""
    with Session(engine) as s:
        return s.scalars(select(Evidence.path).where(Evidence.site_code == code,
                                                     Evidence.sha256 == sha256).limit(1)).first()
