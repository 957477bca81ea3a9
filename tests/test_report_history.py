"""The pass-rate-across-audits chart's data: earlier audits of the same sites, read from the store."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from govaudit import pipeline
import store


def _audit(s, as_of, verdicts, ruleset="census-2015"):
    crawl = store.CrawlRun(site_codes=list(verdicts), status="done")
    s.add(crawl)
    s.flush()
    run = store.ScoreRun(crawl_run_id=crawl.id, as_of=as_of, ruleset=ruleset)
    s.add(run)
    s.flush()
    for code, q in verdicts.items():
        s.add(store.VerdictRow(score_run_id=run.id, site_code=code, qualified=q,
                               score=None if q is None else 80.0))
    s.flush()
    return run


def test_history_lists_earlier_audits_covering_the_sites(tmp_path):
    engine = store.connect(str(tmp_path / "h.sqlite"))
    with Session(engine, expire_on_commit=False) as s:
        _audit(s, dt.date(2026, 5, 22), {"A": False, "B": False, "C": True})
        _audit(s, dt.date(2026, 6, 22), {"A": True})                       # not all sites: skipped
        _audit(s, dt.date(2026, 7, 22), {"A": True, "B": True}, "inspection-2019")  # other ruleset
        _audit(s, dt.date(2026, 8, 22), {"A": True, "B": None})
        current = _audit(s, dt.date(2026, 11, 22), {"A": True, "B": False})
        s.commit()
    snaps = pipeline.audit_history(engine, current, {"A", "B"})
    assert snaps[-1].label == f"2026-11-22\n第 {current.id} 次评分"
    assert [(a.as_of, a.qualified) for a in snaps] == [
        (dt.date(2026, 5, 22), {"A": False, "B": False}),
        (dt.date(2026, 8, 22), {"A": True, "B": None}),
        (dt.date(2026, 11, 22), {"A": True, "B": False})]
    engine.dispose()
