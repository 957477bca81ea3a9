"""Commands of the early warnings: watch | alerts [--send] [--as-of] | alerts test CHANNEL |
alerts declare | digest. Each parses its options and calls one pipeline function (govaudit.alerting,
notify.deliver, crawler.watch)."""
from __future__ import annotations

import sys
from datetime import datetime, time, timedelta

import click
from rich.console import Console
from rich.table import Table

import store
from govaudit.cliopts import allow_net_option, db_option
from govaudit.errors import AuditError

console = Console(soft_wrap=True)   # no line breaks inside a platform answer or a URL
ROUTING_HELP = "预警接收配置（YAML，示例见 config/alerts-routing.example.yaml）"


def parse_moment(ctx, param, value):
    """'YYYY-MM-DD HH:MM' or 'YYYY-MM-DD' (北京时间; a date alone means the end of that day) → UTC."""
    if value is None:
        return None
    from scoring.watchstate import BEIJING
    from zoneinfo import ZoneInfo
    try:
        when = datetime.fromisoformat(value) if len(value) > 10 else \
            datetime.combine(datetime.fromisoformat(value).date(), time(23, 59, 59))
    except ValueError:
        raise click.BadParameter(f"“{value}”不是有效时间，应为 YYYY-MM-DD 或 “YYYY-MM-DD HH:MM”（北京时间）")
    return when.replace(tzinfo=BEIJING).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


moment_option = click.option("--as-of", "as_of", callback=parse_moment, metavar="'YYYY-MM-DD HH:MM'",
                             help="按当时已记录的数据重算预警状态（北京时间；只写日期为当天结束时），不发送、不写入")
ruleset_option = click.option("--ruleset", default="census-2015", show_default=True,
                              help="读取其中的预警线（规则旁的 warnings:）")


def _routing(path):
    from notify.routing import load_routing
    return load_routing(path)


def _ruleset(name):
    from scoring.rulefile import load_ruleset
    return load_ruleset(name)


def _clock():
    from crawler.probe import SystemClock
    return SystemClock()


@click.command()
@click.option("--site", "sites", multiple=True, help="只看这些网站标识码（可重复）")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), help="单个请求超时秒数（默认 15）")
@allow_net_option
@db_option
def watch(sites, timeout, allow_net, db):
    """复查各网站首页和上次抓取发现的全部栏目首页（条件请求：未变化的页面只回 304），记录最新日期和条数。

    \b
    例：govaudit watch            （可由 cron 每 6 小时运行）
    """
    from govaudit import pipeline
    from crawler.watch import watch_sites
    engine = store.connect(db)
    targets = pipeline.registered_sites(engine, sites or None)
    if not targets:
        raise AuditError("网站名录为空：请先运行 govaudit sites import 名录文件")
    tally = watch_sites(engine, targets, _clock(), timeout, allow_net=allow_net)
    table = Table("网站标识码", "页面", "已更新(200)", "未变化(304)", "失败")
    for code, t in sorted(tally.items()):
        ok = t.get(200, 0) + t.get(304, 0)
        table.add_row(code, str(sum(t.values())), str(t.get(200, 0)), str(t.get(304, 0)),
                      str(sum(t.values()) - ok))
    console.print(table)


