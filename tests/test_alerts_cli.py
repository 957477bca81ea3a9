"""The warning commands as a person runs them: alerts (list), alerts test CHANNEL against a loopback
robot, digest when all is clear (今日无预警), declare; the routing file's mistakes in Chinese; the
monitor's schedule resumes from its job store; the states survive a PostgreSQL store too."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import yaml

import store
from govaudit import cliopts
from govaudit.cli import cli
from indicators.watched import declared_by_site
from notify import deliver
from samplefarm.robot import FakeRobot
from store import watch as rows
from notify.routing import RoutingError, load_routing
from scoring.watchstate import State

REGISTER = ("网站名称,网站标识码,首页网址,主办单位,行政级别,所属地区,网站类型\n"
            "某县人民政府,5001000001,http://127.0.0.1:9/,某县政府办,县级,某市某县,门户网站\n")


def run(capsys, *args):
    try:
        cliopts.run(cli, list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def robot():
    r = FakeRobot("wecom")
    yield r
    r.close()


@pytest.fixture
def setup(tmp_path, robot, monkeypatch):
    monkeypatch.setenv("T_CLI_WECOM", "cli-wecom-key-1")
    db = str(tmp_path / "a.sqlite")
    (tmp_path / "r.csv").write_text(REGISTER, encoding="utf-8")
    routing = tmp_path / "routing.yaml"
    routing.write_text(yaml.safe_dump({
        "channels": {"县群": {"type": "wecom", "url": robot.url, "key": {"env": "T_CLI_WECOM"}}},
        "recipients": [{"name": "县政府办", "channels": ["县群"], "regions": ["某市某县"],
                        "digest": ["daily"]}]}, allow_unicode=True), encoding="utf-8")
    return db, tmp_path / "r.csv", routing


def test_alerts_test_prints_the_platforms_answer(capsys, setup, robot):
    db, register, routing = setup
    code, out, _ = run(capsys, "alerts", "test", "县群", "--routing", str(routing), "--db", db)
    assert code == 0 and '已发送：县群' in out and '"errcode": 0' in out
    assert "收到说明“县群”通道可以正常发送预警" in robot.received[0]["json"]["markdown"]["content"]
    robot.script = [{"errcode": 93000, "errmsg": "invalid webhook url"}] * 3
    code, out, _ = run(capsys, "alerts", "test", "县群", "--routing", str(routing), "--db", db)
    assert code == 1 and "发送失败：企业微信群机器人 县群 发送失败（已尝试 3 次）" in out
    assert "cli-wecom-key-1" not in out
    code, _, err = run(capsys, "alerts", "test", "镇群", "--routing", str(routing), "--db", db)
    assert code == 2 and "接收配置中没有通道 镇群（已有：县群）" in err


def test_all_clear_digest_and_listing(capsys, setup, robot):
    db, register, routing = setup
    assert run(capsys, "sites", "import", str(register), "--db", db)[0] == 0
    code, out, _ = run(capsys, "alerts", "--db", db)
    assert code == 0 and "无预警：所有网站各项指标均在预警线以下。" in out
    code, out, _ = run(capsys, "digest", "--routing", str(routing), "--db", db, "--force")
    assert code == 0
    (sent,) = robot.received
    assert "今日无预警：所有网站各项指标均在预警线以下。" in sent["json"]["markdown"]["content"]
    # a second call the same day does not send it again (cron may call it every 10 minutes)
    code, out, _ = run(capsys, "digest", "--routing", str(routing), "--db", db)
    assert "本期汇总已发送过" in out and len(robot.received) == 1


def test_listing_shows_level_since_and_countdown(capsys, setup, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    db, register, _ = setup
    run(capsys, "sites", "import", str(register), "--db", db)
    engine = store.connect(db)
    at = datetime(2026, 11, 22, 2, 0)
    key = ("5001000001", "columns_not_updated", "栏目：通知公告")
    deliver.save_states(engine, {key: State(*key, "column_days_left", 1, "通知公告 还有 12 天达到否决线",
                                            12, 12, "http://x/tz/", at)}, [], at)
    code, out, _ = run(capsys, "alerts", "--as-of", "2026-11-22 10:00", "--db", db)
    assert code == 0 and "无预警" in out        # a replay reads observations, not stored states
    from rich.console import Console
    from govaudit.commands import alerts as alerts_cli
    from scoring.rulefile import load_ruleset
    monkeypatch.setattr(alerts_cli, "console", Console(width=250))
    alerts_cli._print_states(engine, load_ruleset("census-2015"), deliver.load_states(engine).values(), False)
    out = capsys.readouterr().out
    assert "某县人民政府（5001000001）" in out and "通知公告 还有 12 天达到否决线" in out and "12 天" in out
    assert "11-22 10:00" in out                 # since, in 北京时间


def test_declare_mutes_and_names_the_window(capsys, setup):
    db, register, _ = setup
    run(capsys, "sites", "import", str(register), "--db", db)
    code, out, _ = run(capsys, "alerts", "declare", "--site", "5001000001", "--from", "2026-12-12 10:00",
                       "--to", "2026-12-12 16:00", "--kind", "报备", "--note", "机房搬迁", "--db", db)
    assert code == 0 and "已登记 5001000001 报备：2026-12-12 10:00 至 2026-12-12 16:00（北京时间）" in out
    (d,) = declared_by_site(store.connect(db))["5001000001"]
    assert (d.start, d.end, d.kind) == (datetime(2026, 12, 12, 2), datetime(2026, 12, 12, 8), "报备")
    code, _, err = run(capsys, "alerts", "declare", "--site", "9999", "--from", "2026-12-12 10:00",
                       "--to", "2026-12-12 16:00", "--db", db)
    assert code == 2 and "网站标识码不在网站名录中：9999" in err


def test_routing_mistakes_are_named(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text(yaml.safe_dump({
        "channels": {"群": {"type": "dingtalk", "token": "abc"}, "信": {"type": "pigeon"}},
        "recipients": [{"name": "县", "channels": ["群", "微信"], "min_level": "严重"},
                       {"name": "市", "channels": ["群"], "digest": ["monthly"]}]},
        allow_unicode=True), encoding="utf-8")
    with pytest.raises(RoutingError) as err:
        load_routing(p)
    text = str(err.value)
    assert f"预警接收配置 {p}：通道 群 的 token 不能直接写在配置文件中" in text
    assert "通道 信 的 type 应为 wecom、dingtalk、feishu、webhook、smtp 之一" in text
    assert "接收人 县 的通道 微信 未在 channels 中定义" in text
    assert "接收人 县 的 min_level 应为 提示、预警、否决风险、已否决 之一，实际为 严重" in text
    assert "接收人 市 的 digest 只能是 daily（每日汇总）、weekly（每周汇总）" in text


def test_example_routing_file_loads_and_routes_by_region():
    import config
    routing = load_routing(config.path("alerts-routing.example.yaml"))
    sites = {"a": "江北区", "b": "渝中区"}
    assert routing.channel_sites("江北区企业微信群", sites) == {"a"}
    assert routing.channel_sites("市政府办钉钉群", sites) == {"a", "b"}
    assert routing.digest_channels("weekly") == ["市政府办钉钉群", "办公室邮箱"]


def test_monitor_schedule_resumes_from_its_job_store(tmp_path, setup):
    from govaudit import monitoring
    db, _, routing = setup
    ctx = monitoring.MonitorContext(db=store.db_url(db), routing_path=str(routing))
    def start_and_stop() -> dict:
        sched = monitoring.scheduler(ctx)
        jobs = {j.id: j.next_run_time for j in sched.get_jobs()}
        sched.shutdown(wait=False)
        return jobs
    first = start_and_stop()        # new jobs: due at once
    second = start_and_stop()       # a restart: the stored schedule, moved on by one interval
    third = start_and_stop()
    assert set(first) == {"probe", "watch", "alerts"}
    assert second == third and second["probe"] - first["probe"] == timedelta(hours=1)


def test_cron_lines(capsys, setup):
    db, _, routing = setup
    code, out, _ = run(capsys, "monitor", "--routing", str(routing), "--cron", "--db", db)
    assert code == 0
    assert out.splitlines()[0] == f"0 * * * * cd /srv/govaudit && .venv/bin/govaudit probe --count 1 --db {db}"
    assert f"*/10 * * * * cd /srv/govaudit && .venv/bin/govaudit alerts --send --routing {routing} --db {db}" in out


def test_states_round_trip_on_both_stores(db_url):
    engine = store.connect(db_url)
    at = datetime(2026, 11, 22, 2, 0)
    key = ("5001", "site_unreachable", "首页无法访问比例")
    state = State(*key, "failed_share", 3, "本周监测 168 次…", 0.0417, None, "http://x/", at)
    from scoring.watchstate import Change
    deliver.save_states(engine, {key: state}, [Change(*key, at, 2, 3, "…")], at)
    assert deliver.load_states(engine) == {key: state}
    assert [c.new for c in deliver.changes_between(engine, until=at + timedelta(hours=1))] == [3]
    engine.dispose()


def test_a_channel_without_its_credential_is_a_failed_send_naming_it(capsys, setup, monkeypatch):
    db, _, routing = setup
    monkeypatch.delenv("T_CLI_WECOM")
    code, out, _ = run(capsys, "alerts", "test", "县群", "--routing", str(routing), "--db", db)
    assert code == 1 and "发送失败：通道 县群 的 key：环境变量 T_CLI_WECOM 未设置" in out
    (logged,) = rows.send_rows(store.connect(db), "县群")
    assert not logged["ok"] and "T_CLI_WECOM 未设置" in logged["error"]
