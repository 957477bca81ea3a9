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
import time
import uuid
from typing import Callable

import store
from config.errors import UserError
from crawler import shards
from store import leases

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
           poll: float = 1.0) -> None:
    """Report each site of the run as the workers finish it; return when all are finished."""
    seen: set[str] = set()
    while len(seen) < total:
        for row in leases.finished_sites(engine, run_id):
            if row["site"] not in seen:
                seen.add(row["site"])
                on_site(row)
        if len(seen) < total:
            time.sleep(poll)


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
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    lease = lease_seconds(task.app.conf.broker_transport_options["visibility_timeout"])
    engine = store.connect(job["db"])
    try:
        todo, busy = claim(engine, job["run_id"], [s["code"] for s in job["sites"]], owner, lease)
        if busy:
            # Another live worker holds some of these sites (this is a redelivered copy of its
            # task): give back what we took and look again soon, so the task is not lost should
            # that worker die after all.
            leases.release(engine, job["run_id"], owner)
            raise task.retry(countdown=lease / 3)
        if not todo:
            return "done"
        sites = [s for s in job["sites"] if s["code"] in todo]
        cfg = dict(job["crawl_config"], allow_net=task.app.conf.get("govaudit_allow_net") or [])
        code = _crawl(engine, dict(job, sites=sites, crawl_config=cfg),
                      job["run_id"], todo, owner)
        if code == 0:
            return "crawled"
        if task.request.retries < CRAWL_RETRIES:
            raise task.retry(countdown=lease / 3)
        leases.give_up(engine, job["run_id"], sites, f"抓取进程异常退出（退出码 {code}）")
        return "failed"
    finally:
        engine.dispose()


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


def _crawl(engine, job: dict, run_id: int, codes: list[str], owner: str) -> int:
    """Run the crawler process on the job, renewing the sites' leases while it runs."""
    files: list[str] = []
    proc = shards.start_crawler(job, files, stdout=subprocess.DEVNULL)  # progress: from the store
    try:
        while True:
            try:
                return proc.wait(timeout=HEARTBEAT_SECONDS)
            except subprocess.TimeoutExpired:
                leases.renew(engine, run_id, codes, owner)
    finally:
        for name in files:
            os.unlink(name)