@click.group(invoke_without_command=True)
@click.option("--send", is_flag=True, help="重算预警状态并按接收配置发送（每个通道每次一条汇总消息）")
@click.option("--routing", type=click.Path(exists=True, dir_okay=False), help=ROUTING_HELP)
@moment_option
@ruleset_option
@click.option("--all", "show_all", is_flag=True, help="也列出“正常”的项目")
@db_option
@click.pass_context
def alerts(ctx, send, routing, as_of, ruleset, show_all, db):
    """预警状态：各网站距单项否决还有多远（正常/提示/预警/否决风险/已否决）。

    \b
    例：govaudit alerts                              列出当前预警
        govaudit alerts --send --routing 接收配置.yaml  重算并发送（cron 每 10 分钟）
        govaudit alerts --as-of '2026-11-22 12:00'     按当时的数据重算
        govaudit alerts test 市政府办钉钉群 --routing 接收配置.yaml   发送测试消息
        govaudit alerts declare --site 5001 --from '2026-11-22 22:00' --to '2026-11-23 02:00' --kind 维护
    """
    if ctx.invoked_subcommand:
        ctx.obj = {"routing": routing, "db": db}
        return
    from govaudit import alerting
    from notify import deliver
    if send and not routing:
        raise click.UsageError("--send 需要 --routing 接收配置文件")
    if send and as_of:
        raise click.UsageError("--as-of 只重算、不发送，不能与 --send 同用")
    engine = store.connect(db)
    rs = _ruleset(ruleset)
    if as_of:
        states = alerting.states_as_of(engine, rs, as_of)
    else:
        now = _clock().now()
        states, changes = alerting.evaluate_all(engine, rs, now)
        for c in changes:
            console.print(f"变化：{c.site} {c.subject} {_level(c.old)} → {_level(c.new)}", highlight=False)
    _print_states(engine, rs, states.values(), show_all)
    if send:
        deliveries = deliver.send_alerts(engine, rs, _routing(routing), _clock().now(), _clock())
        _print_deliveries(deliveries)
        if any(not d.ok for d in deliveries):
            sys.exit(1)     # a send the platform refused is a failure cron should see


def _level(n: int) -> str:
    from scoring.warnings import LEVELS
    return LEVELS[n]


_STYLE = {0: "green", 1: "cyan", 2: "yellow", 3: "red", 4: "bold red"}


def _print_states(engine, ruleset, states, show_all: bool) -> None:
    from govaudit.pipeline import registered_sites
    from scoring.watchstate import bj_text
    names = {s.code: s.name for s in registered_sites(engine)}
    shown = sorted((s for s in states if show_all or s.level > 0), key=lambda s: (-s.level, s.key))
    if not shown:
        console.print("无预警：所有网站各项指标均在预警线以下。")
        return
    table = Table("网站", "规则", "项目", "级别", "自", "倒计时", "说明")
    for s in shown:
        table.add_row(f"{names.get(s.site, '')}（{s.site}）", ruleset.title_of(s.rule), s.subject,
                      f"[{_STYLE[s.level]}]{_level(s.level)}[/]",
                      bj_text(s.since) if s.since else "",
                      f"{s.countdown} 天" if s.countdown is not None else "", s.detail)
    console.print(table)


def _print_deliveries(deliveries) -> None:
    for d in deliveries:
        for r in d.results:
            if r.ok:
                console.print(f"已发送：{d.channel}（{d.lines} 项）平台应答 {r.answer}", highlight=False)
            else:
                console.print(f"[red]发送失败：[/]{r.error}；平台应答 {r.answer or '无'}", highlight=False)
        for h in d.held:
            console.print(f"暂不发送：{d.channel} {h.key[0]} {h.key[2]}：{h.reason}", highlight=False)


@alerts.command("test")
@click.argument("channel")
@click.option("--routing", "routing_path", type=click.Path(exists=True, dir_okay=False), help=ROUTING_HELP)
@db_option
@click.pass_context
def alerts_test(ctx, channel, routing_path, db):
    """向一个通道发送测试消息，并显示平台的应答（平台拒收时退出码为 1）。

    \b
    例：govaudit alerts test 市政府办钉钉群 --routing 接收配置.yaml
    """
    from notify import deliver
    routing_path = routing_path or ctx.obj["routing"]
    if not routing_path:
        raise click.UsageError("需要 --routing 接收配置文件")
    routing = _routing(routing_path)
    if channel not in routing.channels:
        raise AuditError(f"接收配置中没有通道 {channel}（已有：{'、'.join(routing.channels)}）")
    engine = store.connect(db or ctx.obj["db"])
    d = deliver.send_test(routing, channel, engine, _clock().now(), _clock())
    _print_deliveries([d])
    if not d.ok:
        sys.exit(1)


