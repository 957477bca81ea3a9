"""Re-audits that re-read only what changed (issue 20 part 2), on the sample farm over loopback with
a real SQLite store: the real `govaudit audit` command, four times on one store and one running farm.

  1. the first audit reads everything (no earlier crawl: 完整抓取); the farm sends Last-Modified
     (an article's date, a list's newest item) as a static CMS does;
  2. the re-audit of the unchanged farm uses its fresh memos without asking (crawl.yaml revisit:
     10% of the time since Last-Modified, at most 30 days): it asks, conditionally, only what is
     always asked — the homepage, column and list pages, what was found at fault (its dead links
     with HEAD) and the pages linking to it — and its results.json equals the first audit's
     exactly but for crawl_mode, which counts what was asked, unchanged and not asked;
  3. with GOVAUDIT_HEURISTIC_FRACTION=0 nothing is fresh: every page is asked conditionally and
     answered 304 (the behaviour before freshness), with the same results;
  4. the farm changes in place (samplefarm/spec_recheck.py: new items in 清河县's 县政要闻, its
     blank 专题专栏 filled, a dead link gone from its homepage and its 政务公开 hub; 柳林镇 a dead
     homepage link gone and a new one): every change is on a page the policy always asks (a
     homepage, a column or list, a page linking to a dead target), so the incremental re-audit
     sees them all …
  5. … and equals `audit --full`, which sends no conditional request.
  What freshness cannot see (an article edited within its window while its list stays the same)
  is not in that spec; README "Re-audits" says so, and `--full` reads everything.
Two sites only (both change in step 4), so the audits stay quick.
"""
from __future__ import annotations

import json
import os
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
        for step, extra in (("first", ()), ("again", ()), ("ask_all", ()), ("changed", ()),
                            ("changed_full", ("--full",))):
            if step == "changed":
                farm.switch("recheck")
            folder = root / step
            if step == "ask_all":
                os.environ["GOVAUDIT_HEURISTIC_FRACTION"] = "0"
            try:
                govaudit("audit", str(register), "--allow-net", "127.0.0.0/8", "--as-of",
                         str(samplefarm.AS_OF), "--out", str(folder), "--db", db, "--timeout", "3",
                         "--no-notices", "--no-evidence", *extra)
            finally:
                os.environ.pop("GOVAUDIT_HEURISTIC_FRACTION", None)
            log = farm.request_log()
            answers = [a for addr in sorted(log) for a in log[addr][seen[addr]:]]
            seen.update({addr: len(log[addr]) - seen[addr] for addr in log})
            out[step] = (json.loads((folder / "results.json").read_text(encoding="utf-8")),
                         answers, folder)
    return out


def _without_mode(results: dict) -> dict:
    return {k: v for k, v in results.items() if k not in ("crawl_mode", "crawl_counts")}


def _probe(path: str) -> bool:
    return path.startswith("/govaudit-check-")   # the soft-404 probe: a new random path each crawl


def _said(folder: Path) -> dict:
    overview = openpyxl.load_workbook(folder / "ranking.xlsx")["总体情况"]
    return {r[0]: r[1] for r in overview.iter_rows(values_only=True) if r and r[0]}


