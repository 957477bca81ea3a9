"""govaudit demo: serve the bundled sample sites on loopback, audit them and write the report; with
--recheck, the quarter's second half too. It lives with the farm, a floor above govaudit, which
names it by path (govaudit.cli) and never imports the farm."""
from __future__ import annotations

import os
import secrets
from datetime import datetime, time, timedelta
from pathlib import Path

import click

import samplefarm
import store
from govaudit import pipeline
from govaudit.cliopts import parse_date, ranged
from govaudit.commands.terminal import console, exit_if_errors, print_probe_tally, run_audit


@click.command()
@click.option("--out", default="demo-output", show_default=True, type=click.Path(file_okay=False))
@click.option("--as-of", "as_of", default=None, callback=parse_date,
              help="监测时间点（默认为样例网站的监测时间点）")
@click.option("--timeout", type=ranged("download_timeout"), help="单个请求超时秒数")
@click.option("--db", default=None,
              help="数据库（默认每次新建 demo-output/govaudit.sqlite）；样例网站每次启动端口不同")
@click.option("--recheck", is_flag=True,
              help="再演示整改复查：样例网站整改后，按行政级别分层抽取 30% 网站复查（上次不合格的一律抽取，"
                   "计入各层抽取数），写出整改情况")
@click.option("--monitor", is_flag=True,
              help="再演示预警：按监测数据得出预警状态，发送到本机的演示用企业微信群机器人，工作簿增加“预警”表")
@click.option("--serve", "serve_port", type=click.IntRange(1, 65535), default=None, is_flag=False,
              flag_value=8765, help="最后打开网页服务（默认端口 8765），并开通演示账号，可在浏览器中查看和自查")
