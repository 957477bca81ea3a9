"""A person's decisions on findings that need judgement (govaudit review), and the earlier audits'
findings a re-check compares with."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from store.schema import Review, ScoreRun, VerdictRow, now


def decisions(engine: Engine, site_codes: Iterable[str] | None = None) -> dict[tuple, Review]:
    """(site code, page URL, term) → the decision recorded."""
    with Session(engine, expire_on_commit=False) as s:
        q = select(Review)
        if site_codes is not None:
            q = q.where(Review.site_code.in_(list(site_codes)))
        return {(r.site_code, r.page_url, r.term): r for r in s.scalars(q)}


def record_decisions(engine: Engine, rows: Iterable[tuple[tuple, str, str]], reviewer: str,
                     note: str = "") -> int:
    """Store (key, rule title, decision) rows; a later decision on a key replaces an earlier."""
    n = 0
    with Session(engine) as s:
        for (site, url, term), rule, decision in rows:
            row = s.scalars(select(Review).where(
                Review.site_code == site, Review.page_url == url,
                Review.term == term)).first() or Review(site_code=site, page_url=url, term=term)
            row.rule, row.decision, row.reviewer = rule, decision, reviewer
            row.decided_at, row.note = now(), note
            s.add(row)
            n += 1
        s.commit()
    return n


def earlier_findings(engine: Engine, site_codes: list[str], as_of, crawl_run_id: int):
    """(site code, findings, monitoring point) of every verdict of an earlier crawl scored at the
    same or an earlier monitoring point, oldest point first."""
    with Session(engine) as s:
        return s.execute(
            select(VerdictRow.site_code, VerdictRow.findings, ScoreRun.as_of)
            .join(ScoreRun, ScoreRun.id == VerdictRow.score_run_id)
            .where(ScoreRun.as_of <= as_of, ScoreRun.crawl_run_id < crawl_run_id,
                   VerdictRow.site_code.in_(site_codes))
            .order_by(ScoreRun.as_of)).all()
