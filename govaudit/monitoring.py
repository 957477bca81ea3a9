"""`govaudit monitor --routing FILE`: probes, watches, warning evaluation and delivery on one schedule
in one process (APScheduler 3.x, jobs from config/alerts.yaml `schedule`). The jobs' next run
times live in the store (APScheduler's SQLAlchemy job store), so a restarted monitor resumes the
schedule instead of starting it over; a run missed while it was down is made once on restart
(coalesce), not once per missed slot. Each job is also a plain function the cron lines and the
tests call: probe → `probe --count 1`, watch → `watch`, alerts → `alerts --send`, digest → `digest`.
"""
from __future__ import annotations

from dataclasses import dataclass

import config
from govaudit import alerting
from notify import deliver
import store


@dataclass
class MonitorContext:
    db: str
    routing_path: str
    ruleset: str = "census-2015"
    allow_net: tuple = ()


def _open(ctx: MonitorContext):
    from notify.routing import load_routing
    from scoring.rulefile import load_ruleset
    return store.connect(ctx.db), load_routing(ctx.routing_path), load_ruleset(ctx.ruleset)


def probe_job(engine, clock, allow_net=()) -> dict:
    from govaudit import pipeline
    from crawler import probe
    return probe.probe_sites(engine, pipeline.registered_sites(engine), 1, 0, clock=clock,
                             allow_net=allow_net)


def watch_job(engine, clock, allow_net=()) -> dict:
    from govaudit import pipeline
    from crawler.watch import watch_sites
    return watch_sites(engine, pipeline.registered_sites(engine), clock, allow_net=allow_net)


def alerts_job(engine, ruleset, routing, clock) -> list:
    now = clock.now()
    alerting.evaluate_all(engine, ruleset, now)
    return deliver.send_alerts(engine, ruleset, routing, now, clock)


def digest_job(engine, ruleset, routing, clock) -> list:
    """The daily digest and, on its day, the weekly roll-up — each once, whenever this runs after
    its moment (so a monitor that was down at 08:30 sends it when it comes back)."""
    now = clock.now()
    times = config.load_yaml("alerts.yaml")["digest"]
    out = []
    for kind in ("daily", "weekly"):
        if deliver.digest_due(engine, kind, now, times[kind]):
            out += deliver.send_digest(engine, ruleset, routing, now, kind, clock)
    return out


# ---- APScheduler wiring (module-level functions: the job store keeps references by name) ------
def _run(ctx_dict: dict, job: str) -> None:
    from crawler.probe import SystemClock
    ctx = MonitorContext(**ctx_dict)
    engine, routing, ruleset = _open(ctx)
    clock = SystemClock()
    try:
        if job == "probe":
            probe_job(engine, clock, ctx.allow_net)
        elif job == "watch":
            watch_job(engine, clock, ctx.allow_net)
        else:
            alerts_job(engine, ruleset, routing, clock)
            digest_job(engine, ruleset, routing, clock)
    finally:
        engine.dispose()


def scheduler(ctx: MonitorContext):
    """A started (paused) background scheduler with one job per schedule entry, its job store in
    the govaudit store. A job already stored keeps its next run time: that is the resumption.
    The caller resumes it and keeps the process alive."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    engine, _, _ = _open(ctx)        # checks the store, the routing file and the ruleset first
    engine.dispose()
    every = config.load_yaml("alerts.yaml")["schedule"]
    sched = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=store.db_url(ctx.db), tablename="monitor_jobs")},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        timezone="Asia/Shanghai")
    sched.start(paused=True)
    for job, minutes in every.items():
        stored = sched.get_job(job)
        if stored is not None and getattr(stored.trigger, "interval", None).total_seconds() == minutes * 60:
            continue
        sched.add_job(_run, "interval", minutes=minutes, args=[ctx.__dict__, job], id=job,
                      replace_existing=True, next_run_time=datetime.now(ZoneInfo("Asia/Shanghai")))
    return sched


def cron_lines(db: str, routing: str) -> list[str]:
    """The same schedule as crontab lines, each command idempotent."""
    every = config.load_yaml("alerts.yaml")["schedule"]
    base = "cd /srv/govaudit && .venv/bin/govaudit"
    return [f"{_cron(every['probe'])} {base} probe --count 1 --db {db}",
            f"{_cron(every['watch'])} {base} watch --db {db}",
            f"{_cron(every['alerts'])} {base} alerts --send --routing {routing} --db {db}",
            f"{_cron(every['alerts'])} {base} digest --routing {routing} --db {db}",
            f"{_cron(every['alerts'])} {base} digest --weekly --routing {routing} --db {db}"]


def _cron(minutes: int) -> str:
    if minutes < 60:
        return f"*/{minutes} * * * *"
    if minutes % 60 == 0 and minutes < 1440:
        return f"0 */{minutes // 60} * * *" if minutes > 60 else "0 * * * *"
    return "0 0 * * *"
