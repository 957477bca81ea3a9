"""Re-audits that re-read only what changed (issue 20 part 2), on the sample farm over loopback with
a real SQLite store: the real `govaudit audit` command, four times on one store and one running farm.

  1. the first audit reads everything (no earlier crawl: 完整抓取);
  2. the re-audit of the unchanged farm asks for every page conditionally and gets 304s, re-checks
     the dead links with HEAD, and its results.json equals the first audit's (a full read) exactly
     but for crawl_mode;
  3. the farm changes in place (samplefarm/spec_recheck.py: new items in 清河县's 县政要闻, its
     blank 专题专栏 filled, a dead link gone; 柳林镇 a dead link gone and a new one): the
     incremental re-audit re-reads what changed …
  4. … and equals `audit --full`, which sends no conditional request.
Two sites only (both change in step 3), so the four audits stay quick.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

import samplefarm
from tests.test_audit_e2e import govaudit, probe_first

SITES = ("9901230001", "9901230101")      # 清河县, 柳林镇 (samplefarm/spec.py)


@pytest.fixture(scope="module")
def audits(tmp_path_factory):
    """{step: (results.json, the farm's answers to that audit: [(method, path, conditional,
    status)])} for the four audits of the module docstring."""
    root = tmp_path_factory.mktemp("incremental")
    db = f"sqlite:///{root / 'govaudit.sqlite'}"
    out = {}
    with samplefarm.start() as farm:
        register = root / "register.csv"
        farm.write_register(register)
        lines = register.read_text(encoding="utf-8-sig").splitlines()
        register.write_text("\n".join([lines[0]] + [x for x in lines[1:] if x.split(",")[1] in SITES])
                            + "\n", encoding="utf-8-sig")
        probe_first(register, db)
        seen = Counter({addr: len(answers) for addr, answers in farm.request_log().items()})
        for step, extra in (("first", ()), ("again", ()), ("changed", ()),
                            ("changed_full", ("--full",))):
            if step == "changed":
                farm.switch("recheck")
            folder = root / step
            govaudit("audit", str(register), "--allow-net", "127.0.0.0/8", "--as-of",
                     str(samplefarm.AS_OF), "--out", str(folder), "--db", db, "--timeout", "3",
                     "--no-notices", "--no-evidence", *extra)
            log = farm.request_log()
            answers = [a for addr in sorted(log) for a in log[addr][seen[addr]:]]
            seen.update({addr: len(log[addr]) - seen[addr] for addr in log})
            out[step] = (json.loads((folder / "results.json").read_text(encoding="utf-8")),
                         answers, folder)
    return out


def _without_mode(results: dict) -> dict:
    return {k: v for k, v in results.items() if k != "crawl_mode"}


def _probe(path: str) -> bool:
    return path.startswith("/govaudit-check-")   # the soft-404 probe: a new random path each crawl


def test_unchanged_farm_is_answered_304_and_gives_the_same_results(audits):
    first, first_log, _ = audits["first"]
    again, again_log, folder = audits["again"]
    assert (first["crawl_mode"], again["crawl_mode"]) == ("full", "incremental")
    assert again == dict(first, crawl_mode="incremental")
    # Every page and link the first audit got a 200 for is asked for conditionally and answered
    # 304; the dead links (404, 410) are asked with HEAD and answer as before; nothing else.
    read = Counter(path for method, path, _, status in first_log if status == 200)
    assert Counter(path for method, path, cond, status in again_log
                   if method == "GET" and cond and status == 304) == read
    dead = sorted((path, status) for _, path, _, status in first_log
                  if status >= 400 and not _probe(path))
    assert sorted((path, status) for method, path, _, status in again_log
                  if method == "HEAD") == dead
    assert dead and all(status in (404, 410) for _, status in dead)
    assert sorted((m, c, s) for m, p, c, s in again_log if _probe(p)) == [("GET", False, 404)] * 2
    assert len(again_log) == sum(read.values()) + len(dead) + 2
    # The workbook says how the crawl was made, with how many pages its memos answered for.
    overview = openpyxl.load_workbook(folder / "ranking.xlsx")["总体情况"]
    said = {r[0]: r[1] for r in overview.iter_rows(values_only=True) if r and r[0]}
    assert said["抓取方式"] == (f"增量抓取：2 个网站只重读有变化的页面，{sum(read.values())} 个未变化的"
                            f"页面沿用上次读取的结果")
    assert said["抓取站点数"] == 2


def test_changed_pages_are_read_again_and_results_equal_a_full_crawl(audits):
    first, _, _ = audits["first"]
    changed, changed_log, _ = audits["changed"]
    full, full_log, folder = audits["changed_full"]
    assert (changed["crawl_mode"], full["crawl_mode"]) == ("incremental", "full")
    assert _without_mode(changed) == _without_mode(full)
    # The change shows: 清河县's homepage veto is gone (three fresh items), 柳林镇 has its new
    # dead link and no longer the old one.
    sites = {s["site_code"]: s for s in changed["sites"]}
    before = {s["site_code"]: s for s in first["sites"]}
    assert "homepage_not_updated" in before["9901230001"]["vetoes"]
    assert "homepage_not_updated" not in sites["9901230001"]["vetoes"]
    paths = Counter((p, s) for _, p, _, s in changed_log)
    assert paths[("/ztzl/lyzt/", 404)] == 1 and ("/ztzl/xczx/", 404) not in paths
    # Changed pages came back 200 to a conditional request; unchanged ones 304.
    assert ("GET", True, 200) in {(m, c, s) for m, _, c, s in changed_log}
    assert ("/", 200) in {(p, s) for _, p, c, s in changed_log if c}   # 清河县's homepage changed
    assert sum(1 for *_, s in changed_log if s == 304) > 50
    # --full: not one conditional request, not one HEAD, and the workbook says 完整抓取.
    assert not [a for a in full_log if a[2] or a[0] != "GET"]
    overview = openpyxl.load_workbook(folder / "ranking.xlsx")["总体情况"]
    said = {r[0]: r[1] for r in overview.iter_rows(values_only=True) if r and r[0]}
    assert said["抓取方式"] == "完整抓取"


def test_memos_on_sqlite_and_postgresql(db_url):
    """The memo table and its queries on both stores: a memo replaced by the next reading of the
    same page in the same context, read back whole, only for its reader; a crawl counts as the
    earlier complete one only when it read the whole site."""
    import pickle
    import zlib
    from datetime import date

    import store
    from crawler import revisit
    from crawler.extract.dates import ArticleDate
    from store import memos, runs

    engine = store.connect(db_url)
    answer = revisit.Answer(200, True, not_found=None, read=revisit.Read(
        title="通知公告", dated=ArticleDate(date(2026, 11, 20), "page", None), text=b"x",
        letter=None, columns=[], kind="list", is_list=True, items=[], entry=[], search=None,
        query="", board=[], gate=None, column_name="通知公告", meta_type="", meta_name="",
        blank=False, dataproxy=[], later=[], shapes=frozenset({("li", "a", "span")}),
        sitemap=None, sitemap_columns=[], links=[]))
    row = {"site_code": "9901230001", "url": "http://127.0.1.3/tzgg/", "context": "c1",
           "reader": "r1", "status": 200, "etag": '"a"', "last_modified": "", "body_hash": "h1",
           "facts": revisit.pack(answer)}
    memos.save(engine, [row])
    memos.save(engine, [dict(row, etag='"b"', body_hash="h2")])
    found = memos.validators(engine, "9901230001", "r1")
    assert list(found) == [("http://127.0.1.3/tzgg/", "c1")]
    memo_id, etag, modified, body_hash, status = found[("http://127.0.1.3/tzgg/", "c1")]
    assert (etag, modified, body_hash, status) == ('"b"', "", "h2", 200)
    assert revisit.unpack(memos.facts(engine, memo_id)) == answer
    assert memos.validators(engine, "9901230001", "another reader") == {}
    # Only the crawler's own record types come back from a stored memo, never a callable.
    evil = zlib.compress(pickle.dumps(print))
    with pytest.raises(pickle.UnpicklingError):
        revisit.unpack(evil)

    first = runs.new_crawl_run(engine, ["9901230001"], {})
    ids, _ = runs.start_site_crawls(engine, first.id, [{"code": "9901230001", "home_url": "h"}])
    second = runs.new_crawl_run(engine, ["9901230001"], {})
    assert not memos.had_complete_crawl(engine, "9901230001", second.id)   # not finished
    runs.finish_site_crawl(engine, ids["9901230001"], status="ok", cut_short="page_budget")
    assert not memos.had_complete_crawl(engine, "9901230001", second.id)   # cut short
    runs.finish_site_crawl(engine, ids["9901230001"], status="ok", cut_short="")
    assert memos.had_complete_crawl(engine, "9901230001", second.id)
    assert not memos.had_complete_crawl(engine, "9901230001", first.id)    # not before itself
    engine.dispose()