def demo(out, as_of, timeout, db, recheck, monitor, serve_port):
    """启动内置的样例政府网站（本机回环地址），完整检查一遍，结果写入 ./demo-output/。

    \b
    例：govaudit demo            govaudit demo --recheck    govaudit demo --monitor
        govaudit demo --serve    （检查完后在 http://127.0.0.1:8765/ 查看）
    """
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    if db is None:   # a fresh store each time: the farm's port, and so its URLs, change per run
        db_file = out_dir / "govaudit.sqlite"
        for stale in (db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm")):
            stale.unlink(missing_ok=True)
        db = str(db_file)
    with samplefarm.start() as farm:
        register = out_dir / "register.csv"
        farm.write_register(register)
        console.print(f"样例网站已启动（{len(farm.register_rows())} 个在册网站，端口 {farm.port}），"
                      f"名录：{register}")
        as_of = as_of or samplefarm.AS_OF

        def probe_step(engine, codes):
            console.print(f"首页可用性快速监测：每个网站 {samplefarm.PROBES} 次，"
                          f"记为监测时间点 {as_of} 当天")
            print_probe_tally(samplefarm.probe_sites(
                engine, pipeline.registered_sites(engine, codes), as_of, timeout))
        warn_step = None
        if monitor:
            def warn_step(engine):
                demo_warnings(engine, as_of, out_dir)
        runs = [run_audit(register, as_of, out_dir, "census-2015", None, db, (),
                          crawl_settings(farm, timeout), probe_step=probe_step, before_report=warn_step,
                          settings=demo_settings(as_of))]
        port = farm.port
    if recheck:
        runs.append(_demo_recheck(out_dir, port, as_of, db, timeout))
    if serve_port is not None:
        demo_serve(db, out_dir, port, as_of, timeout, serve_port)
    exit_if_errors(store.connect(db), [run.id for run in runs])


def demo_serve(db, out_dir: Path, port: int, as_of, timeout, serve_port: int) -> None:
    """demo --serve: the farm again, as rectified (so a county's 检查我的网站 finds what it fixed),
    demo accounts with fresh passwords printed once, warning states, and the web pages."""
    import secrets
    from govaudit.commands.serve import run_server
    from store.users import save_user
    from web.auth import hash_password
    engine = store.connect(db)
    evaluate_warnings(engine, as_of)
    accounts = [("省办", "office", "华阳省人民政府办公厅", []),
                ("清河县", "county", "清河县人民政府办公室", ["华阳省江北市清河县"]),
                ("白沙县", "county", "白沙县人民政府办公室", ["华阳省江北市白沙县"])]
    console.print("\n[bold]演示账号[/]（密码每次新生成，只显示这一次）：")
    for name, role, display, regions in accounts:
        password = secrets.token_urlsafe(9)
        save_user(engine, name, hash_password(password), role, display, regions)
        console.print(f"  {name}  密码 {password}", highlight=False)
    with samplefarm.start(port, phase="recheck") as farm:
        run_server(db, "127.0.0.1", serve_port, out_dir / "网页数据", as_of, None,
                   crawl_settings(farm, timeout))


def _demo_recheck(out_dir: Path, port: int, as_of, db, timeout):
    """The second half of a quarter: the sites rectify, the office draws the re-check sample
    (every failed site plus a share of the others) and audits it again on the same port."""
    from govaudit import spotcheck
    engine = store.connect(db)
    drawn = spotcheck.draw_and_record(engine, seed=2026, share=0.3, by=["行政级别"],
                                      include_failed_last=True)
    # drawn on the day the notices are dated, so the demo's files are the same whatever day it runs
    sample_file = spotcheck.write_sample(engine, drawn, out_dir / "复查名录.xlsx",
                                         drawn_on=demo_settings(as_of).notice_date)
    console.print(f"\n[bold]整改复查[/]：样例网站已按整改通知整改（samplefarm/spec_recheck.py）。"
                  f"\n复查抽样：{drawn.describe()}，名录：{sample_file}")
    with samplefarm.start(port, phase="recheck") as farm:
        return run_audit(sample_file, as_of, out_dir / "复查", "census-2015", None, db, (),
                         crawl_settings(farm, timeout), recheck=True, settings=demo_settings(as_of))


def crawl_settings(farm, timeout) -> dict:
    """The demo's crawl: the farm's loopback addresses allowed, its test CA trusted (so its HTTPS
    sites' certificates are judged expired or for another host, not merely untrusted), and no
    browser check (the suite's and the golden files' machines may lack Chromium)."""
    return dict(timeout=timeout, allow_net=samplefarm.ALLOW_NET, trust_ca=farm.cafile, a11y=False)


def demo_settings(as_of):
    """The notices dated a week after the farm's monitoring point, not on the day the demo runs:
    the same letters every day, and deadlines inside the years the holiday calendar knows."""
    from datetime import timedelta
    from reports.settings import load_report_config
    return load_report_config(notice_date=as_of + timedelta(days=8))


def evaluate_warnings(engine, as_of):
    """The sample sites' warning states right after their probes: (when, states)."""
    from govaudit import alerting
    from scoring.rulefile import load_ruleset
    from store import watch as rows
    # the farm's dates are fixed: its crawl counts as made at the monitoring point, as its probes do
    at = datetime.combine(as_of, time(samplefarm.PROBE_HOUR)) + timedelta(minutes=5)
    rows.stamp_crawls(engine, at - timedelta(minutes=1))
    return at, alerting.evaluate_all(engine, load_ruleset("census-2015"), at)[0]


def demo_warnings(engine, as_of, out_dir) -> None:
    """demo --monitor: the warning states of the sample sites right after their probes, sent to a
    WeCom-style robot on loopback; what it received is printed and kept in 预警消息.md."""
    from notify.deliver import send_alerts
    from notify.routing import parse_routing
    from samplefarm.robot import FakeRobot
    from scoring.rulefile import load_ruleset
    at, states = evaluate_warnings(engine, as_of)
    rs = load_ruleset("census-2015")
    with FakeRobot("wecom", key=secrets.token_hex(8)) as robot:
        os.environ["GOVAUDIT_DEMO_ROBOT_KEY"] = robot.key
        routing = parse_routing({
            "channels": {"演示群": {"type": "wecom", "url": robot.url,
                                 "key": {"env": "GOVAUDIT_DEMO_ROBOT_KEY"}}},
            "recipients": [{"name": "演示", "channels": ["演示群"], "min_level": "预警"}]}, "demo")
        deliveries = send_alerts(engine, rs, routing, at)
        received = [r["json"]["markdown"]["content"] for r in robot.accepted()]
    raised = sum(s.level >= 2 for s in states.values())
    (Path(out_dir) / "预警消息.md").write_text("\n\n".join(received), encoding="utf-8")
    ok = all(d.ok for d in deliveries)
    console.print(f"\n[bold]预警[/]：{raised} 项达到预警及以上；演示用企业微信群机器人"
                  f"{'已收到' if ok and received else '未收到'} {len(received)} 条消息"
                  f"（全文：{Path(out_dir) / '预警消息.md'}）", highlight=False)
    for line in (received[0].splitlines()[:8] if received else []):
        console.print("  " + line, highlight=False)
