"""The distributed crawl for real: Celery on the local Redis, a shared PostgreSQL store, two
`govaudit worker` processes on the sample farm; one worker is killed (SIGKILL, with its crawler)
in the middle of a site. Its site goes to the other worker, the lost worker's partial rows go, and
the audit equals the farm's ground truth exactly, as a single-process audit does
(tests/test_audit_e2e.py)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import psutil
import pytest
from sqlalchemy import create_engine, func, select

import store
import samplefarm
from tests.conftest import _need_service
from tests.test_audit_e2e import TIMEOUT, expected_ranks, govaudit, probe_first

REDIS = "redis://127.0.0.1:6379/9"     # a database number of its own; keys removed afterwards
REQUEUE_AFTER = "10"                   # seconds: the lost worker's task comes back quickly


@pytest.fixture
def broker():
    try:
        import redis
        client = redis.Redis.from_url(REDIS, socket_connect_timeout=3)
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis here"
        _need_service(f"Redis not reachable at {REDIS}: {exc.__class__.__name__}")
    queue = f"govaudit-test-{uuid.uuid4().hex[:8]}"
    yield REDIS, queue
    for key in client.scan_iter(f"*{queue}*"):
        client.delete(key)
    for tag, message in client.hgetall("unacked").items():    # ours only: others may share db 9
        if queue.encode() in message:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    client.close()


def _worker(broker: str, queue: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "govaudit.cli", "worker", "--broker", broker,
                             "--queue", queue, "--concurrency", "2", "--allow-net", "127.0.0.0/8",
                             "--requeue-after", REQUEUE_AFTER],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _crawler_child(proc: subprocess.Popen) -> psutil.Process | None:
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return None
    return next((c for c in children if "crawler.run" in " ".join(c.cmdline())), None)


def test_two_workers_one_killed_mid_site_audit_equals_truth(broker, pg_store, tmp_path):
    url, queue = broker
    truth = samplefarm.load_truth()
    workers = [_worker(url, queue), _worker(url, queue)]
    try:
        with samplefarm.start() as farm:
            register = farm.write_register(tmp_path / "register.csv")
            govaudit("sites", "import", str(register), "--db", pg_store)
            probe_first(register, pg_store)        # the availability probes truth.yaml assumes
            crawl = subprocess.Popen(
                [sys.executable, "-m", "govaudit.cli", "crawl", "--db", pg_store, "--broker", url,
                 "--queue", queue, "--batch", "1", "--timeout", TIMEOUT,
                 "--requeue-after", REQUEUE_AFTER, "--allow-net", "127.0.0.0/8",
                 "--trust-ca", farm.cafile],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
            victim, held = _kill_one_mid_site(workers, pg_store)
            out, err = crawl.communicate(timeout=480)
            assert crawl.returncode == 0, err
            govaudit("score", "--as-of", str(samplefarm.AS_OF), "--db", pg_store)
            govaudit("report", "--out", str(tmp_path), "--db", pg_store)
    finally:
        for w in workers:
            if w.poll() is None:
                os.killpg(w.pid, signal.SIGTERM)
                w.wait(timeout=60)
    assert victim.returncode == -signal.SIGKILL
    # The lost worker's sites were crawled again, by the other worker, and each once.
    engine = create_engine(pg_store)
    with engine.connect() as conn:
        leases = dict(conn.execute(select(store.SiteLease.site_code, store.SiteLease.owner)).all())
        crawls = conn.execute(select(store.SiteCrawl.site_code, func.count())
                              .group_by(store.SiteCrawl.site_code)).all()
    engine.dispose()
    assert held and all(f":{victim.pid}:" not in leases[code] for code in held)
    assert sorted(crawls) == sorted((code, 1) for code in truth["sites"])
    assert "完成" in out
    results = {s["site_code"]: s for s in
               json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["sites"]}
    assert set(results) == set(truth["sites"])
    ranks = expected_ranks(truth)
    for code, want in truth["sites"].items():
        got = results[code]
        assert got["measurements"] == want["measurements"], code
        assert (got["score"], got["qualified"], got["vetoes"], got["rank"]) == \
            (want["score"], want["qualified"], want["vetoes"], ranks[code]), code


def _kill_one_mid_site(workers, db) -> tuple[subprocess.Popen, list[str]]:
    """Wait until a worker's crawler has been at a site for a moment, then SIGKILL that worker's
    whole process group (the machine is lost); return it and the sites it held unfinished."""
    engine = create_engine(db)
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline:
            for w in workers:
                child = _crawler_child(w)
                if child is None or time.time() - child.create_time() < 2:
                    continue
                with engine.connect() as conn:
                    held = [code for code, owner in conn.execute(
                        select(store.SiteLease.site_code, store.SiteLease.owner)).all()
                        if f":{w.pid}:" in owner]
                    finished = set(conn.execute(select(store.SiteCrawl.site_code).where(
                        store.SiteCrawl.status != "running")).scalars())
                held = [code for code in held if code not in finished]
                if held:
                    os.killpg(w.pid, signal.SIGKILL)
                    w.wait(timeout=30)
                    return w, held
            time.sleep(0.2)
    finally:
        engine.dispose()
    raise AssertionError("no worker was ever seen crawling a site")


def test_claim_leases_unfinished_sites_and_takes_over_stale_ones(db_url):
    """On SQLite and PostgreSQL: a finished site is skipped, a live worker's site is busy, a lost
    worker's site is taken over and its partial rows are deleted first."""
    from datetime import timedelta

    from sqlalchemy import update

    from crawler import distributed
    engine = store.connect(db_url)
    with engine.begin() as conn:
        run_id = conn.execute(store.CrawlRun.__table__.insert().values(
            site_codes=["a", "b", "c"], settings={}, status="running")).inserted_primary_key[0]
        conn.execute(store.SiteCrawl.__table__.insert(), [
            {"run_id": run_id, "site_code": "a", "home_url": "http://a/", "status": "ok"},
            {"run_id": run_id, "site_code": "b", "home_url": "http://b/", "status": "running"}])
    b_crawl = _crawl_id(engine, run_id, "b")
    store.insert_ignore(engine, store.Page.__table__, [
        {"site_crawl_id": b_crawl, "url": "http://b/x.html", "status": 200, "depth": 1}])

    assert distributed.claim(engine, run_id, ["a", "b"], "w1", 60) == (["b"], [])
    assert _crawl_id(engine, run_id, "b") is None                       # partial rows gone
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(store.Page)).scalar() == 0
    assert distributed.claim(engine, run_id, ["b", "c"], "w2", 60) == (["c"], ["b"])
    with engine.begin() as conn:                                        # w1 stops renewing
        conn.execute(update(store.SiteLease).where(store.SiteLease.site_code == "b").values(
            heartbeat_at=store.now() - timedelta(seconds=61)))
    assert distributed.claim(engine, run_id, ["b"], "w2", 60) == (["b"], [])
    engine.dispose()


