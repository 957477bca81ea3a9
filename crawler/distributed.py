"""Crawl one run on several machines through Celery on Redis (`govaudit worker` / `crawl --broker`).

`govaudit crawl --broker URL --db postgresql://…` creates the run in the shared store and enqueues one
task per small batch of sites; `govaudit worker --broker URL --db …` on each machine runs the tasks,
each in its own crawler process (Twisted's reactor runs once per process), writing to the same store.
The CLI shows progress from the store as sites finish; no result backend is needed.

A site's observations are written exactly once even when a worker is lost mid-site:
- tasks are acknowledged late and rejected when their worker process is lost, and the broker hands
  a task that was never acknowledged to another worker after `requeue_after` seconds;
- a worker leases each site it crawls in the store (site_leases) and renews the lease while the
  crawler runs; a redelivered task whose site is leased by a live worker waits, a stale lease is
  taken over, and the lost worker's partial rows for that site are deleted before the site is
  crawled again (its crawler process died with it: shards.start_crawler);
- a site already finished in this run is never crawled again.

Redis also hands out again a task that is still running after `requeue_after` seconds (its
visibility timeout): the copy finds the site leased by a live worker and retries itself a little
later, until the site is finished (then it does nothing) or the lease went stale.

Celery is an optional dependency (`pip install 'govaudit[distributed]'`); without --broker nothing
here is imported.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from typing import Callable

from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

import store
from config.errors import UserError
from crawler import progress, shards
from store import leases, runs

QUEUE = "govaudit-crawl"
REQUEUE_AFTER = 600       # seconds before an unacknowledged task goes to another worker
LEASE_SECONDS = 60        # a lease not renewed for this long belongs to a lost worker
HEARTBEAT_SECONDS = 5
CRAWL_RETRIES = 2         # a crawler process that failed is tried this many more times


class BrokerError(UserError):
    """Celery or the broker is not usable; the message is for the user, in Chinese."""


def make_app(broker: str, requeue_after: float = REQUEUE_AFTER, queue: str = QUEUE):
    try:
        from celery import Celery
    except ImportError as exc:
        raise BrokerError("分布式抓取需要 Celery：pip install 'govaudit[distributed]'") from exc
    app = Celery("govaudit", broker=broker, set_as_current=False)
    app.conf.update(
        task_acks_late=True,                   # acknowledged when done, not when received
        task_reject_on_worker_lost=True,       # a killed pool process puts the task back
        worker_prefetch_multiplier=1,          # a worker holds only the tasks it is running
        task_default_queue=queue,
        task_serializer="json", accept_content=["json"],
        broker_connection_retry_on_startup=True,
        # Redis hands an unacknowledged task (its worker died) to another worker after this long.
        broker_transport_options={"visibility_timeout": requeue_after},
        worker_hijack_root_logger=False,
    )
    app.task(name="govaudit.crawl_sites", bind=True, max_retries=None)(_crawl_sites_task)
    return app


def lease_seconds(requeue_after: float) -> float:
    """How long an unrenewed lease stays its holder's: several heartbeats, at most a minute."""
    return max(3 * HEARTBEAT_SECONDS, min(LEASE_SECONDS, requeue_after))


# ---- the CLI side --------------------------------------------------------------------------
def enqueue(app, run: store.CrawlRun, db: str, sites: list[dict], batch: int) -> int:
    """One task per `batch` sites of the run; returns the number of tasks sent."""
    job = {"db": db, "run_id": run.id, "crawl_config": run.settings}
    batches = [sites[i:i + batch] for i in range(0, len(sites), max(1, batch))]
    try:
        for part in batches:
            app.send_task("govaudit.crawl_sites", args=[dict(job, sites=part)],
                          queue=app.conf.task_default_queue)
    except Exception as exc:  # noqa: BLE001 - kombu raises many kinds for an unreachable broker
        raise BrokerError(f"无法连接任务队列 {app.conf.broker_url}：{exc}") from exc
    return len(batches)


def follow(engine, run_id: int, total: int, on_site: Callable[[dict], None],
           poll: float = 1.0, failed: Callable[[], str | None] = lambda: None) -> str | None:
    """Report each site of the run as the workers finish it; return when all are finished (None),
    or with the store's message once a worker found the store failing (store_failure)."""
    seen: set[str] = set()
    while len(seen) < total:
        if (message := failed()) is not None:
            return message
        for row in leases.finished_sites(engine, run_id):
            if row["site"] not in seen:
                seen.add(row["site"])
                on_site(row)
        if len(seen) < total:
            time.sleep(poll)
    return None


# ---- a store that fails under the crawl --------------------------------------------------------
# The store itself may no longer take a write (a full disk, a corrupted SQLite file), so a worker
# tells the CLI through the broker: one message on a queue named after the run.
@contextmanager
def _failure_queue(app, run_id: int):
    with app.connection_for_write() as conn, \
            conn.SimpleQueue(f"{app.conf.task_default_queue}-store-failed-{run_id}") as q:
        yield q


