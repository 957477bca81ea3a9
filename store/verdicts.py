"""Score runs' per-site rows: the verdict, the columns as judged, the verdict's extras and the
reply-rate table; written once per score run, read back for reports, re-checks and trends."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from store.schema import (InteractionStats, ScoreGroup, ScoreRun, SiteColumnsRow, VerdictDetail,
                          VerdictRow)


@dataclass
class SiteScore:
    """One site's rows of one score run: `verdict` holds VerdictRow's columns."""
    verdict: dict
    columns: list[dict]
    details: dict
    interaction: dict | None


def add_score_runs(engine: Engine, crawl_run_id: int, as_of, runs) -> list[int]:
    """One score run per (ruleset ref, [SiteScore]) of `runs`, grouped when there are several;
    returns their ids, in order."""
    ids = []
    with Session(engine) as s:
        for ruleset, scores in runs:
            score_run = ScoreRun(crawl_run_id=crawl_run_id, as_of=as_of, ruleset=ruleset)
            s.add(score_run)
            s.flush()
            ids.append(score_run.id)
            for site in scores:
                code = site.verdict["site_code"]
                if site.interaction is not None:
                    s.add(InteractionStats(score_run_id=score_run.id, site_code=code,
                                           stats=site.interaction))
                s.add(VerdictRow(score_run_id=score_run.id, **site.verdict))
                s.add(SiteColumnsRow(score_run_id=score_run.id, site_code=code,
                                     columns=site.columns))
                s.add(VerdictDetail(score_run_id=score_run.id, site_code=code,
                                    details=site.details))
        if len(ids) > 1:
            s.add(ScoreGroup(score_run_ids=ids))
        s.commit()
    return ids


@dataclass
class ScoreRunRows:
    verdicts: list[VerdictRow]
    columns: dict[str, list[dict]]        # by site code
    details: dict[str, dict]
    interaction: dict[str, dict]


def score_run_rows(engine: Engine, score_run_id: int) -> ScoreRunRows:
    with Session(engine, expire_on_commit=False) as s:
        def by_site(model, attr):
            return {r.site_code: getattr(r, attr) for r in s.scalars(
                select(model).where(model.score_run_id == score_run_id))}
        return ScoreRunRows(
            verdicts=list(s.scalars(select(VerdictRow)
                                    .where(VerdictRow.score_run_id == score_run_id))),
            columns=by_site(SiteColumnsRow, "columns"), details=by_site(VerdictDetail, "details"),
            interaction=dict(s.execute(select(InteractionStats.site_code, InteractionStats.stats)
                                       .where(InteractionStats.score_run_id == score_run_id)).all()))


def qualified_by_site(engine: Engine, score_run_id: int) -> dict[str, bool | None]:
    with engine.connect() as conn:
        return dict(conn.execute(select(VerdictRow.site_code, VerdictRow.qualified)
                                 .where(VerdictRow.score_run_id == score_run_id)).all())


def failed_sites(engine: Engine, score_run_id: int) -> set[str]:
    """Codes of the sites a score run judged unqualified."""
    with Session(engine) as s:
        return set(s.scalars(select(VerdictRow.site_code).where(
            VerdictRow.score_run_id == score_run_id, VerdictRow.qualified.is_(False))))


def noted_sites(engine: Engine, score_run_id: int, prefix: str) -> list[str]:
    """Codes of the sites whose verdict in a score run has a note starting with prefix, sorted."""
    with Session(engine) as s:
        return sorted(set(s.scalars(select(VerdictRow.site_code).where(
            VerdictRow.score_run_id == score_run_id, VerdictRow.note.startswith(prefix)))))


def verdict_rows(engine: Engine, score_run_id: int, sites=()) -> list[VerdictRow]:
    """A score run's verdict rows (only these sites', when given)."""
    with Session(engine, expire_on_commit=False) as s:
        q = select(VerdictRow).where(VerdictRow.score_run_id == score_run_id)
        if sites:
            q = q.where(VerdictRow.site_code.in_(list(sites)))
        return list(s.scalars(q))


def judged_sites(engine: Engine, score_run_id: int) -> frozenset[str]:
    """The codes of the sites a score run judged."""
    with Session(engine) as s:
        return frozenset(s.scalars(select(VerdictRow.site_code)
                                   .where(VerdictRow.score_run_id == score_run_id)))
