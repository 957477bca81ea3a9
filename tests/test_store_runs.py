"""Issue 10 on a store filled by hand (no crawl): which crawl run score picks, overrides that match
nothing, and the crawl lock on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

import pytest

from govaudit import pipeline
from store import lock as runlock
import store


def _store_with_runs(url: str, statuses: list[str]):
    """A store with one registered site and one crawl run per status (a column 工作动态 each)."""
    engine = store.connect(url)
    with engine.begin() as conn:
        conn.execute(store.Site.__table__.insert().values(
            code="9910000005", name="某局", home_url="http://127.0.1.45/", level="县级",
            site_type="部门网站", updated_at=store.now()))
        for run_id, status in enumerate(statuses, start=1):
            conn.execute(store.CrawlRun.__table__.insert().values(
                id=run_id, status=status, site_codes=["9910000005"], settings={},
                started_at=store.now()))
            conn.execute(store.SiteCrawl.__table__.insert().values(
                id=run_id, run_id=run_id, site_code="9910000005", home_url="http://127.0.1.45/",
                status="ok" if status == "done" else "running", started_at=store.now()))
            conn.execute(store.Column.__table__.insert().values(
                site_crawl_id=run_id, url="http://127.0.1.45/gzdt/", name="工作动态"))
    return engine


def test_score_takes_the_latest_complete_run_and_says_so(tmp_path):
    engine = _store_with_runs(f"sqlite:///{tmp_path / 's.sqlite'}", ["done", "done", "interrupted", "failed"])
    told = []
    sid = pipeline.score(engine, date(2026, 11, 22), notify=told.append)
    with engine.connect() as conn:
        used = conn.execute(store.ScoreRun.__table__.select().where(store.ScoreRun.id == sid)).one()
    assert used.crawl_run_id == 2
    assert told[0].startswith("评分使用第 2 次抓取（完整，1 个网站")


def test_overrides_that_match_no_column_are_refused(tmp_path):
    engine = _store_with_runs(f"sqlite:///{tmp_path / 's.sqlite'}", ["done"])
    path = tmp_path / "ov.yaml"
    path.write_text("columns:\n  本县要闻: news\n  http://127.0.1.45/tzgg/: notice\n", encoding="utf-8")
    with pytest.raises(pipeline.AuditError, match="没有一个对应到第 1 次抓取发现的栏目"):
        pipeline.score(engine, date(2026, 11, 22), overrides_path=str(path))
    path.write_text("columns:\n  工作动态: notice\n  本县要闻: news\n", encoding="utf-8")
    told = []
    pipeline.score(engine, date(2026, 11, 22), overrides_path=str(path), notify=told.append)
    assert any("这些条目没有对应的栏目，未生效：本县要闻" in m for m in told)


def test_crawl_lock_on_sqlite_and_postgresql(db_url):
    engine = store.connect(db_url)
    other = store.connect(db_url)      # a second CLI: its own engine, its own connections
    with runlock.crawl_lock(engine, "govaudit crawl --db x") as set_run:
        set_run(7)
        with pytest.raises(runlock.StoreBusy, match=r"正被第 7 次抓取使用（进程 \d+.*govaudit crawl --db x"):
            with runlock.crawl_lock(other, "govaudit crawl"):
                pass
    with runlock.crawl_lock(other, "govaudit crawl"):   # released: the next one gets it
        pass
    engine.dispose()
    other.dispose()


def test_a_read_only_store_can_still_be_reported(tmp_path, make_read_only):
    import subprocess
    import sys
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "store.sqlite"
    engine = _store_with_runs(str(db), ["done"])
    pipeline.score(engine, date(2026, 11, 22))
    engine.dispose()
    make_read_only(db, folder)
    cli = [sys.executable, "-m", "govaudit.cli"]
    proc = subprocess.run([*cli, "report", "--out", str(tmp_path / "out"), "--db", str(db),
                           "--no-notices"], capture_output=True, text=True, timeout=300)
    scored = subprocess.run([*cli, "score", "--as-of", "2026-11-22", "--db", str(db)],
                            capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "results.json").exists() and (tmp_path / "out" / "ranking.xlsx").exists()
    assert scored.returncode == 2 and "是只读的" in scored.stderr and "Traceback" not in scored.stderr
