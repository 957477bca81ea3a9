"""store/evidence.py: captures are found by crawl run, site and hash, and kept while their finding is
open and a set time after it is fixed — on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta

import store
from store import runs
from store import evidence


def _row(code, key, path, sha, run=None, **kw):
    return dict(site_code=code, finding_key=key, kind=key.split("|")[0], crawl_run_id=run, url="http://x/",
                final_url="http://x/", status=200, selector="a", box={"x": 1, "y": 2, "width": 3, "height": 4},
                viewport={"width": 1280, "height": 800}, sha256=sha, path=path, caption="c", **kw)


def test_captures_are_found_and_pruned_after_their_finding_is_fixed(db_url):
    engine = store.connect(db_url)
    run = runs.new_crawl_run(engine, ["A"], {})
    dead = evidence.finding_key({"kind": "dead_link", "measure": "dead_links_home", "url": "http://x/a"})
    stale = evidence.finding_key({"kind": "stale_column", "measure": "stale_columns_news",
                                  "url": "http://x/c"})
    assert dead == "dead_link|dead_links_home|http://x/a"
    evidence.add(engine, [_row("A", dead, "/e/1.jpg", "1" * 64, run.id),
                          _row("A", stale, "/e/2.jpg", "2" * 64, run.id),
                          _row("B", dead, "/e/3.jpg", "3" * 64)])
    got = evidence.for_crawl_run(engine, run.id)
    assert sorted(got) == [("A", dead), ("A", stale)]
    assert got[("A", dead)].path == "/e/1.jpg" and got[("A", dead)].status == 200
    assert evidence.by_sha256(engine, "3" * 64).site_code == "B"
    assert [s.path for s in evidence.for_site(engine, "A")] in (["/e/2.jpg", "/e/1.jpg"],
                                                                ["/e/1.jpg", "/e/2.jpg"])
    t0 = datetime(2026, 12, 1)
    evidence.mark_open(engine, "A", [stale], at=t0)       # the dead link was fixed at t0
    keep = timedelta(days=180)
    assert evidence.prune(engine, keep, at=t0 + timedelta(days=179)) == []
    evidence.mark_open(engine, "A", [stale, dead], at=t0 + timedelta(days=10))   # broken again
    assert evidence.prune(engine, keep, at=t0 + timedelta(days=400)) == []
    evidence.mark_open(engine, "A", [], at=t0 + timedelta(days=20))
    assert evidence.prune(engine, keep, at=t0 + timedelta(days=199)) == []
    assert evidence.prune(engine, keep, at=t0 + timedelta(days=201)) == ["/e/1.jpg", "/e/2.jpg"]
    assert sorted(evidence.for_crawl_run(engine, run.id)) == []
    assert [s.path for s in evidence.for_site(engine, "B")] == ["/e/3.jpg"]


def test_a_file_two_captures_share_is_kept_while_one_remains(db_url):
    engine = store.connect(db_url)
    evidence.add(engine, [_row("A", "k1", "/e/same.jpg", "4" * 64),
                          _row("A", "k2", "/e/same.jpg", "4" * 64)])
    t0 = datetime(2026, 12, 1)
    evidence.mark_open(engine, "A", ["k2"], at=t0)
    assert evidence.prune(engine, timedelta(days=1), at=t0 + timedelta(days=2)) == []
    assert [s.finding_key for s in evidence.for_site(engine, "A")] == ["k2"]