@alerts.command("declare")
@click.option("--site", "code", required=True, help="网站标识码")
@click.option("--from", "start", required=True, callback=parse_moment, help="开始（北京时间）")
@click.option("--to", "end", required=True, callback=parse_moment, help="结束（北京时间）")
@click.option("--kind", type=click.Choice(["维护", "报备"]), default="维护", show_default=True)
@click.option("--note", default="", help="说明，例如 机房搬迁")
@db_option
@click.pass_context
def alerts_declare(ctx, code, start, end, kind, note, db):
    """登记维护时段或报备的中断：期间不发预警消息，数据照常记录，报告同时给出扣除后的比例。

    \b
    例：govaudit alerts declare --site 9901230001 --from '2026-12-12 10:00' --to '2026-12-12 16:00' --note 机房搬迁
    """
    from govaudit import pipeline
    from store import watch as rows
    if end <= start:
        raise click.BadParameter("结束时间应晚于开始时间", param_hint="--to")
    engine = store.connect(db or ctx.obj["db"])
    pipeline.registered_sites(engine, [code])
    rows.declare(engine, code, start, end, kind, note)
    console.print(f"已登记 {code} {kind}：{start + timedelta(hours=8):%Y-%m-%d %H:%M} 至 "
                  f"{end + timedelta(hours=8):%Y-%m-%d %H:%M}（北京时间）", highlight=False)


@click.command()
@click.option("--routing", required=True, type=click.Path(exists=True, dir_okay=False), help=ROUTING_HELP)
@click.option("--weekly", is_flag=True, help="发送每周汇总（本周中断、临近否决线的栏目与留言）")
@click.option("--force", is_flag=True, help="不论今天/本周是否已发送过都发送")
@ruleset_option
@db_option
@click.pass_context
def digest(ctx, routing, weekly, force, ruleset, db):
    """每日预警汇总（北京时间 08:30 起，每天一次；全部正常也发送“今日无预警”）或每周汇总。

    \b
    例：govaudit digest --routing 接收配置.yaml       （cron 可频繁调用：当天已发送则跳过）
    """
    import config
    from govaudit import alerting
    from notify import deliver
    kind = "weekly" if weekly else "daily"
    engine = store.connect(db)
    now = _clock().now()
    if not force and not deliver.digest_due(engine, kind, now, config.load_yaml("alerts.yaml")["digest"][kind]):
        console.print("本期汇总已发送过（或尚未到发送时间），跳过；--force 可强制发送")
        return
    rs = _ruleset(ruleset)
    alerting.evaluate_all(engine, rs, now)
    deliveries = deliver.send_digest(engine, rs, _routing(routing), now, kind, _clock())
    _print_deliveries(deliveries)
    if any(not d.ok for d in deliveries):
        sys.exit(1)


def run_monitor(db, routing_path: str, show_cron: bool, allow_net=()) -> None:
    """monitor --routing: the scheduler in this process until Ctrl-C (or the cron lines)."""
    import time as _time
    from govaudit import monitoring
    if show_cron:
        for line in monitoring.cron_lines(db or "govaudit.sqlite", routing_path):
            click.echo(line)
        return
    _routing(routing_path)
    sched = monitoring.scheduler(monitoring.MonitorContext(db=store.db_url(db), routing_path=routing_path,
                                                          allow_net=tuple(allow_net)))
    sched.resume()
    for job in sched.get_jobs():
        console.print(f"{job.id}：下次运行 {job.next_run_time:%Y-%m-%d %H:%M}（北京时间）", highlight=False)
    try:
        while True:
            _time.sleep(60)
    finally:
        sched.shutdown(wait=False)
