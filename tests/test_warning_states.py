"""Warning lines in the ruleset, the pure warning-state function and noise control."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

import config
from indicators.observations import Message
from indicators.watched import ColumnSeen, Declared, Probe, SiteWatch
from notify.policy import Mark, Policy, decide
from scoring.ruleset import RulesetError
from scoring.rulefile import load_ruleset
from scoring.warnings import NOTICE, OK, RISK, VETOED, WARNING
from scoring.watchstate import advance, evaluate, outages

RULES = load_ruleset("census-2015")
TAX = config.load_yaml("taxonomy.yaml")
POLICY = Policy.from_config(config.load_yaml("alerts.yaml"))
NOW = datetime(2026, 11, 22, 4, 0)      # 12:00 北京时间


def hourly(fail_hours=(), hours=168, end=NOW):
    """One probe an hour for `hours` hours up to `end`; failing `fail_hours` hours before it."""
    return [Probe(end - timedelta(hours=h), h not in fail_hours, "" if h not in fail_hours else "HTTP 503")
            for h in range(hours - 1, -1, -1)]


def by_subject(readings):
    return {r.subject: r for r in readings}


# ---- the ruleset's warning lines ------------------------------------------------------------
def test_census_ruleset_carries_the_default_lines():
    lines = {r.id: r.warnings for r in RULES.vetoes}
    assert lines["site_unreachable"]["failed_share"]["warning"] == 0.03
    assert lines["homepage_not_updated"]["quiet_days"]["warning"] == 10
    assert lines["columns_not_updated"]["blank_columns"]["warning"] == 3       # > 2 blank
    assert lines["columns_not_updated"]["stale_columns"]["warning"] == 7       # > 6 stale
    assert lines["serious_error"] == {}


def _edited(tmp_path, old, new):
    text = config.path("rulesets", "census-2015.yaml").read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "mine.yaml"
    p.write_text(text.replace(old, new), encoding="utf-8")
    return p


def _line_of(path, needle):
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if needle in line)


@pytest.mark.parametrize("old,new,message", [
    ("failed_share: {notice: 0.01, warning: 0.03, risk: 0.04}",
     "failed_share: {notice: 0.01, warning: 0.03, risk: 0.06}",
     "warnings.failed_share.risk 为 0.06，应低于否决线 0.05"),
    ("blank_columns: {notice: 1, warning: 3, risk: 4}", "blank_columns: {notice: 1, warning: 3, risk: 2}",
     "warnings.blank_columns：否决风险线 2 应高于预警线 3"),
    ("quiet_days: {notice: 7, warning: 10, risk: 12}", "quiet_days: {notice: 7, warning: 10, risk: 15}",
     "warnings.quiet_days.risk 为 15，应低于否决线 14"),
    ("quiet_days: {notice: 7, warning: 10, risk: 12}", "quiet_day: {notice: 7}",
     "warnings 中未知的预警量 quiet_day"),
    ("message_days_left: {notice: 30, warning: 14, risk: 7}", "blank_columns: {warning: 1}",
     "预警量 blank_columns 不属于本规则"),
    ("news: {notice: 4, warning: 0}", "newz: {notice: 4, warning: 0}",
     "warnings.column_days_left 按栏目组写预警线，newz 不是栏目组"),
    ("news: {notice: 4, warning: 0}", "news: {notice: 4, warning: 5}",
     "warnings.column_days_left.news：预警线 5 应少于提示线 4"),
    ("down_now: {after: 2, recover: 2, level: warning}", "down_now: {after: 0, recover: 2, level: loud}",
     "warnings.down_now.after 应为正整数，实际为 0"),
])
def test_bad_warning_lines_are_reported_with_their_line(tmp_path, old, new, message):
    p = _edited(tmp_path, old, new)
    with pytest.raises(RulesetError) as err:
        load_ruleset(str(p))
    assert message in str(err.value)
    assert f"第 {_line_of(p, new)} 行" in str(err.value)


def test_an_edited_veto_line_moves_the_roof(tmp_path):
    # the office lowers the blank-column veto to 3: the default warning line 3 is now too high
    p = _edited(tmp_path, "- {measure: blank_columns, op: '>=', value: 5}",
                "- {measure: blank_columns, op: '>=', value: 3}")
    with pytest.raises(RulesetError, match="warnings.blank_columns.warning 为 3，应低于否决线 3"):
        load_ruleset(str(p))


# ---- availability -------------------------------------------------------------------------------
def test_failed_share_levels_budget_and_coverage():
    site = SiteWatch("A", probes=hourly(fail_hours=(100, 101, 102, 103, 104)))      # 5 / 168
    r = by_subject(evaluate(site, RULES, TAX, NOW))["首页无法访问比例"]
    assert r.level == NOTICE
    assert r.detail == ("本周监测 168 次，无法访问 5 次（2.98%），本周还可中断 3.4 小时；"
                        "监测覆盖 100% 的小时")
    site.probes = hourly(fail_hours=tuple(range(100, 107)))                        # 7 / 168 = 4.2 %
    assert by_subject(evaluate(site, RULES, TAX, NOW))["首页无法访问比例"].level == RISK
    site.probes = hourly(fail_hours=tuple(range(100, 109)))                        # 9 / 168 = 5.4 %
    r = by_subject(evaluate(site, RULES, TAX, NOW))["首页无法访问比例"]
    assert r.level == VETOED and "本周中断已达否决线" in r.detail


def test_too_few_probes_are_not_judged():
    site = SiteWatch("A", probes=hourly(fail_hours=(0, 1, 2), hours=10))
    r = by_subject(evaluate(site, RULES, TAX, NOW))
    assert r["首页无法访问比例"].level == OK
    assert r["首页无法访问比例"].detail == "本周监测 10 次，不足 20 次，暂不判定可用性"
    assert r["首页当前状态"].level == WARNING                 # but it is down now


def test_down_after_two_failures_recovered_after_two_good():
    t0 = NOW - timedelta(hours=3)
    oks = [True, False, True, False, False, False, True, False, True, True, True]
    probes = [Probe(t0 + timedelta(minutes=20 * i), ok) for i, ok in enumerate(oks)]
    # one failure alone is no outage; 3 failures in a row are; a lone good probe does not end it
    assert outages(probes, 2, 2) == [(t0 + timedelta(minutes=60), t0 + timedelta(minutes=160), 4)]
    site = SiteWatch("A", probes=probes[:6])
    r = by_subject(evaluate(site, RULES, TAX, probes[5].at))["首页当前状态"]
    assert r.level == WARNING
    assert r.detail == "首页当前无法访问：自 11-22 10:00 起连续 3 次失败（已 40 分）"
    site.probes = probes
    r = by_subject(evaluate(site, RULES, TAX, probes[-1].at))["首页当前状态"]
    assert r.level == OK
    assert r.detail == "首页可以访问；最近一次中断 11-22 10:00–11:40，1 小时 40 分后恢复"


def test_missed_round_never_counts_as_up():
    site = SiteWatch("A", probes=hourly(hours=30, end=NOW - timedelta(hours=2)))
    r = by_subject(evaluate(site, RULES, TAX, NOW))["监测"]
    assert r.level == WARNING
    assert r.detail.startswith("已 2 小时没有监测记录（最近一次 11-22 10:00）")
    assert by_subject(evaluate(site, RULES, TAX, NOW - timedelta(minutes=60)))["监测"].level == OK


def test_declared_outage_keeps_the_census_figure_and_shows_the_other():
    site = SiteWatch("A", probes=hourly(fail_hours=tuple(range(50, 60))),
                     declared=[Declared(NOW - timedelta(hours=61), NOW - timedelta(hours=49), "报备")])
    r = by_subject(evaluate(site, RULES, TAX, NOW))["首页无法访问比例"]
    assert r.level == VETOED                        # 10 / 168: the inspector counts them
    assert r.detail.endswith("；扣除维护/报备时段为 0.00%（普查按全部监测计）")


# ---- homepage, columns, messages ------------------------------------------------------------------
def test_homepage_quiet_days_countdown():
    site = SiteWatch("A", home_seen=True, home_newest=date(2026, 11, 12))     # 10 days quiet
    r = by_subject(evaluate(site, RULES, TAX, NOW))["首页更新"]
    assert (r.level, r.countdown) == (WARNING, 5)
    assert r.detail == "首页最近一条信息 2026-11-12，已 10 天无更新，还有 5 天达到否决线（14 天）"
    site.home_newest = date(2026, 11, 8)                                      # 14 days: still in
    assert by_subject(evaluate(site, RULES, TAX, NOW))["首页更新"].level == RISK
    site.home_newest = date(2026, 11, 7)
    assert by_subject(evaluate(site, RULES, TAX, NOW))["首页更新"].level == VETOED


def test_columns_count_down_and_pile_up():
    cols = [ColumnSeen("通知公告", "u/tz", "notice", date(2026, 6, 3)),     # 6 months → 12-04: 12 days
            ColumnSeen("工作动态", "u/dt", "news", date(2026, 11, 20)),      # fine
            ColumnSeen("政策文件", "u/zc", "policy", date(2026, 1, 5)),      # stale
            *[ColumnSeen(f"空白{i}", f"u/k{i}", None, None, True) for i in range(3)]]
    readings = by_subject(evaluate(SiteWatch("A", columns=cols), RULES, TAX, NOW))
    assert readings["栏目：通知公告"].level == NOTICE
    assert readings["栏目：通知公告"].detail.startswith("通知公告 还有 12 天达到否决线")
    assert "栏目：工作动态" not in readings
    assert readings["栏目：政策文件"].level == WARNING
    assert readings["空白栏目"].level == WARNING             # 3 blank (> 2)
    assert readings["空白栏目"].detail == "空白栏目 3 个（否决线 5 个）：空白0、空白1、空白2"
    assert readings["超期未更新栏目"].level == OK
    assert readings["超期未更新栏目"].detail.endswith("；另有 1 个栏目临近更新期限")


def test_unanswered_message_counts_down_to_the_veto():
    msgs = [Message("u/m1", "关于路灯维修的咨询", posted=date(2026, 8, 30)),     # 3 months → 11-30
            Message("u/m2", "已回复的留言", posted=date(2026, 8, 1), replied=date(2026, 8, 2)),
            Message("u/m3", "超期留言", posted=date(2026, 8, 1))]
    readings = by_subject(evaluate(SiteWatch("A", messages=msgs), RULES, TAX, NOW))
    assert readings["留言：关于路灯维修的咨询"].level == WARNING
    assert readings["留言：关于路灯维修的咨询"].countdown == 9
    assert readings["留言：超期留言"].level == VETOED
    assert "留言：已回复的留言" not in readings


# ---- history and noise control ------------------------------------------------------------------
def test_advance_keeps_since_and_records_changes():
    site = SiteWatch("A", home_seen=True, home_newest=date(2026, 11, 12))
    s1, c1 = advance({}, evaluate(site, RULES, TAX, NOW), NOW)
    key = ("A", "homepage_not_updated", "首页更新")
    assert [(c.key, c.old, c.new) for c in c1] == [(key, OK, WARNING)]
    later = NOW + timedelta(hours=3)
    s2, c2 = advance(s1, evaluate(site, RULES, TAX, later), later)
    assert c2 == [] and s2[key].since == NOW
    site.home_newest = date(2026, 11, 22)
    s3, c3 = advance(s2, evaluate(site, RULES, TAX, later), later)
    assert [(c.old, c.new) for c in c3] == [(WARNING, OK)] and s3[key].since == later


def _states(level, key=("A", "r", "s"), at=NOW):
    from scoring.watchstate import State
    return {key: State(*key, "q", level, f"level {level}", since=at)}


def test_policy_rise_recovery_quiet_hours_and_reminders():
    key = ("A", "r", "s")
    d = decide(_states(WARNING), {}, [], {}, POLICY, NOW)
    assert [(n.kind, n.level) for n in d.send] == [("rise", WARNING)]
    night = datetime(2026, 11, 22, 15, 0)       # 23:00 北京时间
    d = decide(_states(WARNING), {}, [], {}, POLICY, night)
    assert d.send == [] and d.held[0].reason == "夜间免打扰，早上发送" and d.marks == {}
    d = decide(_states(RISK), {}, [], {}, POLICY, night)
    assert [(n.kind, n.level) for n in d.send] == [("rise", RISK)]       # never held at night
    marks = {key: Mark(RISK, night)}
    assert decide(_states(RISK), marks, [], {}, POLICY, night + timedelta(hours=3)).send == []
    d = decide(_states(RISK), marks, [], {}, POLICY, night + timedelta(hours=4))
    assert [n.kind for n in d.send] == ["reminder"] and d.marks[key].at == night + timedelta(hours=4)
    d = decide({}, marks, [], {}, POLICY, NOW)
    assert [(n.kind, n.told) for n in d.send] == [("recovery", RISK)] and d.marks == {}
    # a fall that is not a recovery says nothing but ends the reminders
    d = decide(_states(WARNING), marks, [], {}, POLICY, NOW)
    assert d.send == [] and d.marks[key].level == WARNING


def test_policy_flapping_and_maintenance_hold():
    from scoring.watchstate import Change
    key = ("A", "r", "s")
    flips = [Change(*key, NOW - timedelta(minutes=10 * i), OK, WARNING, "") for i in range(5)]
    d = decide(_states(WARNING), {}, flips, {}, POLICY, NOW)
    assert d.send == [] and d.held[0].reason == "1 小时内变化 5 次，频繁波动，列入每日汇总"
    assert decide(_states(WARNING), {}, flips[:4], {}, POLICY, NOW).send != []
    window = {"A": [Declared(NOW - timedelta(hours=1), NOW + timedelta(hours=1), "维护", "机房搬迁")]}
    d = decide(_states(RISK), {}, [], window, POLICY, NOW)
    assert d.send == [] and d.held[0].reason == "维护期间（机房搬迁），不发消息"


def test_policy_night_recovery_waits_and_a_channels_floor_counts_as_clear():
    key = ("A", "r", "s")
    night = datetime(2026, 11, 22, 15, 0)       # 23:00 北京时间
    told = {key: Mark(WARNING, NOW)}
    d = decide({}, told, [], {}, POLICY, night)
    assert d.send == [] and d.held[0].reason == "夜间免打扰，早上发送" and d.marks == told
    morning = datetime(2026, 11, 23, 0, 0)      # 08:00 北京时间
    d = decide({}, told, [], {}, POLICY, morning)
    assert [(n.kind, n.detail) for n in d.send] == [("recovery", "s 已恢复正常")]
    # a county that wants 预警 and above: 提示 is 正常 to it, so a fall to 提示 is its recovery
    d = decide(_states(NOTICE), told, [], {}, POLICY, NOW, floor=WARNING)
    assert [(n.kind, n.detail) for n in d.send] == [("recovery", "level 1")]
    assert decide(_states(NOTICE), {}, [], {}, POLICY, NOW, floor=WARNING).send == []