def _crawl_id(engine, run_id, code):
    with engine.connect() as conn:
        return conn.execute(select(store.SiteCrawl.id).where(
            store.SiteCrawl.run_id == run_id, store.SiteCrawl.site_code == code)).scalar()


def test_a_full_disk_under_a_distributed_crawl_stops_the_run(broker, tmp_path):
    """Issue 23: the store filling up under a worker's crawler ends the run as the single-machine
    crawl does — the worker and `crawl --broker` say the same one Chinese line, the run is not done,
    the run's other tasks crawl nothing and nothing is scored."""
    from tests.slowsite import slow_site
    from tests.test_store_failure import (GOVAUDIT, error_lines, fill_to, import_site,
                                         mount_tiny_disk, run_status)
    url, queue = broker
    disk = mount_tiny_disk(tmp_path)
    log = open(tmp_path / "worker.log", "w+", encoding="utf-8")
    worker = subprocess.Popen([sys.executable, "-m", "govaudit.cli", "worker", "--broker", url,
                               "--queue", queue, "--concurrency", "1", "--allow-net", "127.0.0.0/8"],
                              stdout=log, stderr=log, start_new_session=True)
    try:
        db = disk / "store.sqlite"
        with slow_site(host="127.0.1.47", pages=400, delay=0) as site:
            import_site(db, site, tmp_path)
            fill_to(disk, db, 200_000)
            crawl = subprocess.run([str(GOVAUDIT), "crawl", "--db", str(db), "--broker", url,
                                    "--queue", queue, "--batch", "1", "--timeout", "5"],
                                   capture_output=True, text=True, encoding="utf-8", timeout=240)
            requested = len(site.requested)
        (disk / "filler").unlink()
        status = run_status(db)
        score = subprocess.run([str(GOVAUDIT), "score", "--as-of", "2026-11-22", "--db", str(db)],
                               capture_output=True, text=True, encoding="utf-8", timeout=60)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        subprocess.run(["umount", "-l", str(disk)], check=True)
    log.seek(0)
    told = [x[x.index("错误："):] for x in log.read().splitlines() if "错误：" in x]   # Celery's log prefix
    assert crawl.returncode == 2, crawl.stdout + crawl.stderr
    line = (f"错误：第 1 次抓取在第一次写入失败时停止：数据库 {db} 所在的磁盘已满（database or disk is full）："
            f"请腾出空间，或用 --db 换到空间足够的位置。")
    assert [x.rsplit("。", 1)[0] + "。" for x in error_lines(crawl.stderr)] == [line]
    assert [x.rsplit("。", 1)[0] + "。" for x in told] == [line]
    assert "Traceback" not in crawl.stderr and requested < 400
    assert status in ("failed", "running")     # never "done": score will not pick it
    assert score.returncode == 2 and "库中没有完整的抓取" in score.stderr

