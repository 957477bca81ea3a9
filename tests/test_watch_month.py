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

import samplefarm
import store
from govaudit import alerting, monitoring, pipeline
from notify import deliver
from notify.routing import parse_routing
from samplefarm import REGISTER_HEADERS
from samplefarm.robot import FakeRobot
from scoring.rulefile import load_ruleset
from scoring.watchstate import beijing
from store import watch as rows

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
        rows.declare(engine, B, T0 + timedelta(hours=MAINTENANCE[0]),
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
            live[at] = {k: (s.level, s.since, s.detail) for k, s in deliver.load_states(engine).items()}

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
    found = deliver.changes_between(engine, until=T0 + timedelta(days=40))
    return [(f"{beijing(c.at):%m-%d %H:%M}", c.site[-4:], c.subject, c.old, c.new) for c in found
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


# 0 正常 1 提示 2 预警 3 否决风险 4 已否决; sites by their last four digits (A 0023, B 0001)
EXPECTED_CHANGES = [
    # the first evaluation: what the crawl left (B's homepage 17 days quiet: vetoed already)
    ('11-22 00:00', '0023', '栏目：人事信息', 0, 2),
    ('11-22 00:00', '0023', '栏目：规划计划', 0, 2),
    ('11-22 00:00', '0001', '首页更新', 0, 4),
    ('11-22 00:00', '0001', '空白栏目', 0, 1),
    ('11-22 00:00', '0001', '超期未更新栏目', 0, 1),
    ('11-22 00:00', '0001', '栏目：县政要闻', 0, 2),
    ('11-22 00:00', '0001', '栏目：乡镇动态', 0, 2),
    ('11-22 00:00', '0001', '栏目：政策文件', 0, 2),
    ('11-22 00:00', '0001', '栏目：规划计划', 0, 2),
    # A's homepage (newest 11-21) and its news columns count down: 7 / 10 / 12 days quiet
    ('11-28 00:00', '0023', '首页更新', 0, 1),
    ('11-30 00:00', '0023', '栏目：交通快讯', 0, 1),        # 11-19 + 14 days: 4 days left
    ('11-30 08:00', '0023', '首页无法访问比例', 0, 1),      # 2nd failure: 2/168 = 1.2 %
    ('12-01 00:00', '0023', '首页更新', 1, 2),
    ('12-02 00:00', '0023', '栏目：工作动态', 0, 1),
    ('12-03 00:00', '0023', '首页更新', 2, 3),
    # 10:00 A publishes; the 12:00 watch reads the new pages
    ('12-03 12:00', '0023', '首页更新', 3, 0),
    ('12-03 12:00', '0023', '栏目：工作动态', 1, 0),
    ('12-03 16:00', '0023', '首页无法访问比例', 1, 2),      # 6/168 = 3.6 %
    ('12-04 00:00', '0023', '栏目：交通快讯', 1, 2),        # past its 14 days
    ('12-04 12:00', '0023', '首页无法访问比例', 2, 3),      # 7/168 = 4.2 %
    ('12-06 12:00', '0023', '首页无法访问比例', 3, 2),      # the first failure leaves the week
    ('12-07 08:00', '0023', '首页无法访问比例', 2, 1),
    # B flaps every 10 minutes for an hour
    ('12-07 10:05', '0001', '首页无法访问比例', 0, 1),
    ('12-07 10:05', '0001', '首页当前状态', 0, 2),
    ('12-07 10:15', '0001', '首页当前状态', 2, 0),
    ('12-07 10:25', '0001', '首页当前状态', 0, 2),
    ('12-07 10:35', '0001', '首页当前状态', 2, 0),
    ('12-07 10:45', '0001', '首页无法访问比例', 1, 2),
    ('12-07 10:45', '0001', '首页当前状态', 0, 2),
    ('12-07 10:55', '0001', '首页当前状态', 2, 0),
    ('12-10 00:00', '0023', '首页更新', 0, 1),               # 7 days after 12-03
    ('12-10 16:00', '0023', '首页无法访问比例', 1, 0),
    # B down 10:00–14:00 inside its maintenance window: recorded, counted by the census
    ('12-12 11:00', '0001', '首页无法访问比例', 2, 3),
    ('12-12 11:00', '0001', '首页当前状态', 0, 2),
    ('12-12 12:00', '0001', '首页无法访问比例', 3, 4),
    ('12-12 15:00', '0001', '首页当前状态', 2, 0),          # 2 good probes (14:00, 15:00)
    ('12-13 00:00', '0023', '首页更新', 1, 2),
    ('12-14 00:00', '0023', '栏目：工作动态', 0, 1),
    ('12-14 11:00', '0001', '首页无法访问比例', 4, 1),      # the flapping leaves the week
    ('12-15 00:00', '0023', '首页更新', 2, 3),
    # no probe 10:00–14:00: 90 minutes without one is itself a warning
    ('12-17 11:00', '0023', '监测', 0, 2),
    ('12-17 11:00', '0001', '监测', 0, 2),
    ('12-17 14:00', '0023', '监测', 2, 0),
    ('12-17 14:00', '0001', '监测', 2, 0),
    ('12-18 00:00', '0023', '首页更新', 3, 4),
    ('12-18 00:00', '0023', '超期未更新栏目', 0, 1),
    ('12-18 00:00', '0023', '栏目：工作动态', 1, 2),
    ('12-19 00:00', '0023', '栏目：政策法规', 0, 1),        # 07-01 + 6 months: 14 days left
    ('12-19 12:00', '0001', '首页无法访问比例', 1, 0),
]

RISE, OK = "▲ ", "✓ 恢复"
EXPECTED_OFFICE = [   # every alert message but the reminders, with its lines
    # 00:00 is a quiet hour: only 已否决 goes out; 提示/预警 wait for 08:00
    ('11-22 00:00', [(RISE + '已否决', '0001', '首页更新')]),
    ('11-22 08:00', [(RISE + '预警', '0023', '人事信息'), (RISE + '预警', '0023', '规划计划'),
                     (RISE + '预警', '0001', '乡镇动态'), (RISE + '预警', '0001', '县政要闻'),
                     (RISE + '预警', '0001', '政策文件'), (RISE + '预警', '0001', '规划计划'),
                     (RISE + '提示', '0001', '空白栏目'), (RISE + '提示', '0001', '超期未更新栏目')]),
    ('11-28 08:00', [(RISE + '提示', '0023', '首页更新')]),
    ('11-30 08:00', [(RISE + '提示', '0023', '交通快讯'), (RISE + '提示', '0023', '首页无法访问比例')]),
    ('12-01 08:00', [(RISE + '预警', '0023', '首页更新')]),
    ('12-02 08:00', [(RISE + '提示', '0023', '工作动态')]),
    ('12-03 00:00', [(RISE + '否决风险', '0023', '首页更新')]),
    ('12-03 12:00', [(OK, '0023', '工作动态'), (OK, '0023', '首页更新')]),
    ('12-03 16:00', [(RISE + '预警', '0023', '首页无法访问比例')]),
    ('12-04 08:00', [(RISE + '预警', '0023', '交通快讯')]),
    ('12-04 12:00', [(RISE + '否决风险', '0023', '首页无法访问比例')]),
    # the first four flips go out; the fifth within the hour is flapping: held for the digest
    ('12-07 10:05', [(RISE + '预警', '0001', '首页当前状态'), (RISE + '提示', '0001', '首页无法访问比例')]),
    ('12-07 10:15', [(OK, '0001', '首页当前状态')]),
    ('12-07 10:25', [(RISE + '预警', '0001', '首页当前状态')]),
    ('12-07 10:35', [(OK, '0001', '首页当前状态')]),
    ('12-07 10:45', [(RISE + '预警', '0001', '首页无法访问比例')]),
    ('12-10 08:00', [(RISE + '提示', '0023', '首页更新')]),
    ('12-10 16:00', [(OK, '0023', '首页无法访问比例')]),
    # muted inside the maintenance window; what still stands when it ends is told
    ('12-12 16:00', [(RISE + '已否决', '0001', '首页无法访问比例')]),
    ('12-13 08:00', [(RISE + '预警', '0023', '首页更新')]),
    ('12-14 08:00', [(RISE + '提示', '0023', '工作动态')]),
    ('12-15 00:00', [(RISE + '否决风险', '0023', '首页更新')]),
    ('12-17 11:00', [(RISE + '预警', '0023', '监测'), (RISE + '预警', '0001', '监测')]),
    ('12-17 14:00', [(OK, '0023', '监测'), (OK, '0001', '监测')]),
    ('12-18 00:00', [(RISE + '已否决', '0023', '首页更新')]),
    ('12-18 08:00', [(RISE + '预警', '0023', '工作动态'), (RISE + '提示', '0023', '超期未更新栏目')]),
    ('12-19 08:00', [(RISE + '提示', '0023', '政策法规')]),
    ('12-19 12:00', [(OK, '0001', '首页无法访问比例')]),
]
EXPECTED_COUNTY = [   # 清河县 only, 预警 and above; its first send (00:00) was refused, sent at 01:00
    ('11-22 01:00', [(RISE + '已否决', '0001', '首页更新')]),
    ('11-22 08:00', [(RISE + '预警', '0001', '乡镇动态'), (RISE + '预警', '0001', '县政要闻'),
                     (RISE + '预警', '0001', '政策文件'), (RISE + '预警', '0001', '规划计划')]),
    ('12-07 10:05', [(RISE + '预警', '0001', '首页当前状态')]),
    ('12-07 10:15', [(OK, '0001', '首页当前状态')]),
    ('12-07 10:25', [(RISE + '预警', '0001', '首页当前状态')]),
    ('12-07 10:35', [(OK, '0001', '首页当前状态')]),
    ('12-07 10:45', [(RISE + '预警', '0001', '首页无法访问比例')]),
    ('12-12 16:00', [(RISE + '已否决', '0001', '首页无法访问比例')]),
    ('12-14 11:00', [(OK, '0001', '首页无法访问比例')]),      # 提示 is below the county's line
    ('12-17 11:00', [(RISE + '预警', '0001', '监测')]),
    ('12-17 14:00', [(OK, '0001', '监测')]),
]


def every_four_hours(first: str, last: str) -> list[str]:
    start, end = (datetime.strptime(f"2026-{t}", "%Y-%m-%d %H:%M") for t in (first, last))
    return [f"{start + timedelta(hours=4 * n):%m-%d %H:%M}" for n in range(int((end - start) / timedelta(hours=4)) + 1)]


def test_every_state_change(month):
    # changes at one moment come in the crawl's column order, which varies: compared sorted
    assert sorted(changes(month["engine"])) == sorted(EXPECTED_CHANGES)


def test_every_alert_message(month):
    office = lines(month["office"])
    assert [m for m in office if not any(k.startswith("⏰") for k, _, _ in m[1])] == EXPECTED_OFFICE
    # at 否决风险 a reminder every 4 hours until the level falls (已否决 is told once, not reminded)
    reminders = [(when, subject) for when, got in office for k, _, subject in got if k.startswith("⏰")]
    assert reminders == ([(t, '首页更新') for t in every_four_hours('12-03 04:00', '12-03 08:00')]
                         + [(t, '首页无法访问比例') for t in every_four_hours('12-04 16:00', '12-06 08:00')]
                         + [(t, '首页更新') for t in every_four_hours('12-15 04:00', '12-17 20:00')])
    assert lines(month["county"]) == EXPECTED_COUNTY


def test_the_countdown_and_the_outage_budget_read_as_an_office_reads_them(month):
    texts = [r["json"]["markdown"]["text"] for r in month["office"].accepted()]
    assert any("栏目不更新：工作动态 还有 4 天达到否决线（最近更新 2026-11-21，期限 14 天）" in t for t in texts)
    assert any("站点无法访问·首页无法访问比例：本周监测 168 次，无法访问 7 次（4.17%），本周还可中断 1.4 小时"
               in t for t in texts)
    # a recovery says how long the outage lasted
    assert any("首页可以访问；最近一次中断 12-07 10:00–10:10，10 分后恢复" in t for t in texts)
    # the maintenance window's figure beside the census one
    assert any("扣除维护/报备时段为 " in t and "（普查按全部监测计）" in t for t in texts)
    assert all("网站预警" in t for t in texts)          # the robot's keyword, which it demands


def test_refused_send_is_retried_reported_and_sent_again(month):
    engine = month["engine"]
    sends = rows.send_rows(engine, "清河县企业微信群")
    first, second = sends[0], sends[1]
    assert (first["ok"], first["attempts"]) == (False, 3)
    assert "errcode=93000，invalid webhook url" in first["error"]
    assert [r["answer"] for r in month["county"].received[:3]] == [{"errcode": 93000, "errmsg": "invalid webhook url"}] * 3
    assert second["ok"] and beijing(second["at"]).strftime("%m-%d %H:%M") == "11-22 01:00"
    # no secret reached the store or a message
    stored = " ".join(f"{r['text']}{r['answer']}{r['error']}" for r in rows.send_rows(engine))
    received = str([r["json"] for robot in ("office", "county") for r in month[robot].received])
    for secret in ("dt-office-token", "SEC-office", "wecom-county-key"):
        assert secret not in stored and secret not in received


def test_digests(month):
    digests = [r["json"]["markdown"]["text"] for r in month["office"].accepted()
               if "汇总" in r["json"]["markdown"]["text"].split("\n")[0]]
    daily = [t for t in digests if "每日预警汇总" in t]
    weekly = [t for t in digests if "每周预警汇总" in t]
    # 08:30 北京时间 every day of the month (the hourly job sends it at 09:00), Mondays the roll-up
    assert [t.split("每日预警汇总 ")[1][:5] for t in daily] == [
        f"{datetime(2026, 11, 22) + timedelta(days=n):%m-%d}" for n in range(30)]
    assert [t.split("每周预警汇总 ")[1][:5] for t in weekly] == ["11-23", "11-30", "12-07", "12-14", "12-21"]
    after_flapping = next(t for t in daily if "每日预警汇总 12-08" in t)
    assert "清河县人民政府（9901230001）｜首页当前状态：频繁波动：24 小时内变化 6 次，1 小时内最多 6 次" in after_flapping
    week = next(t for t in weekly if "每周预警汇总 12-14" in t)
    assert ("清河县人民政府（9901230001）：12-12 10:00–12-12 14:00，失败 4 次" in week
            and "清河县人民政府（9901230001）：12-07 10:00–12-07 10:10，失败 2 次" in week)
    county_daily = [r["json"]["markdown"]["content"] for r in month["county"].accepted()
                    if "每日预警汇总" in r["json"]["markdown"]["content"]]
    assert len(county_daily) == 30 and all("0023" not in t for t in county_daily)   # own sites only


def test_watch_is_conditional(month):
    first, second = month["watches"][0], month["watches"][1]
    assert first[B] == {200: 11} and second[B] == {304: 11}     # unchanged pages cost a 304
    with month["engine"].connect() as conn:
        found = conn.execute(select(rows.WatchObservation.newest, rows.WatchObservation.at)
                             .where(rows.WatchObservation.url.like("%/gzdt/"),
                                    rows.WatchObservation.site_code == A)
                             .order_by(rows.WatchObservation.at)).all()
    seen = {f"{beijing(at):%m-%d %H:%M}": str(newest) for newest, at in found}
    assert seen["12-03 06:00"] == "2026-11-21" and seen["12-03 12:00"] == "2026-12-03"


@pytest.mark.parametrize("hour", [300, FLAP_HOUR + 0.75, 492, 611])
def test_as_of_replay_gives_the_live_states(month, hour):
    at = T0 + timedelta(hours=hour)
    replayed = alerting.states_as_of(month["engine"], month["ruleset"], at)
    live = month["live"][at]
    assert {k: s.level for k, s in replayed.items()} == {k: v[0] for k, v in live.items()}
    assert {k: s.detail for k, s in replayed.items()} == {k: v[2] for k, v in live.items()}
    assert {k: s.since for k, s in replayed.items() if s.level} == \
        {k: v[1] for k, v in live.items() if v[0]}
