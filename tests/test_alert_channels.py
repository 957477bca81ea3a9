"""The five delivery clients against loopback fake platforms that record what arrived: success is
the platform's code, not HTTP 200; refusals are retried with backoff then reported failed with the
platform's answer; ≤ 20 a minute per robot; secrets come from env / owner-only files and never
appear in what the client returns."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest

import config
from notify.channels import RateLimit, make
from notify.compose import split
from notify.credentials import CredentialError, resolve
from samplefarm.robot import FakeRobot
from tests.fakerobots import FakeSMTP

SETTINGS = {**config.load_yaml("alerts.yaml")["delivery"],
            "size_limits": config.load_yaml("alerts.yaml")["size_limits"]}


class FakeClock:
    def __init__(self, at=datetime(2026, 11, 22, 2, 0)):
        self.at, self.slept = at, []

    def now(self):
        return self.at

    def sleep(self, seconds):
        self.slept.append(round(seconds, 3))
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def robots():
    made = []

    def start(kind, **kw):
        r = FakeRobot(kind, **kw)
        made.append(r)
        return r
    yield start
    for r in made:
        r.close()


def test_wecom_success_is_errcode_zero_and_refusal_is_retried_then_failed(robots, monkeypatch):
    monkeypatch.setenv("T_WECOM_KEY", "wk-SECRET-123")
    robot = robots("wecom")
    clock = FakeClock()
    ch = make("县政府办群", {"type": "wecom", "url": robot.url + "cgi-bin/webhook/send",
                         "key": {"env": "T_WECOM_KEY"}}, SETTINGS, clock)
    ok = ch.send("标题", "### 预警\n- 某县：首页无法访问")
    assert ok.ok and ok.attempts == 1 and '"errcode": 0' in ok.answer
    got = robot.received[0]
    assert got["query"] == {"key": "wk-SECRET-123"}
    assert got["json"] == {"msgtype": "markdown", "markdown": {"content": "### 预警\n- 某县：首页无法访问"}}
    # HTTP 200 with errcode 93000 (invalid key) three times: retried with backoff, then failed
    robot.script = [{"errcode": 93000, "errmsg": "invalid webhook url, hint: wk-SECRET-123"}] * 3
    bad = ch.send("标题", "正文")
    assert not bad.ok and bad.attempts == 3
    assert len(robot.received) == 4
    assert clock.slept == [2, 4]
    assert "errcode=93000" in bad.error and "企业微信群机器人 县政府办群 发送失败（已尝试 3 次）" in bad.error
    assert "wk-SECRET-123" not in bad.answer + bad.error and "***" in bad.answer


def test_wecom_refused_once_then_accepted(robots, monkeypatch):
    monkeypatch.setenv("T_WECOM_KEY", "wk-key-1")
    robot = robots("wecom")
    robot.script = [{"errcode": 45009, "errmsg": "api freq out of limit"}, 502]
    clock = FakeClock()
    ch = make("群", {"type": "wecom", "url": robot.url, "key": {"env": "T_WECOM_KEY"}}, SETTINGS, clock)
    res = ch.send("t", "x")
    assert res.ok and res.attempts == 3 and clock.slept == [2, 4]
    assert [r["answer"] for r in robot.received] == [
        {"errcode": 45009, "errmsg": "api freq out of limit"}, 502, {"errcode": 0, "errmsg": "ok"}]


def test_dingtalk_signs_and_adds_its_keyword(robots, monkeypatch):
    monkeypatch.setenv("T_DT_TOKEN", "dt-token")
    monkeypatch.setenv("T_DT_SECRET", "SEC-dingtalk")
    robot = robots("dingtalk", secret="SEC-dingtalk", keyword="网站预警")
    ch = make("钉钉值班群", {"type": "dingtalk", "url": robot.url + "robot/send",
                        "token": {"env": "T_DT_TOKEN"}, "secret": {"env": "T_DT_SECRET"},
                        "keyword": "网站预警"}, SETTINGS, FakeClock())
    res = ch.send("政府网站预警", "- 某县：首页 10 天无更新")
    assert res.ok, res.error
    got = robot.received[0]
    assert got["query"]["access_token"] == "dt-token"
    assert got["query"]["timestamp"] == str(int(datetime(2026, 11, 22, 2, 0, tzinfo=timezone.utc)
                                                 .timestamp() * 1000))
    assert got["json"]["markdown"]["text"] == "【网站预警】- 某县：首页 10 天无更新"
    # the same robot, the client with a wrong secret: refused (310000), retried, failed
    monkeypatch.setenv("T_DT_SECRET", "wrong")
    bad = make("钉钉值班群", {"type": "dingtalk", "url": robot.url, "token": {"env": "T_DT_TOKEN"},
                         "secret": {"env": "T_DT_SECRET"}, "keyword": "网站预警"},
               SETTINGS, FakeClock()).send("t", "网站预警 x")
    assert not bad.ok and "errcode=310000，sign not match" in bad.error
    assert len(robot.received) == 1 + 3


def test_dingtalk_keyword_missing_is_a_failure_not_a_success(robots, monkeypatch):
    monkeypatch.setenv("T_DT_TOKEN", "dt-tok-1")
    robot = robots("dingtalk", keyword="预警")
    # the office forgot to configure the keyword: HTTP 200, errcode 310000 → failed
    res = make("群", {"type": "dingtalk", "url": robot.url, "token": {"env": "T_DT_TOKEN"}},
               SETTINGS, FakeClock()).send("t", "首页无法访问")
    assert not res.ok and "keywords not in content" in res.error
    assert robot.accepted() == []


def test_feishu_card_signed(robots, monkeypatch):
    monkeypatch.setenv("T_FS_TOKEN", "fs-hook")
    monkeypatch.setenv("T_FS_SECRET", "fs-secret")
    robot = robots("feishu", secret="fs-secret")
    res = make("飞书群", {"type": "feishu", "url": robot.url + "open-apis/bot/v2/hook/",
                       "token": {"env": "T_FS_TOKEN"}, "secret": {"env": "T_FS_SECRET"}},
               SETTINGS, FakeClock()).send("政府网站预警", "**预警** 某县")
    assert res.ok, res.error
    got = robot.received[0]
    assert got["path"] == "/open-apis/bot/v2/hook/fs-hook"
    assert got["json"]["msg_type"] == "interactive"
    assert got["json"]["card"]["header"]["title"]["content"] == "政府网站预警"
    assert got["json"]["card"]["elements"] == [{"tag": "markdown", "content": "**预警** 某县"}]
    robot.script = [{"code": 9499, "msg": "Bad Request"}] * 3
    bad = make("飞书群", {"type": "feishu", "url": robot.url, "token": {"env": "T_FS_TOKEN"}},
               SETTINGS, FakeClock()).send("t", "x")
    assert not bad.ok and "code=9499" in bad.error


def test_webhook_json_and_refusal(robots, monkeypatch):
    robot = robots("webhook")
    monkeypatch.setenv("T_HOOK", robot.url + "hook?token=abc")
    ch = make("hook", {"type": "webhook", "url": {"env": "T_HOOK"}}, SETTINGS, FakeClock())
    assert ch.send("标题", "正文").ok
    assert robot.received[0]["json"] == {"title": "标题", "text": "正文", "source": "govaudit"}
    robot.script = [500, {"ok": False, "error": "quota"}, 404]
    bad = ch.send("标题", "正文")
    assert not bad.ok and bad.error.endswith("HTTP 404")
    assert [r["answer"] for r in robot.received[1:]] == [500, {"ok": False, "error": "quota"}, 404]


def test_smtp_starttls_auth_and_refused_recipient(tmp_path, monkeypatch):
    monkeypatch.setenv("T_SMTP_PW", "mail-pw-987")
    server = FakeSMTP(tmp_path, "alert@gov.test", "mail-pw-987", refuse=("nobody@gov.test",))
    try:
        cfg = {"type": "smtp", "host": "127.0.0.1", "port": server.port, "cafile": str(server.cafile),
               "user": "alert@gov.test", "password": {"env": "T_SMTP_PW"},
               "from": "alert@gov.test", "to": ["office@gov.test"]}
        clock = FakeClock()
        res = make("办公室邮箱", cfg, SETTINGS, clock).send("政府网站预警", "某县：首页无法访问")
        assert res.ok, res.error
        assert server.logins == [True]
        (msg,) = server.received
        assert msg["Subject"] == "政府网站预警" and msg["To"] == "office@gov.test"
        assert msg.get_content().strip() == "某县：首页无法访问"
        bad = make("办公室邮箱", {**cfg, "to": ["nobody@gov.test"]}, SETTINGS, clock).send("t", "x")
        assert not bad.ok and bad.attempts == 3 and "nobody@gov.test（550）" in bad.error
        assert server.refused == ["nobody@gov.test"] * 3 and len(server.received) == 1
        assert "mail-pw-987" not in bad.error + bad.answer
    finally:
        server.close()


def test_rate_limit_twenty_a_minute_per_robot(robots, monkeypatch):
    monkeypatch.setenv("T_WECOM_KEY", "wk-key-1")
    robot = robots("wecom")
    clock = FakeClock()
    ch = make("群", {"type": "wecom", "url": robot.url, "key": {"env": "T_WECOM_KEY"}}, SETTINGS, clock)
    start = clock.now()
    for n in range(21):
        clock.at += timedelta(seconds=1)
        assert ch.send("t", f"第 {n} 条").ok
    # 20 went out at seconds 1..20; the 21st waited until 60 s after the first
    assert clock.slept == [40]
    assert clock.now() - start == timedelta(seconds=61)
    # sends logged before this process (seeded from the store) count too
    limit = RateLimit(20, clock, [clock.now() - timedelta(seconds=30)] * 20)
    limit.wait()
    assert clock.slept[-1] == 30


def test_credentials_env_or_owner_only_file(tmp_path, monkeypatch):
    monkeypatch.delenv("T_NOT_SET", raising=False)
    with pytest.raises(CredentialError, match="不能直接写在配置文件中"):
        resolve("plain-secret", "通道 群 的 key")
    with pytest.raises(CredentialError, match="环境变量 T_NOT_SET 未设置"):
        resolve({"env": "T_NOT_SET"}, "通道 群 的 key")
    f = tmp_path / "dingtalk.secret"
    f.write_text("SEC-file\n")
    os.chmod(f, 0o644)
    with pytest.raises(CredentialError, match="其他用户也可读写，请执行 chmod 600"):
        resolve({"file": str(f)}, "通道 群 的 secret")
    os.chmod(f, 0o600)
    assert resolve({"file": str(f)}, "通道 群 的 secret") == "SEC-file"
    with pytest.raises(CredentialError, match="通道 群：缺少 key"):
        make("群", {"type": "wecom"}, SETTINGS, FakeClock())


def test_split_to_the_platform_limit():
    body = "\n".join(f"- 第 {i} 个网站：首页当前无法访问，自 11-22 10:00 起连续 3 次失败" for i in range(200))
    parts = split(body, 4000)
    assert len(parts) > 1 and all(len(p.encode()) <= 4000 for p in parts)
    assert parts[1].startswith(f"（续 2/{len(parts)}）\n")
    rejoined = "\n".join(p.split("\n", 1)[1] if i else p for i, p in enumerate(parts))
    assert rejoined == body
    assert split("短", 4000) == ["短"]
