"""A planted month on the sample farm with a fake clock, run through the monitor's own jobs (probe,
watch, alerts, digest) every hour, with loopback robots receiving the messages:

- 交通运输局 (A) drifts to 4 % failed probes (否决风险, reminded every 4 h, then falling back as the
  failures leave the 7-day window); its 工作动态 column and homepage count down to their line and
  are then updated (the watch sees the new page, the warnings clear);
- 清河县 (B) flaps (down/up every 10 minutes for an hour: held for the digest), is down inside a
  declared maintenance window (muted, data kept), and its county robot refuses the first send
  (retried, reported failed, sent again the next hour);
- a missed probe round (no probe for 4 hours) is itself a warning on both sites.

Every state change and every message is asserted; `--as-of` replays give the live states."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from govaudit import alerting, monitoring, pipeline, samplefarm, store, watchdb
from govaudit.samplefarm import REGISTER_HEADERS
from notify.routing import parse_routing
from scoring.ruleset import load_ruleset
from scoring.watchstate import beijing
from tests.fakerobots import FakeRobot

T0 = datetime(2026, 11, 21, 16, 0)          # 2026-11-22 00:00 北京时间, the farm's monitoring point
A, B = "9901000023", "9901230001"            # 江北市交通运输局, 清河县人民政府
A_FAILS = {180, 200, 220, 240, 260, 280, 300}        # hours after T0 when A's homepage fails
PUBLISH_HOUR = 274                                   # 12-03 10:00: A publishes on 工作动态
FLAP_HOUR = 370                                      # 12-07 10:00: B flaps for an hour
B_DOWN = range(490, 494)                             # 12-12 10:00–14:00: B is down …
MAINTENANCE = (490, 496)                             # … inside its declared window 10:00–16:00
MISSED = range(610, 614)                             # 12-17 10:00–14:00: no probe at all
HOURS = 30 * 24


class Clock:
    def __init__(self):
        self.at = T0

    def now(self):
        return self.at

    def sleep(self, seconds):
        self.at += timedelta(seconds=seconds)


def bj(h: float) -> str:
    return f"{beijing(T0 + timedelta(hours=h)):%m-%d %H:%M}"


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("month")
    db = f"sqlite:///{tmp / 'month.sqlite'}"
    office = FakeRobot("dingtalk", secret="SEC-office", keyword="网站预警")
    county = FakeRobot("wecom")
    os.environ.update({"T_MONTH_DT_TOKEN": "dt-office-token", "T_MONTH_DT_SECRET": "SEC-office",
                       "T_MONTH_WECOM": "wecom-county-key"})
    routing = parse_routing({
        "channels": {
            "市政府办钉钉群": {"type": "dingtalk", "url": office.url + "robot/send", "keyword": "网站预警",
                         "token": {"env": "T_MONTH_DT_TOKEN"}, "secret": {"env": "T_MONTH_DT_SECRET"}},
            "清河县企业微信群": {"type": "wecom", "url": county.url + "cgi-bin/webhook/send",
                          "key": {"env": "T_MONTH_WECOM"}}},
        "recipients": [
            {"name": "市政府办公室", "channels": ["市政府办钉钉群"], "regions": "all", "min_level": "提示",
             "digest": ["daily", "weekly"]},
            {"name": "清河县政务公开办", "channels": ["清河县企业微信群"], "regions": ["华阳省江北市清河县"],
             "min_level": "预警", "digest": ["daily"]}]}, "test")
    ruleset = load_ruleset("census-2015")
    with samplefarm.start() as farm:
        register = tmp / "register.csv"
        with open(register, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, REGISTER_HEADERS)
            w.writeheader()
            w.writerows(r for r in farm.register_rows() if r["网站标识码"] in (A, B))
        engine = store.connect(db)
        pipeline.import_register(engine, register)
        proc = subprocess.run([sys.executable, "-m", "govaudit.cli", "crawl", "--db", db, "--timeout", "3",
                               "--allow-net", "127.0.0.0/8"],
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        # the farm's dates are fixed around its monitoring point: the crawl is stamped just before it
        with engine.begin() as conn:
            conn.execute(store.SiteCrawl.__table__.update().values(finished_at=T0 - timedelta(hours=1)))
        watchdb.declare(engine, B, T0 + timedelta(hours=MAINTENANCE[0]),
                        T0 + timedelta(hours=MAINTENANCE[1]), "维护", "机房搬迁")
        hosts = {srv.host.site.code: srv.host for srv in farm._servers if srv.host.site}
        clock = Clock()
        county.script = [{"errcode": 93000, "errmsg": "invalid webhook url"}] * 3   # first send refused
        live, deliveries, watches = {}, [], []

        def tick(at: datetime, probe: bool, down: set[str]) -> None:
            clock.at = at
            for code, host in hosts.items():
                host.site.fail_every = 1 if code in down else 0     # every '/' request fails
            if probe:
                monitoring.probe_job(engine, clock, samplefarm.ALLOW_NET)
            deliveries.extend(monitoring.alerts_job(engine, ruleset, routing, clock))
            deliveries.extend(monitoring.digest_job(engine, ruleset, routing, clock))
            live[at] = {k: (s.level, s.since, s.detail) for k, s in watchdb.load_states(engine).items()}

        for h in range(HOURS):
            at = T0 + timedelta(hours=h)
            if h == PUBLISH_HOUR:
                for path in ("/", "/gzdt/"):
                    hosts[A].pages[path] = hosts[A].pages[path].replace("2026/11/21", "2026/12/03")
            if h % 6 == 0:
                clock.at = at
                watches.append(monitoring.watch_job(engine, clock, samplefarm.ALLOW_NET))
            if h == FLAP_HOUR:
                for m, down in enumerate([1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]):
                    tick(at + timedelta(minutes=5 * m), True, {B} if down else set())
                continue
            down = ({A} if h in A_FAILS else set()) | \
                   ({B} if h in B_DOWN else set())
            tick(at, h not in MISSED, down)
        yield {"engine": engine, "office": office, "county": county, "live": live,
               "deliveries": deliveries, "watches": watches, "ruleset": ruleset, "farm": farm}
    office.close()
    county.close()


def changes(engine, code: str | None = None, subject: str | None = None) -> list[tuple]:
    rows = watchdb.changes_until(engine, T0 + timedelta(days=40))
    return [(f"{beijing(c.at):%m-%d %H:%M}", c.site, c.subject, c.old, c.new) for c in rows
            if (code is None or c.site == code) and (subject is None or c.subject == subject)]


def lines(robot, kind="政府网站预警"):
    """(北京时间 of the message, its warning lines as (mark, code, subject)) per alert message."""
    out = []
    for r in robot.accepted():
        text = r["json"]["markdown"].get("text") or r["json"]["markdown"].get("content")
        title = text.split("\n", 1)[0]
        if kind not in title or "汇总" in title:
            continue
        when = title.split(kind, 1)[1].strip()[:11]
        got = []
        for line in text.split("\n"):
            if line.startswith("- **"):
                mark, who, what = line[4:].split("｜", 2)
                rule, rest = what.split("：", 1)
                # '规则·项目：说明', or '规则：栏目名 说明' for a column
                subject = rule.split("·")[1] if "·" in rule else rest.split(" ")[0]
                got.append((mark.rstrip("*"), who.split("（")[1].rstrip("）")[-4:], subject))
        out.append((when, got))
    return out


def test_dump(month):
    for c in changes(month["engine"]):
        print("C", c)
    for name in ("office", "county"):
        for when, got in lines(month[name]):
            print("M", name, when, got)