def test_unchanged_farm_asks_only_what_is_always_asked(audits):
    first, first_log, _ = audits["first"]
    again, again_log, folder = audits["again"]
    mode = again["crawl_counts"]
    assert (first["crawl_mode"], again["crawl_mode"]) == ("full", "incremental")
    assert "crawl_counts" not in first and set(mode) == {"sites", "asked", "unchanged",
                                                         "reused_without_asking"}
    assert again == dict(first, crawl_mode="incremental", crawl_counts=mode)
    sites = [s for s in samplefarm.sites() if s.code in SITES]
    articles = {it.path for s in sites for c in s.columns for it in c.items if it.path}
    columns = {c.path for s in sites for c in s.columns}
    # No fresh article is asked: only the two whose 相关阅读 links to a target found at fault
    # (a 410, a soft 404) — a page linking to a fault is always asked, so its fix is seen.
    asked_articles = {p for _, p, _, _ in again_log if p in articles}
    assert asked_articles == {it.path for s in sites for c in s.columns for it in c.items
                              if it.path and it.links}
    # The homepages and every column are asked (conditionally), and answered 304.
    asked = {p: (m, c, s) for m, p, c, s in again_log if not _probe(p)}
    assert asked["/"] == ("GET", True, 304)
    assert all(asked.get(p) == ("GET", True, 304) for p in columns if p in
               {q for _, q, _, s in first_log if s == 200})
    # The dead links are asked with HEAD and answer as before.
    dead = sorted((path, status) for _, path, _, status in first_log
                  if status >= 400 and not _probe(path))
    assert sorted((path, status) for method, path, _, status in again_log
                  if method == "HEAD") == dead
    assert dead and all(status in (404, 410) for _, status in dead)
    assert sorted((m, c, s) for m, p, c, s in again_log if _probe(p)) == [("GET", False, 404)] * 2
    # Far fewer answers than the first audit's; the counts say what happened.
    read = Counter(path for method, path, _, status in first_log if status == 200)
    assert len(again_log) < sum(read.values()) / 3
    assert mode["asked"] == len(again_log) - 2                     # but the two probes
    assert mode["unchanged"] == sum(1 for *_, s in again_log if s == 304)
    assert mode["reused_without_asking"] > 2 * mode["asked"]
    said = _said(folder)
    assert said["抓取方式"] == (
        f"增量抓取：2 个网站只重读有变化的页面；询问 {mode['asked']} 个页面和链接，其中 "
        f"{mode['unchanged']} 个未变化（304 或内容相同），沿用上次读取的结果；"
        f"{mode['reused_without_asking']} 个仍在有效期内，未询问网站，直接沿用上次读取的结果")
    assert said["抓取站点数"] == 2


def test_fraction_zero_asks_every_page_again(audits):
    """heuristic_fraction 0: nothing fresh, the behaviour before freshness."""
    first, first_log, _ = audits["first"]
    again, again_log, _ = audits["ask_all"]
    assert _without_mode(again) == _without_mode(first)
    assert again["crawl_counts"]["reused_without_asking"] == 0
    # Every page and link the first audit got a 200 for is asked for conditionally and answered
    # 304; the dead links (404, 410) are asked with HEAD and answer as before; nothing else.
    read = Counter(path for method, path, _, status in first_log if status == 200)
    assert Counter(path for method, path, cond, status in again_log
                   if method == "GET" and cond and status == 304) == read
    dead = [a for a in again_log if a[0] == "HEAD"]
    assert len(again_log) == sum(read.values()) + len(dead) + 2


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
    assert sum(1 for *_, s in changed_log if s == 304) > 10
    assert changed["crawl_counts"]["reused_without_asking"] > 50
    # --full: not one conditional request, not one HEAD, and the workbook says 完整抓取.
    assert not [a for a in full_log if a[2] or a[0] != "GET"]
    assert _said(folder)["抓取方式"] == "完整抓取"


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
    memo = found[("http://127.0.1.3/tzgg/", "c1")]
    memo_id = memo.id
    assert (memo.etag, memo.last_modified, memo.body_hash, memo.status, memo.always_ask) \
        == ('"b"', "", "h2", 200, "")
    # What freshness is reckoned from, and a 304 making it fresh again (RFC 9111 §4.3.4).
    memos.save(engine, [dict(row, etag='"b"', body_hash="h2",
                             last_modified="Mon, 05 Jan 2026 08:00:00 GMT",
                             date="Mon, 07 Dec 2026 03:00:00 GMT", cache_control="", expires="")])
    before = memos.validators(engine, "9901230001", "r1")[("http://127.0.1.3/tzgg/", "c1")]
    memos.revalidated(engine, [{"id": memo_id, "date": "Tue, 08 Dec 2026 03:00:00 GMT"}])
    after = memos.validators(engine, "9901230001", "r1")[("http://127.0.1.3/tzgg/", "c1")]
    assert after.date == "Tue, 08 Dec 2026 03:00:00 GMT" and after.read_at >= before.read_at
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