def store_failure(app, run_id: int) -> str | None:
    """The store's message a worker left for this run, if any (it stays for the run's other tasks)."""
    with _failure_queue(app, run_id) as q:
        try:
            message = q.get(block=False)
        except q.Empty:
            return None
        message.requeue()
        return message.payload["message"]


def _report_store_failure(app, engine, run_id: int, message: str) -> None:
    """Mark the run failed where the store still allows it, leave the message for the CLI, and
    say it on the worker's terminal in the line the single-machine crawl ends with."""
    try:
        runs.end_crawl_run(engine, run_id, "failed")
        marked = "这次抓取已记为失败，不会用于评分"
    except SQLAlchemyError:
        marked = "这次抓取未完成，不会用于评分"
    if store_failure(app, run_id) is None:
        with _failure_queue(app, run_id) as q:
            q.put({"message": message})
    print(f"错误：第 {run_id} 次抓取在第一次写入失败时停止：{message}。{marked}", file=sys.stderr,
          flush=True)


# ---- the worker side -----------------------------------------------------------------------
def run_worker(broker: str, concurrency: int, requeue_after: float = REQUEUE_AFTER,
               queue: str = QUEUE, allow_net=()) -> None:
    """Run a Celery worker for crawl tasks until stopped (each task runs a crawler process, so a
    thread pool of `concurrency` is enough to use as many cores). `allow_net` is this machine's
    own allow-list: a task from the queue never widens what the worker may reach."""
    app = make_app(broker, requeue_after, queue)
    app.conf.govaudit_allow_net = list(allow_net)
    app.worker_main(["worker", "--pool=threads", f"--concurrency={concurrency}", "-Q", queue,
                     "--loglevel=WARNING", "--without-gossip", "--without-mingle",
                     f"--hostname=govaudit-{socket.gethostname()}-{os.getpid()}"])


def _crawl_sites_task(task, job: dict) -> str:
    """Crawl a batch of sites; a store that fails (in the crawler or here) ends the whole run: the
    run is marked failed, the CLI told, and the run's other tasks do nothing."""
    if store_failure(task.app, job["run_id"]) is not None:
        return "store failed"
    engine = store.connect(job["db"])
    try:
        message = _crawl_sites(task, engine, job)
    except SQLAlchemyError as exc:
        if isinstance(exc, (DataError, IntegrityError)):
            raise
        message = store.errors.explain(exc, job["db"])
    except store.StoreError as exc:
        message = str(exc)
    try:
        if message is None:
            return "done"
        _report_store_failure(task.app, engine, job["run_id"], message)
        return "store failed"
    finally:
        engine.dispose()


def _crawl_sites(task, engine, job: dict) -> str | None:
    """The store's message when the crawler stopped at a failed write, else None."""
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    lease = lease_seconds(task.app.conf.broker_transport_options["visibility_timeout"])
    todo, busy = claim(engine, job["run_id"], [s["code"] for s in job["sites"]], owner, lease)
    if busy:
        # Another live worker holds some of these sites (this is a redelivered copy of its
        # task): give back what we took and look again soon, so the task is not lost should
        # that worker die after all.
        leases.release(engine, job["run_id"], owner)
        raise task.retry(countdown=lease / 3)
    if not todo:
        return None
    sites = [s for s in job["sites"] if s["code"] in todo]
    cfg = dict(job["crawl_config"], allow_net=task.app.conf.get("govaudit_allow_net") or [])
    code, failed = _crawl(engine, dict(job, sites=sites, crawl_config=cfg),
                          job["run_id"], todo, owner)
    if failed is not None:
        return failed
    if code == 0:
        return None
    if task.request.retries < CRAWL_RETRIES:
        raise task.retry(countdown=lease / 3)
    leases.give_up(engine, job["run_id"], sites, f"抓取进程异常退出（退出码 {code}）")
    return None


def claim(engine, run_id: int, codes: list[str], owner: str,
          lease_seconds: float) -> tuple[list[str], list[str]]:
    """Lease the run's unfinished sites among codes: (sites to crawl now, sites a live worker holds).
    A site taken over from a lost worker loses that worker's partial rows first."""
    todo, busy = [], []
    finished = {row["site"] for row in leases.finished_sites(engine, run_id, codes)}
    for code in codes:
        if code not in finished:
            (todo if leases.take(engine, run_id, code, owner, lease_seconds) else busy).append(code)
    return todo, busy


def _crawl(engine, job: dict, run_id: int, codes: list[str], owner: str) -> tuple[int, str | None]:
    """Run the crawler process on the job, renewing the sites' leases while it runs: its exit
    code, and the store's message if it stopped at a failed write (progress comes from the store;
    its stdout is read only for that line)."""
    files: list[str] = []
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        proc = shards.start_crawler(job, files, stdout=out)
        try:
            while True:
                try:
                    code = proc.wait(timeout=HEARTBEAT_SECONDS)
                    break
                except subprocess.TimeoutExpired:
                    leases.renew(engine, run_id, codes, owner)
        finally:
            for name in files:
                os.unlink(name)
        out.seek(0)
        failed = next((m for line in out if (m := progress.store_failure(line)) is not None), None)
    return code, failed
