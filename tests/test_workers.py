"""`govaudit crawl --workers N`: the register is sharded over N crawler processes writing one SQLite
file at once; each site is crawled by exactly one of them, so results and per-host politeness are
those of a single process."""
from __future__ import annotations

import json
import sqlite3

from crawler import shards
import samplefarm
from tests.test_audit_e2e import TIMEOUT, govaudit, probe_first


def test_shards_deal_every_site_to_exactly_one_process():
    sites = [{"code": f"{i:010d}", "home_url": f"http://127.0.1.{i}/"} for i in range(11)]
    parts = shards.shard(sites, 3)
    assert [len(p) for p in parts] == [4, 4, 3]
    assert sorted(s["code"] for p in parts for s in p) == [s["code"] for s in sites]
    assert len(shards.shard(sites[:2], 8)) == 2          # never an idle process


def test_sites_on_one_host_go_to_one_process():
    """Scrapy's per-host limit holds within a process: sites sharing a host name (other ports, other
    paths) are crawled by the same one, or that host would get 4 requests at once from each."""
    shared = [{"code": f"s{i}", "home_url": f"http://127.0.1.9:{8000 + i}/x{i}/"} for i in range(3)]
    alone = [{"code": f"a{i}", "home_url": f"http://127.0.1.{i}/"} for i in range(3)]
    parts = shards.shard([shared[0], *alone, *shared[1:]], 2)
    assert [[s["code"] for s in p] for p in parts] == [["s0", "s1", "s2", "a1"], ["a0", "a2"]]


def test_known_sizes_put_the_biggest_sites_first_and_balance_the_processes():
    """A re-audit knows each site's size from its last crawl: the biggest start first and the
    processes get like amounts of work (longest first); a site never crawled starts before them
    all, counted as a median site; sites of one host stay together."""
    sites = [{"code": c, "home_url": f"http://127.0.1.{i}/"} for i, c in enumerate("abcdef")]
    sites.append({"code": "g", "home_url": "http://127.0.1.5:8080/"})      # f's host
    sizes = {"b": 100, "c": 700, "d": 300, "e": 650, "f": 200, "g": 250}   # a: never crawled
    parts = shards.shard(sites, 2, sizes)
    # each to the process with less work so far: a (median 275) p0 · c 700 p1 · e 650 p0 (925)
    # · f+g 450 p1 (1150) · d 300 p0 (1225) · b 100 p1 (1250)
    assert [[s["code"] for s in p] for p in parts] == [["a", "e", "d"], ["c", "f", "g", "b"]]
    assert shards.shard(sites, 2, {}) == shards.shard(sites, 2)   # nothing known: round-robin


def test_last_crawl_sizes_are_the_latest_crawl_that_reached_the_site(tmp_path):
    import store
    from store import runs
    engine = store.connect(str(tmp_path / "s.sqlite"))
    sites = [{"code": "x", "home_url": "http://127.0.1.1/"},
             {"code": "y", "home_url": "http://127.0.1.2/"}]
    for pages, y_status in ((10, "ok"), (40, "down")):
        run = runs.new_crawl_run(engine, ["x", "y"], {})
        ids, _ = runs.start_site_crawls(engine, run.id, sites)
        runs.finish_site_crawl(engine, ids["x"], status="ok", pages=pages, links=5)
        runs.finish_site_crawl(engine, ids["y"], status=y_status, pages=3, links=1)
    run = runs.new_crawl_run(engine, ["x"], {})
    runs.start_site_crawls(engine, run.id, sites[:1])          # running: not counted
    assert runs.last_crawl_sizes(engine, ["x", "y", "z"]) == {"x": 45, "y": 4}


def test_three_workers_audit_equals_the_truth_and_stay_polite(tmp_path):
    truth = samplefarm.load_truth()
    db = tmp_path / "govaudit.sqlite"
    with samplefarm.start() as farm:
        register = farm.write_register(tmp_path / "register.csv")
        probe_first(register, str(db))
        govaudit("audit", str(register), "--allow-net", "127.0.0.0/8", "--trust-ca", farm.cafile,
                 "--as-of", str(samplefarm.AS_OF),
                 "--out", str(tmp_path),
                 "--db", str(db), "--timeout", TIMEOUT, "--workers", "3")
        traffic = farm.traffic()
    results = {s["site_code"]: s for s in
               json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["sites"]}
    assert set(results) == set(truth["sites"])
    for code, want in truth["sites"].items():
        got = results[code]
        assert got["measurements"] == want["measurements"], code
        assert (got["score"], got["qualified"], got["vetoes"]) == \
            (want["score"], want["qualified"], want["vetoes"]), code
    for address, seen in traffic.items():
        assert seen["max_active"] <= 4, (address, seen["max_active"])
    con = sqlite3.connect(db)
    assert con.execute("SELECT settings FROM crawl_runs").fetchone()[0].count('"workers": 3') == 1
    assert con.execute("SELECT COUNT(*) FROM site_crawls WHERE status = 'running'").fetchone() == (0,)
    con.close()