def test_freshness_follows_rfc_9111():
    """Explicit lifetime first (s-maxage over max-age, then Expires − Date), never fresh under
    no-store/no-cache/must-revalidate; else 10% of Date − Last-Modified, at most 30 days; a
    fraction of 0 asks every time; always-asked memos and non-200 answers are never fresh."""
    from datetime import datetime, timedelta, timezone

    from crawler import revisit

    policy = revisit.Policy(0.1, 30 * 86400)
    at = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)
    date = "Mon, 07 Dec 2026 03:00:00 GMT"

    def life(cc="", expires="", modified="", p=policy, d=date):
        return revisit.lifetime(d, cc, expires, modified, at, p)

    assert life("max-age=600") == 600 and life("max-age=600, s-maxage=60") == 60
    assert life("public, max-age=600, must-revalidate") == 0 and life("no-cache") == 0
    assert life(expires="Mon, 07 Dec 2026 04:00:00 GMT") == 3600
    assert life(expires="0", modified="Mon, 05 Jan 2026 08:00:00 GMT") == 0   # invalid: expired
    assert life(modified="Fri, 27 Nov 2026 03:00:00 GMT") == 86400            # 10 days × 0.1
    assert life(modified="Mon, 05 Jan 2026 08:00:00 GMT") == 30 * 86400       # capped
    assert life(modified="Mon, 05 Jan 2026 08:00:00 GMT", p=revisit.Policy(0, 30 * 86400)) == 0
    assert life() == 0                                                         # nothing to go on
    assert life(modified="Fri, 27 Nov 2026 03:00:00 GMT", d="") == 86400      # no Date: received
    memo = revisit.MemoRow(1, '"e"', "Fri, 27 Nov 2026 03:00:00 GMT", "h", 200, date,
                           read_at=at.replace(tzinfo=None))
    assert revisit.is_fresh(memo, at + timedelta(hours=23), policy)
    assert not revisit.is_fresh(memo, at + timedelta(hours=25), policy)
    for other in ({"always_ask": "list"}, {"status": 404}, {"etag": "", "last_modified": ""}):
        changed = revisit.MemoRow(**{**{f: getattr(memo, f) for f in memo.__slots__}, **other})
        assert not revisit.is_fresh(changed, at + timedelta(hours=1), policy)


def test_fresh_answers_are_fetched_a_batch_at_a_time_in_memo_order():
    """A re-audit's fresh memos are not all read at the site's start: a miss reads the needed one
    and the next unread ones in id order (the order the last crawl stored them), batch at a time;
    each is given once, then forgotten."""
    from crawler.frontier import FreshFacts
    asked: list[list[int]] = []

    def fetch(ids):
        asked.append(list(ids))
        return {i: f"answer {i}".encode() for i in ids if i != 7}   # 7: gone from the store
    facts = FreshFacts([9, 3, 5, 1, 7, 11, 13], fetch, batch=3)
    assert 5 in facts and 2 not in facts and len(facts) == 7 and asked == []
    assert facts.pop(3) == b"answer 3" and asked == [[3, 5, 7]] and facts.held() == 1
    assert facts.pop(5) == b"answer 5" and asked == [[3, 5, 7]] and facts.held() == 0
    assert facts.pop(1) == b"answer 1" and asked == [[3, 5, 7], [1, 9, 11]]
    assert 1 not in facts and facts.held() == 2
    with pytest.raises(KeyError):
        facts.pop(1)                        # used already
    with pytest.raises(KeyError):
        facts.pop(7)                        # fetched, but the store had lost it
    assert facts.pop(13) == b"answer 13" and asked[-1] == [13] and facts.held() == 2
    assert sorted(i for i in (9, 11, 13) if i in facts) == [9, 11]
    # A page that changed lets its memo's Answer go, fetched or not: never fetched afterwards.
    facts.discard(9)
    assert 9 not in facts and facts.held() == 1
    with pytest.raises(KeyError):
        facts.pop(9)
    unread = FreshFacts([20, 21, 22], fetch, batch=3)
    unread.discard(21)
    assert unread.pop(20) == b"answer 20" and asked[-1] == [20, 22] and unread.held() == 1
    unread.discard(99)                      # not one of its memos: nothing happens
    assert len(unread) == 1
