"""Availability probes: outcome classification, the schedule on a fake clock (real HTTP to the
sample farm, a real SQLite file), resuming the census schedule, and two processes at once."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest

from govaudit import pipeline
from crawler import probe
from store.probes import probes_between, stored_counts
import store
import samplefarm
from indicators.assemble import probe_window
from indicators.availability import availability
from indicators.observations import ProbeObs, SiteObservations
from scoring.engine import assess
from scoring.rulefile import load_ruleset

T0 = datetime(2026, 11, 20, 8, 0, 0)


class FakeClock:
    """Time moves only when the scheduler sleeps; every sleep is recorded."""

    def __init__(self, start: datetime, crash_after: int | None = None):
        self.t, self.sleeps, self.crash_after = start, [], crash_after

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        if self.crash_after is not None and len(self.sleeps) >= self.crash_after:
            raise KeyboardInterrupt   # the process is killed while waiting for the next round
        self.sleeps.append(seconds)
        self.t += timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def farm():
    with samplefarm.start() as running:
        yield running


@pytest.fixture
def engine(farm, tmp_path):
    db = f"sqlite:///{tmp_path / 'probe.sqlite'}"
    eng = store.connect(db)
    register = farm.write_register(tmp_path / "register.csv")
    pipeline.import_register(eng, register)
    eng.url_text = db
    yield eng
    eng.dispose()


def stored(engine, code):
    return probes_between(engine, datetime.min, datetime.max)[code]


# ---- classification (pure) -------------------------------------------------------------------
def test_classify_answers():
    page = "<html><head><title>华阳省人民政府</title></head><body><p>首页</p></body></html>"
    ok = probe.classify_answer(200, page.encode(), "text/html; charset=utf-8", 12.0, 15)
    assert ok.ok and ok.outcome == "ok"
    bad = probe.classify_answer(503, b"", "text/html", 3.0, 15)
    assert (bad.ok, bad.outcome, bad.detail) == (False, "http", "HTTP 503")
    soft = "<html><head><title>页面不存在</title></head><body>页面不存在</body></html>"
    s404 = probe.classify_answer(200, soft.encode(), "text/html", 3.0, 15)
    assert (s404.ok, s404.outcome) == (False, "soft404") and "页面不存在" in s404.detail
    late = probe.classify_answer(200, page.encode(), "text/html", 15001.0, 15)
    assert (late.ok, late.outcome) == (False, "timeout")


def test_unknown_host_fails_without_lookup():
    result = probe.fetch("http://www..qinghe.gov.cn/", 3)
    assert (result.ok, result.outcome) == (False, "dns")


# ---- schedule on a fake clock, real HTTP ----------------------------------------------------------
def test_probes_spaced_by_interval_and_sites_probed_together(engine, farm):
    sites = pipeline.registered_sites(engine, ["9900000001", "9901230015"])
    clock = FakeClock(T0)
    tally = probe.probe_sites(engine, sites, count=3, interval=600, timeout=3, clock=clock,
                              allow_net=samplefarm.ALLOW_NET)
    assert tally == {"9900000001": [3, 0], "9901230015": [3, 3]}
    assert clock.sleeps == [600, 600]          # both sites in each round: no per-site waiting
    for code in ("9900000001", "9901230015"):
        rows = stored(engine, code)
        assert [r.at for r in rows] == [T0, T0 + timedelta(minutes=10), T0 + timedelta(minutes=20)]
    down = stored(engine, "9901230015")[0]
    assert (down.ok, down.outcome, down.detail) == (False, "refused", "连接被拒绝")
    up = stored(engine, "9900000001")[0]
    assert up.ok and up.status == 200 and up.latency_ms > 0
    assert up.url == farm.base_url("9900000001")


def test_monitor_resumes_from_stored_probes(engine):
    sites = pipeline.registered_sites(engine, ["9901000012"])
    seen = []
    # First run: one probe, then killed while waiting 6 h for the next.
    with pytest.raises(KeyboardInterrupt):
        probe.monitor(engine, sites, days=1, per_day=4, timeout=3, allow_net=samplefarm.ALLOW_NET,
                      clock=FakeClock(T0, crash_after=0), on_progress=lambda *a: seen.append(a))
    assert [p.at for p in stored(engine, "9901000012")] == [T0]
    # Restarted an hour later: 3 left, the next one due 6 h after the stored one.
    clock = FakeClock(T0 + timedelta(hours=1))
    seen.clear()
    tally = probe.monitor(engine, sites, days=1, per_day=4, timeout=3, clock=clock,
                          allow_net=samplefarm.ALLOW_NET,
                          on_progress=lambda *a: seen.append(a))
    assert tally == {"9901000012": [3, 0]}
    assert clock.sleeps == [5 * 3600, 6 * 3600, 6 * 3600]
    assert [p.at for p in stored(engine, "9901000012")] == [T0 + timedelta(hours=h)
                                                           for h in (0, 6, 12, 18)]
    assert seen[0] == (1, 4, T0 + timedelta(hours=6))
    assert seen[-1] == (4, 4, None)
    # A third start has nothing left to do.
    assert probe.monitor(engine, sites, days=1, per_day=4, clock=FakeClock(clock.t)) == \
        {"9901000012": [0, 0]}


def test_two_probe_processes_at_once_keep_every_probe(engine, tmp_path):
    """Cron may start `govaudit probe` while the previous one still runs: WAL + short
    transactions + busy_timeout must keep the store whole."""
    cmd = [sys.executable, "-m", "govaudit.cli", "probe", "--allow-net", "127.0.0.0/8", "--count", "15", "--interval", "0",
           "--timeout", "3", "--db", engine.url_text]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    counts = stored_counts(engine, datetime.min)
    assert {code: n for code, (n, _) in counts.items()} == \
        {s.code: 30 for s in pipeline.registered_sites(engine)}
    path = engine.url_text.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_probe_command_on_an_empty_register_says_so(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "govaudit.cli", "probe", "--db",
                           str(tmp_path / "empty.sqlite")], capture_output=True, text=True)
    assert proc.returncode == 2 and "网站名录为空" in proc.stderr


# ---- measurement and rules ----------------------------------------------------------------------
def _obs(ok_flags, reachable=True):
    obs = SiteObservations(site_code="x", home_url="http://127.0.1.9/", reachable=reachable)
    obs.probes = [ProbeObs(at=T0 + timedelta(hours=i), ok=ok, outcome="ok" if ok else "http",
                           detail="" if ok else "HTTP 503") for i, ok in enumerate(ok_flags)]
    return obs


def test_window_is_the_rulesets():
    ruleset = load_ruleset("census-2015")
    start, end = probe_window(date(2026, 11, 22), ruleset.windows["availability"])
    assert (start, end) == (datetime(2026, 11, 15), datetime(2026, 11, 23))


def test_availability_counts_and_finding():
    counts, findings = availability(_obs([True] * 38 + [False] * 2))
    assert counts == {"availability_probes": 40, "availability_failures": 2}
    assert len(findings) == 1
    # stored in UTC, shown in 北京时间 (UTC+8)
    assert findings[0].evidence == ("监测 40 次，无法访问 2 次（5.0%），时间（北京时间）："
                                    "2026-11-22 06:00:00 HTTP 503；2026-11-22 07:00:00 HTTP 503")
    assert availability(_obs([])) == ({"availability_probes": None,
                                       "availability_failures": None}, [])


def _measures(probes, failures, crawled=True):
    from indicators.measure import measurement_keys
    m = dict.fromkeys(measurement_keys())
    if crawled:
        m.update({k: 0 for k in m})
        m.update(homepage_updates_14d=12, consultation_columns=1, consultation_messages_1y=5,
                 survey_columns=1, surveys_1y=6, interview_columns=0)
    m.update(availability_probes=probes, availability_failures=failures)
    return m


@pytest.mark.parametrize("probes,failures,vetoes,points", [
    (40, 2, ["site_unreachable"], None),      # 5.0%: the veto, nothing else scored
    (40, 1, [], 10),                          # 2.5%: two full percent, 5 points each
    (100, 1, [], 5),
    (100, 0, [], 0),
])
def test_availability_rules(probes, failures, vetoes, points):
    a = assess(_measures(probes, failures), load_ruleset("census-2015"), is_portal=True)
    assert a.verdict.vetoes == vetoes
    charged = {d.rule: d.points for d in a.verdict.deductions}
    if points is None:
        assert a.verdict.score is None and a.verdict.qualified is False and not charged
    else:
        assert charged.get("homepage_availability", 0) == points


def test_too_few_probes_is_said_never_a_silent_pass():
    a = assess(_measures(19, 19), load_ruleset("census-2015"))
    assert "site_unreachable" not in a.verdict.vetoes and a.verdict.score is not None
    assert {"site_unreachable", "homepage_availability"} <= set(a.skipped)
    assert a.unmet["site_unreachable"] == "可用性监测次数不足（实际 19，要求 >= 20）"
    none = assess(_measures(None, None), load_ruleset("census-2015"))
    assert none.unmet["homepage_availability"] == "可用性监测次数不足（实际 无，要求 >= 20）"


def test_down_site_is_unqualified_by_its_probes_alone():
    a = assess(_measures(40, 40, crawled=False), load_ruleset("census-2015"))
    assert (a.verdict.qualified, a.verdict.score, a.verdict.vetoes) == \
        (False, None, ["site_unreachable"])
    unprobed = assess(_measures(None, None, crawled=False), load_ruleset("census-2015"))
    assert unprobed.verdict.qualified is None


def test_crawl_homepage_fetch_is_one_more_data_point():
    from indicators.assemble import crawl_probe
    window = probe_window(date(2026, 11, 22), {"days": 7})
    inside = store.SiteCrawl(site_code="x", home_url="http://x/", status="down",
                             error="首页无法访问：连接被拒绝", started_at=datetime(2026, 11, 20, 9))
    assert [(p.ok, p.detail, p.source) for p in crawl_probe(inside, window)] == \
        [(False, "首页无法访问：连接被拒绝", "crawl")]
    ok = store.SiteCrawl(site_code="x", home_url="http://x/", status="ok",
                         started_at=datetime(2026, 11, 22, 23, 59))
    assert [(p.ok, p.source) for p in crawl_probe(ok, window)] == [(True, "crawl")]
    later = store.SiteCrawl(site_code="x", home_url="http://x/", status="ok",
                            started_at=datetime(2026, 11, 23, 0, 0))
    assert crawl_probe(later, window) == []          # after the monitoring point: not counted
