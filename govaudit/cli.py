"""govaudit command line: sites import | probe | monitor | crawl | score | report | audit | review | demo.

Each command maps to one stage of govaudit.pipeline; every command takes --db (or $GOVAUDIT_DB).
"""
from __future__ import annotations

import shlex
import signal
import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from govaudit import cliopts, pipeline, runlock
import store
from govaudit.cliopts import allow_net_option, as_of_option, db_option, parse_date, ranged
from govaudit.pipeline import AuditError
from govaudit.alerts_cli import alerts, digest, watch
from govaudit.rules_cli import rules

console = Console()
err = cliopts.err


def report_options(f):
    from reports.settings import GROUP_FIELDS
    for opt in reversed([
        click.option("--notices/--no-notices", default=True, show_default=True,
                     help="是否为有问题的网站生成整改通知（notices/网站标识码.docx）"),
        click.option("--group-by", type=click.Choice(list(GROUP_FIELDS)),
                     help="排名分组（默认取报告设置 group_by，不设则不分组）"),
        click.option("--report-config", type=click.Path(exists=True, dir_okay=False),
                     help="报告设置文件（YAML，格式见 config/report.yaml）"),
    ]):
        f = opt(f)
    return f


def _report_settings(report_config, group_by):
    from reports.settings import load_report_config
    return load_report_config(report_config, group_by=group_by)


terms_option = click.option("--terms", type=click.Path(dir_okay=False),
                            help="自定义受保护名称文件（一行一个，如本省领导姓名、县名），与内置名称一起检查错写")


def crawl_options(f):
    for opt in reversed([
        click.option("--site", "sites", multiple=True, help="只抓取这些网站标识码（可重复）"),
        click.option("--timeout", type=ranged("download_timeout"), help="单个请求超时秒数（默认 15）"),
        click.option("--per-host", type=ranged("concurrent_requests_per_host"),
                     help="每个主机的并发请求数（默认 4）"),
        click.option("--page-budget", type=ranged("page_budget"),
                     help="每个网站最多抓取的页面数（默认 5000）"),
        click.option("--workers", type=ranged("workers"),
                     help="抓取进程数（默认为 CPU 核数）；每个网站只由一个进程抓取"),
        allow_net_option,
        # Kept so older scripts still run: resume state now lives in the store, per site.
        click.option("--jobdir-root", default=".govaudit-jobs", hidden=True),
    ]):
        f = opt(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govaudit", prog_name="govaudit", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="出错时显示详细的出错位置（traceback）")
def cli(debug):
    """govaudit：按全国政府网站普查规则检查政府网站。"""


@cli.group()
def sites():
    """网站名录（政府网站基本信息表）。

    \b
    示例：govaudit sites import 政府网站基本信息表.xlsx
    """


@sites.command("import")
@click.argument("register", type=click.Path(dir_okay=False))
@db_option
def sites_import(register, db):
    """导入网站名录（.xlsx 或 .csv），按网站标识码更新。

    \b
    示例：govaudit sites import 政府网站基本信息表.xlsx --db govaudit.sqlite
    """
    result = _import(store.connect(db), register)
    console.print(f"已导入 {len(result.sites)} 个网站"
                  + (f"，{_errors(result)} 行有错误未导入" if _errors(result) else ""))


@sites.command("list")
@click.option("--region", help="只列出所属地区包含这些字的网站")
@click.option("--level", help="只列出该行政级别的网站（省级/地市级/县级/乡镇，也接受 市级 等写法）")
@click.option("--limit", type=ranged("list_limit"), default=100, show_default=True,
              help="最多列出多少个网站")
@db_option
def sites_list(region, level, limit, db):
    """列出名录中的网站（可按地区、行政级别筛选）。

    \b
    示例：govaudit sites list --region 华阳 --level 县级 --limit 20
    """
    shown, total = pipeline.list_sites(store.connect(db), region=region, level=level, limit=limit)
    table = Table("网站标识码", "网站名称", "首页网址", "行政级别", "所属地区", "网站类型")
    for s in shown:
        table.add_row(s.code, s.name, s.home_url, s.level, s.region, s.site_type)
    console.print(table)
    more = f"，只列出前 {len(shown)} 个（用 --limit 调整）" if total > len(shown) else ""
    console.print(f"共 {total} 个网站{more}")


@cli.command()
@click.option("--share", help="抽查比例，如 30% 或 0.3（与 --count 二选一）")
@click.option("--count", type=cliopts.IntRange(min=1), help="抽查网站数（与 --share 二选一）")
@click.option("--by", default="", help="分层字段，逗号分隔：行政级别,网站类型,所属地区")
@click.option("--min", "minimum", type=cliopts.IntRange(min=0), default=1, show_default=True,
              help="每层至少抽取的网站数")
@click.option("--include-failed-last", is_flag=True, help="上次检查不合格的网站一律抽取")
@click.option("--seed", type=int, required=True, help="随机种子（相同种子、相同名录得到相同样本）")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="样本名录文件（.xlsx 或 .csv），可直接交给 govaudit audit")
@db_option
def sample(share, count, by, minimum, include_failed_last, seed, out, db):
    """按比例或数量分层随机抽取网站（季度抽查）。

    \b
    例：govaudit sample --share 30% --by 行政级别,网站类型 --seed 2026 --out 抽查名录.xlsx
    """
    from govaudit import sampling, spotcheck
    engine = store.connect(db)
    try:
        drawn = spotcheck.draw_and_record(
            engine, seed=seed, share=sampling.parse_share(share) if share else None, count=count,
            by=[b.strip() for b in by.replace("，", ",").split(",") if b.strip()],
            minimum=minimum, include_failed_last=include_failed_last)
        path = spotcheck.write_sample(engine, drawn, out)
    except sampling.SampleError as exc:
        raise AuditError(str(exc)) from exc
    console.print(f"{drawn.describe()}\n样本名录：{path}")


@cli.command()
@click.argument("url")
@click.option("--name", help="网站名称（默认为主机名）")
@click.option("--type", "site_type", default="门户网站", show_default=True, help="门户网站 或 部门网站")
@click.option("--code", help="网站标识码（默认为主机名）")
@click.option("--as-of", "as_of", default=None, callback=parse_date, help="监测时间点（默认今天）")
@click.option("--ruleset", default="census-2015", show_default=True)
@click.option("--out", type=click.Path(file_okay=False), help="结果目录（默认 ./自查结果-<主机名>/）")
@click.option("--timeout", type=ranged("download_timeout"), help="单个请求超时秒数（默认 15）")
@click.option("--page-budget", type=ranged("page_budget"), help="最多抓取的页面数（默认 5000）")
@allow_net_option
def check(url, name, site_type, code, as_of, ruleset, out, timeout, page_budget, allow_net):
    """自查：不用名录、不用建库，检查一个网站并逐条说明问题和整改办法。

    \b
    再次运行同一目录时自动与上次比较，列出已整改、未整改和新增的问题。
    例：govaudit check http://www.example.gov.cn/ --name 某某县人民政府
    """
    from govaudit import history, selfcheck
    out_dir = Path(out) if out else selfcheck.default_out(url)
    out_dir.mkdir(parents=True, exist_ok=True)
    db = str(out_dir / "govaudit.sqlite")
    engine = store.connect(db)
    try:
        site = selfcheck.register_site(engine, url, name, site_type, code)
    except selfcheck.CheckError as exc:
        raise AuditError(str(exc)) from exc
    console.print(f"自查：{site.name}  {site.home_url}")
    run = _crawl(engine, db, [site.code], dict(timeout=timeout, page_budget=page_budget,
                                               allow_net=allow_net), out_dir / "jobs", resume=False)
    sid = pipeline.score(engine, as_of or date.today(), ruleset, None, run.id)
    try:
        rc = history.recheck(engine, after=sid)
    except history.HistoryError:
        rc = None                                  # the first check of this site
    # a self-check reports to the site's own staff: no rectification notice to itself
    path = pipeline.write_reports(engine, out_dir, sid, recheck=rc, notices=False)
    _print_check(engine, sid, rc, run)
    console.print(f"报告：{path / 'ranking.xlsx'}  {path / 'results.json'}")
    _exit_if_crawl_errors(engine, [run])


def _print_check(engine, score_run, rc, run):
    from govaudit import selfcheck
    from govaudit.recheck import FIXED, NEW, OPEN
    from reports.model import crawl_errors_text
    row, found, not_judged = selfcheck.sections(engine, score_run)
    if row.qualified is None:
        console.print(f"[red]未能评估[/]：{row.note or '首页无法访问'}")
        return
    verdict = "[green]合格[/]" if row.qualified else "[red]不合格[/]"
    errors = [pipeline.crawl_errors_of(sc) for sc in pipeline.crawl_error_sites(engine, run.id)]
    if errors:   # never a bare 合格 on a crawl that had errors
        verdict += f"[yellow]（抓取不完整：{crawl_errors_text(errors[0])}）[/]"
    console.print(f"\n结论：{verdict}  得分 {'—' if row.score is None else f'{row.score:g}'}")
    for sec in found:
        head = "单项否决" if sec.veto else f"扣 {sec.points:g} 分"
        console.print(f"\n[bold]【{sec.title}】{head}[/]")
        for f in sec.findings[:20]:
            where = f" 所在页面 {f['source_url']}" if f.get("source_url") else ""
            console.print(f"  · {f.get('title') or ''} {f['url']}  {f['evidence']}{where}")
        if len(sec.findings) > 20:
            console.print(f"  …… 另有 {len(sec.findings) - 20} 条，见 ranking.xlsx 问题清单")
        if sec.hint:
            console.print(f"  整改办法：{sec.hint}")
    if not found:
        console.print("未发现扣分或否决问题。")
    if not_judged:
        console.print("\n[bold]本次无法判定的规则[/]")
        for nj in not_judged:
            console.print(f"  · {nj.title}：{nj.how}")
    if rc is not None and rc.sites:
        s = rc.sites[0]
        console.print(f"\n与上次自查（{rc.before.as_of:%Y-%m-%d}）相比：已整改 {s.count(FIXED)}，"
                      f"未整改 {s.count(OPEN)}，新增 {s.count(NEW)}")


@cli.command()
@click.option("--before", type=cliopts.RUN_ID, help="复查前的评分批次（默认：同一批网站的上一次检查）")
@click.option("--after", type=cliopts.RUN_ID, help="复查的评分批次（默认：最近一次检查）")
@click.option("--out", type=click.Path(file_okay=False),
              help="写出复查报告的目录（ranking.xlsx 含整改情况表、results.json 含 recheck、复查通知）")
@db_option
def compare(before, after, out, db):
    """整改复查：比较两次检查，逐条列出已整改、未整改、新增的问题。

    \b
    例：govaudit compare --out 复查结果/
    """
    from govaudit import history
    engine = store.connect(db)
    try:
        rc = history.recheck(engine, before, after)
    except history.HistoryError as exc:
        raise AuditError(str(exc)) from exc
    _print_recheck(rc)
    if out:
        path = pipeline.write_reports(engine, out, rc.after.score_run, recheck=rc)
        _print_outputs(path, True)


def _print_recheck(rc) -> None:
    from govaudit.recheck import FIXED, NEW, OPEN, UNVERIFIED
    console.print(f"复查前：{rc.before.label}；复查：{rc.after.label}")
    table = Table("网站", "复查前", "复查后", "已整改", "未整改", "新增", "未能复查", "整改率")
    for s in rc.sites:
        table.add_row(f"{s.name}（{s.code}）", _verdict_cell(s.before), _verdict_cell(s.after),
                      str(s.count(FIXED)), str(s.count(OPEN)), str(s.count(NEW)),
                      str(s.count(UNVERIFIED)), "—" if s.rate is None else f"{s.rate:.0%}")
    console.print(table)


def _verdict_cell(a) -> str:
    from reports.recheck_xlsx import verdict_text
    return verdict_text(a.qualified) + ("" if a.score is None else f" {a.score:g}")


@cli.command()
@click.option("--by", type=click.Choice(["所属地区", "行政级别", "网站类型"]), default=None,
              help="分组字段（默认不分组）")
@click.option("--ruleset", default=None, help="只看按此规则集评分的检查")
@click.option("--out", type=click.Path(dir_okay=False), help="写出趋势工作簿（.xlsx，含走势图）")
@db_option
def trend(by, ruleset, out, db):
    """历次检查的合格率、平均分和各规则问题数走势。

    \b
    例：govaudit trend --by 所属地区 --out 检查趋势.xlsx
    """
    from govaudit import history
    from govaudit.trend import trend as compute
    engine = store.connect(db)
    rows = compute(history.trend_input(engine, by, ruleset))
    if not rows:
        raise AuditError("库中还没有评分结果：请先运行 govaudit audit")
    titles = _rule_titles(ruleset)
    table = Table("监测时间点", "批次", by or "范围", "网站数", "合格", "合格率", "平均分", "主要问题")
    for t in rows:
        top = sorted(t.rule_sites.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        table.add_row(f"{t.as_of:%Y-%m-%d}", str(t.audit), t.group, str(t.sites), str(t.qualified),
                      "—" if t.pass_rate is None else f"{t.pass_rate:.0%}",
                      "—" if t.average is None else f"{t.average:g}",
                      "、".join(f"{titles(r)} {n}" for r, n in top))
    console.print(table)
    if out:
        from reports.trend_xlsx import write_trend
        console.print(f"趋势工作簿：{write_trend(rows, by or '', titles, out)}")


def _rule_titles(ruleset: str | None):
    from scoring.ruleset import load_ruleset
    rs = load_ruleset(ruleset or "census-2015")
    known = set(rs.rule_ids())
    return lambda r: rs.title_of(r) if r in known else r


broker_option = click.option("--broker", envvar="GOVAUDIT_BROKER", default=None,
                             help="任务队列（Celery，如 redis://127.0.0.1:6379/0）；给出时由各机器上的 "
                                  "govaudit worker 抓取，--db 须为各机器都能访问的 PostgreSQL")
requeue_option = click.option("--requeue-after", type=ranged("requeue_after"), default=None,
                              help="工作进程失联多少秒后把它的任务交给其他工作进程（默认 600）")
queue_option = click.option("--queue", default="govaudit-crawl", show_default=True,
                            help="任务队列名（同一队列的 crawl 与 worker 协同工作）")


@cli.command()
@crawl_options
@click.option("--resume", is_flag=True, help="继续上次中断的抓取（已完成的网站不再抓取）")
@click.option("--wait", is_flag=True, help="同一数据库上已有抓取在进行时，排队等它结束（默认拒绝）")
@broker_option
@click.option("--batch", type=ranged("batch"), default=4, show_default=True,
              help="使用 --broker 时每个任务包含的网站数")
@requeue_option
@queue_option
@db_option
def crawl(sites, timeout, per_host, page_budget, workers, allow_net, jobdir_root, resume, wait,
          broker, batch, requeue_after, queue, db):
    """抓取名录中的网站（或 --site 指定的网站）。

    \b
    示例：govaudit crawl --db govaudit.sqlite --timeout 15 --per-host 4
          govaudit crawl --broker redis://127.0.0.1:6379/0 --db postgresql://postgres@127.0.0.1/govaudit
    """
    engine = store.connect(db)
    run = _crawl(engine, db, sites, dict(timeout=timeout, per_host=per_host, page_budget=page_budget,
                                         workers=workers, allow_net=allow_net), jobdir_root, resume,
                 wait, distributed=dict(broker=broker, batch=batch, requeue_after=requeue_after,
                                        queue=queue) if broker else None)
    _exit_if_crawl_errors(engine, [run])


@cli.command()
@click.option("--broker", envvar="GOVAUDIT_BROKER", required=True,
              help="任务队列（与 govaudit crawl --broker 相同），如 redis://127.0.0.1:6379/0")
@click.option("--concurrency", type=ranged("workers"), default=0,
              help="同时抓取的任务数（默认为 CPU 核数；每个任务一个抓取进程）")
@requeue_option
@queue_option
@allow_net_option
def worker(broker, concurrency, requeue_after, queue, allow_net):
    """在本机运行分布式抓取的工作进程：从任务队列领取网站，结果写入任务指定的数据库。

    \b
    示例：govaudit worker --broker redis://127.0.0.1:6379/0
    """
    from govaudit import distributed, shards
    distributed.run_worker(broker, shards.worker_count(concurrency),
                           requeue_after or distributed.REQUEUE_AFTER, queue, allow_net)


ruleset_option = click.option(
    "--ruleset", "rulesets", multiple=True, default=("census-2015",), show_default=True,
    help="规则集名称或 YAML 文件路径；可重复，同一次抓取按多个规则集分别评分（第一个为主）")
scores_option = click.option("--scores", type=click.Path(dir_okay=False),
                             help="评分表（CSV/XLSX）：专家评审、用户调查、人工核查等人工填报项")


def probe_options(f):
    """--site and --timeout, shared by probe and monitor."""
    f = allow_net_option(f)
    f = click.option("--timeout", type=click.FloatRange(min=0, min_open=True),
                     help="超过该秒数仍未打开即为无法访问（默认 15）")(f)
    return click.option("--site", "sites", multiple=True, help="只监测这些网站标识码（可重复）")(f)


@cli.command()
@probe_options
@click.option("--count", type=click.IntRange(min=1), default=1, show_default=True,
              help="每个网站访问次数")
@click.option("--interval", type=click.FloatRange(min=0), default=0, show_default=True,
              help="同一网站两次访问的间隔秒数")
@db_option
def probe(sites, count, interval, timeout, allow_net, db):
    """首页可用性监测：访问各网站首页并逐次记录结果（可由 cron 每小时运行）。

    \b
    例：govaudit probe --count 20 --interval 0
    """
    from govaudit import probe as prober
    engine = store.connect(db)
    targets = _probe_targets(engine, sites)
    _print_probe_tally(prober.probe_sites(engine, targets, count, interval, timeout,
                                          allow_net=allow_net))


@cli.command()
@probe_options
@click.option("--days", type=click.IntRange(min=1), default=7, show_default=True, help="监测天数")
@click.option("--per-day", type=click.IntRange(min=1), default=24, show_default=True,
              help="每天访问次数（均匀间隔）")
@click.option("--routing", type=click.Path(exists=True, dir_okay=False),
              help="预警接收配置：给出时持续运行监测、复查、预警和发送（时间表见 config/alerts.yaml schedule）")
@click.option("--cron", "show_cron", is_flag=True, help="只打印同样时间表的 crontab 行（与 --routing 同用）")
@db_option
def monitor(sites, days, per_day, timeout, allow_net, routing, show_cron, db):
    """按普查口径持续监测首页可用性；中断后再次运行即从已有记录处继续。

    \b
    例：govaudit monitor --days 7 --per-day 24
        govaudit monitor --routing 接收配置.yaml          监测+复查+预警+发送，一个进程
        govaudit monitor --routing 接收配置.yaml --cron   改用 cron 时的 crontab 行
    """
    from govaudit import probe as prober
    if routing:
        from govaudit.alerts_cli import run_monitor
        return run_monitor(db, routing, show_cron, allow_net)
    engine = store.connect(db)
    targets = _probe_targets(engine, sites)

    def progress(done, total, nxt):
        when = f"，下一轮 {nxt:%Y-%m-%d %H:%M:%S} UTC" if nxt else ""
        console.print(f"监测进度 {done}/{total}（{100 * done / max(total, 1):.1f}%）{when}")
    _print_probe_tally(prober.monitor(engine, targets, days, per_day, timeout,
                                      on_progress=progress, allow_net=allow_net))


def _probe_targets(engine, sites):
    targets = pipeline.registered_sites(engine, sites or None)
    if not targets:
        raise AuditError("网站名录为空：请先运行 govaudit sites import 名录文件")
    return targets


def _print_probe_tally(tally):
    table = Table("网站标识码", "本次访问", "无法访问")
    for code, (made, failed) in sorted(tally.items()):
        table.add_row(code, str(made), f"[red]{failed}[/]" if failed else "0")
    console.print(table)


@cli.command()
@as_of_option()
@ruleset_option
@scores_option
@click.option("--overrides", type=click.Path(exists=True, dir_okay=False),
              help="栏目分类覆盖文件（YAML）")
@click.option("--run", "run_id", type=cliopts.RUN_ID, help="评分哪一次抓取（默认最近一次完整的抓取）")
@terms_option
@db_option
def score(as_of, rulesets, scores, overrides, run_id, terms, db):
    """计算指标并按规则集评分、排名。

    \b
    示例：govaudit score --as-of 2026-11-22 --ruleset census-2015 --db govaudit.sqlite
          govaudit score --as-of 2026-11-22 --ruleset census-2015 --ruleset evaluation-example --scores 评分表.xlsx
    """
    engine = store.connect(db)
    for sid in pipeline.score_many(engine, as_of, rulesets, overrides, run_id, notify=_notice,
                                   scores_path=scores, terms_path=terms):
        _print_summary(engine, sid)


@cli.command()
@click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
@click.option("--score-run", type=cliopts.RUN_ID, help="哪一次评分（默认最近一次）")
@report_options
@db_option
def report(out, score_run, notices, group_by, report_config, db):
    """写出 results.json、ranking.xlsx、图表和整改通知。

    \b
    示例：govaudit report --out out/ --group-by 行政级别 --db govaudit.sqlite
    """
    settings = _report_settings(report_config, group_by)
    path = pipeline.write_reports(store.connect(db), out, score_run, notices=notices,
                                  settings=settings)
    _print_outputs(path, notices)


@cli.command()
@click.argument("register", type=click.Path(dir_okay=False))
@as_of_option()
@click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
@ruleset_option
@scores_option
@click.option("--overrides", type=click.Path(exists=True, dir_okay=False))
@terms_option
@crawl_options
@report_options
@db_option
def audit(register, as_of, out, rulesets, scores, overrides, terms, sites, timeout, per_host,
          page_budget, workers, allow_net, jobdir_root, notices, group_by, report_config, db):
    """一次完成：导入名录 → 抓取 → 评分 → 报告（含整改通知）。

    \b
    示例：govaudit audit 政府网站基本信息表.xlsx --as-of 2026-11-22 --out out/
    """
    pipeline.load_terms(terms)     # a bad terms file stops the audit before the long crawl
    settings = _report_settings(report_config, group_by)   # a bad config stops before the crawl
    run = _audit(register, as_of, out, rulesets, overrides, db, sites,
                 dict(timeout=timeout, per_host=per_host, page_budget=page_budget, workers=workers,
                      allow_net=allow_net), jobdir_root, notices=notices, settings=settings,
                 scores=scores, terms=terms)
    _exit_if_crawl_errors(store.connect(db), [run])


@cli.command()
@click.option("--out", default="demo-output", show_default=True, type=click.Path(file_okay=False))
@click.option("--as-of", "as_of", default=None, callback=parse_date,
              help="监测时间点（默认为样例网站的监测时间点）")
@click.option("--timeout", type=ranged("download_timeout"), help="单个请求超时秒数")
@click.option("--db", default=None,
              help="数据库（默认每次新建 demo-output/govaudit.sqlite）；样例网站每次启动端口不同")
@click.option("--recheck", is_flag=True,
              help="再演示整改复查：样例网站整改后，抽取上次不合格网站及 30% 其他网站复查，写出整改情况")
@click.option("--monitor", is_flag=True,
              help="再演示预警：按监测数据得出预警状态，发送到本机的演示用企业微信群机器人，工作簿增加“预警”表")
def demo(out, as_of, timeout, db, recheck, monitor):
    """启动内置的样例政府网站（本机回环地址），完整检查一遍，结果写入 ./demo-output/。

    \b
    例：govaudit demo            govaudit demo --recheck    govaudit demo --monitor
    """
    import samplefarm
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
            _print_probe_tally(samplefarm.probe_sites(
                engine, pipeline.registered_sites(engine, codes), as_of, timeout))
        warn_step = None
        if monitor:
            from govaudit.alerts_cli import demo_warnings

            def warn_step(engine):
                demo_warnings(engine, as_of, out_dir)
        runs = [_audit(register, as_of, out_dir, "census-2015", None, db,
                       (), dict(timeout=timeout, allow_net=samplefarm.ALLOW_NET), out_dir / "jobs",
                       probe_step=probe_step, before_report=warn_step)]
        port = farm.port
    if recheck:
        runs.append(_demo_recheck(out_dir, port, as_of, db, timeout))
    _exit_if_crawl_errors(store.connect(db), runs)


def _demo_recheck(out_dir: Path, port: int, as_of, db, timeout):
    """The second half of a quarter: the sites rectify, the office draws the re-check sample
    (every failed site plus a share of the others) and audits it again on the same port."""
    from govaudit import spotcheck
    import samplefarm
    engine = store.connect(db)
    drawn = spotcheck.draw_and_record(engine, seed=2026, share=0.3, by=["行政级别"],
                                      include_failed_last=True)
    sample_file = spotcheck.write_sample(engine, drawn, out_dir / "复查名录.xlsx")
    console.print(f"\n[bold]整改复查[/]：样例网站已按整改通知整改（samplefarm/spec_recheck.py）。"
                  f"\n复查抽样：{drawn.describe()}，名录：{sample_file}")
    with samplefarm.start(port, phase="recheck"):
        return _audit(sample_file, as_of, out_dir / "复查", "census-2015", None, db, (),
                      dict(timeout=timeout, allow_net=samplefarm.ALLOW_NET), out_dir / "jobs",
                      recheck=True)


def _audit(register, as_of, out, ruleset, overrides, db, sites, crawl_overrides, jobdir_root,
           recheck=False, notices=True, settings=None, scores=None, probe_step=None, terms=None,
           before_report=None):
    engine = store.connect(db)
    result = _import(engine, register)
    console.print(f"名录：导入 {len(result.sites)} 个网站")
    codes = sites or [s.code for s in result.sites]
    if probe_step:
        probe_step(engine, codes)
    run = _crawl(engine, db, codes, crawl_overrides, jobdir_root, resume=False)
    sid = pipeline.score(engine, as_of, ruleset, overrides, notify=_notice, scores_path=scores,
                         terms_path=terms)
    rc = None
    if recheck:
        from govaudit import history
        rc = history.recheck(engine, after=sid)
    if before_report:
        before_report(engine)
    path = pipeline.write_reports(engine, out, sid, rc, notices=notices, settings=settings)
    _print_summary(engine, sid, settings)
    if rc is not None:
        _print_recheck(rc)
    _print_outputs(path, notices)
    return run


def _exit_if_crawl_errors(engine, runs) -> None:
    """Errors while crawling never end in exit code 0: the last line says so (the sites are
    marked 抓取不完整 in every output), and the exit code is cliopts.CRAWL_ERRORS."""
    sites = [sc for run in runs for sc in pipeline.crawl_error_sites(engine, run.id)]
    if sites:
        err.print(f"[red]注意：[/]抓取时有 {len(sites)} 个网站出错（共 {sum(sc.errors for sc in sites)} 次），"
                  f"这些网站已标为“抓取不完整”，其结论仅依据已抓取的页面："
                  + "、".join(sc.site_code for sc in sites[:10]) + ("等" if len(sites) > 10 else "")
                  + f"（退出码 {cliopts.CRAWL_ERRORS}）", highlight=False)
        sys.exit(cliopts.CRAWL_ERRORS)


@cli.command()
@click.option("--site", "sites", multiple=True, help="只看这些网站标识码（可重复）")
@click.option("--reviewer", default=None, help="审核人姓名（记入确认记录）")
@click.option("--export", "export_path", type=click.Path(dir_okay=False),
              help="把待确认的问题导出为 .csv 或 .xlsx，填写“处理”列后用 --import 导入")
@click.option("--import", "import_path", type=click.Path(exists=True, dir_okay=False),
              help="导入填写好的确认文件（.csv 或 .xlsx）")
@click.option("--all", "include_confirmed", is_flag=True, help="已确认的问题也列出（可改为排除）")
@click.option("--out", type=click.Path(file_okay=False), help="按确认结果重新评分后，把报表写到这个目录")
@click.option("--overrides", type=click.Path(exists=True, dir_okay=False),
              help="重新评分时使用的栏目分类覆盖文件（与上次评分相同）")
@click.option("--scores", type=click.Path(exists=True, dir_okay=False),
              help="重新评分时使用的人工评分表（与上次评分相同）")
@terms_option
@db_option
def review(sites, reviewer, export_path, import_path, include_confirmed, out, overrides, scores,
           terms, db):
    """人工确认严重错误等须判断的问题：y 确认、n 排除（误报）、s 跳过、q 退出。

    \b
    示例：govaudit review --reviewer 张三 --out out/
          govaudit review --export 待确认.xlsx   （填写“处理”列后）  govaudit review --import 待确认.xlsx
    """
    from govaudit import review as rv
    engine = store.connect(db)
    try:
        chosen = rv.session(engine, sites, reviewer, export_path, import_path, include_confirmed,
                            ask=_ask_review, say=lambda text: console.print(text, markup=False))
    except rv.ReviewError as exc:
        raise AuditError(str(exc)) from exc
    if chosen:   # the same crawl, monitoring point and rulesets as the latest score, decisions applied
        sid = pipeline.rescore(engine, notify=_notice, overrides_path=overrides,
                               scores_path=scores, terms_path=terms)[0]
        console.print("已按确认结果重新评分：")
        _print_summary(engine, sid)
        if out:
            path = pipeline.write_reports(engine, out, sid)
            console.print(f"报告：{path / 'ranking.xlsx'}  {path / 'results.json'}")


def _ask_review(text: str, choices: list[str] | None) -> str:
    if choices is None:
        return click.prompt(text)
    return click.prompt(text, type=click.Choice(choices), show_choices=False)


def _crawl(engine, db, codes, overrides, jobdir_root, resume, wait=False, distributed=None):
    """Start (or resume) a crawl run under the store's crawl lock; AuditError with the exact
    resume command when it does not finish."""
    with runlock.crawl_lock(engine, _command_line(), wait=wait, on_wait=_notice) as set_run:
        if resume:
            run = pipeline.unfinished_run(engine)
            if run is None:
                raise AuditError(f"数据库 {store.errors.shown(store.db_url(db))} 中没有未完成的抓取"
                                 f"可以继续")
            console.print(f"继续第 {run.id} 次抓取（未完成的网站重新抓取，设置沿用该次抓取）")
        else:
            run = pipeline.start_crawl_run(engine, pipeline.registered_sites(engine, codes or None),
                                           overrides)
        set_run(run.id)
        code = _crawl_with_progress(engine, run, db, distributed, resume)
    if code != 0:
        raise AuditError(f"第 {run.id} 次抓取未完成：已抓取完的网站已保存，评分时不会默认使用这次抓取。"
                         f"继续抓取：{_resume_command(db, distributed)}")
    return run


def _crawl_with_progress(engine, run, db, distributed, resume) -> int:
    total = len(run.site_codes)
    with Progress(TextColumn("[bold]抓取"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console) as progress:
        task = progress.add_task("", total=total, completed=pipeline.sites_finished(engine, run.id))

        def on_progress(ev):
            mark = "[green]完成[/]" if ev["status"] == "ok" else f"[red]无法访问[/] {ev['error']}"
            if ev.get("errors"):
                mark += f" [yellow]（不完整：抓取时出错 {ev['errors']} 次）[/]"
            elif ev.get("cut_short"):
                mark += f" [yellow]（不完整：{pipeline.CUT_SHORT.get(ev['cut_short'], ev['cut_short'])}）[/]"
            progress.console.print(f"  {ev['site']} {mark}  页面 {ev['pages']}  链接 {ev['links']}"
                                   + (f"  未抓取 {ev['skipped']}" if ev["skipped"] else "")
                                   + (f"  [yellow]未检测链接 {ev['unchecked']}[/]"
                                      if ev.get("unchecked") else ""))
            progress.advance(task)

        def on_stop(signum, forced):
            if forced:
                err.print("[red]立即停止[/]：未完成的网站在续抓时重新抓取", highlight=False)
            else:
                what = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
                err.print(f"[yellow]收到 {what}：正在停止抓取并保存已抓取的数据……[/]"
                          f"（再按一次 Ctrl-C 立即停止）", highlight=False)
        if distributed:
            return pipeline.run_crawl_distributed(engine, run, store.db_url(db),
                                                  on_progress=on_progress, enqueue=not resume,
                                                  **distributed)
        return pipeline.run_crawl(engine, run, store.db_url(db), on_progress, on_stop)


def _resume_command(db, distributed=None) -> str:
    """The command that continues this crawl, with the same store (and task queue) spelt out."""
    broker = f" --broker {shlex.quote(distributed['broker'])}" if distributed else ""
    return (f"govaudit crawl --resume --db {shlex.quote(store.errors.shown(store.db_url(db)))}"
            + broker)


def _command_line() -> str:
    """This command as typed, password hidden: names the holder of the store's crawl lock."""
    return store.errors.hide_passwords(" ".join(["govaudit", *sys.argv[1:]]))


def _import(engine, register):
    """Read and upsert the register with a progress bar; refuse a register that loaded nothing."""
    with Progress(TextColumn("[bold]导入名录"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as progress:
        task = progress.add_task("", total=None)

        def on_batch(done, total):
            progress.update(task, completed=done, total=total)
        result = pipeline.import_register(engine, register, on_batch)
    _print_register_messages(result)
    if not result.sites:
        raise AuditError(f"名录 {Path(register).name} 中没有一行可以导入"
                         + (f"（{_errors(result)} 行有错误，见上）" if _errors(result) else "（文件中没有数据行）"))
    return result


def _notice(message: str) -> None:
    err.print(f"[yellow]提示[/] {message}", highlight=False)


def _errors(result) -> int:
    return sum(1 for e in result.errors if e.level == "error")


def _print_register_messages(result):
    for e in result.errors:
        style = "red" if e.level == "error" else "yellow"
        err.print(f"[{style}]{'错误' if e.level == 'error' else '提示'}[/] {e}")


def _print_summary(engine, score_run_id, settings=None):
    """The ranking as the workbook shows it: site names, results and veto titles in Chinese."""
    from reports.model import RANK_ORDER, crawl_errors_text, grade, ranked, result_cell, veto_text
    report = pipeline.build_report(engine, score_run_id, settings=settings)
    grades = bool(report.settings.grades) or any(sr.verdict.grade for sr in report.sites)
    table = Table("排名", "网站名称", "得分", "结果", *(["等级"] if grades else []), "单项否决",
                  title=f"抽查结果（监测时间点 {report.as_of.isoformat()}，"
                        f"规则：{report.ruleset_title or report.ruleset_id}）",
                  caption=f"排名规则：{RANK_ORDER}"
                          + (f"\n注意：{report.ruleset_note}" if report.ruleset_note else ""))
    table.columns[1].no_wrap = True
    for sr in ranked(report):
        v = sr.verdict
        style = {False: "red", None: "yellow"}.get(v.qualified)
        table.add_row(str(v.rank or "—"), sr.site.name or v.site_code,
                      "—" if v.score is None else f"{v.score:.1f}",
                      f"[{style}]{result_cell(sr)}[/]" if style else result_cell(sr),
                      *([grade(report, v) or "—"] if grades else []),
                      veto_text(report, sr, "、") or ("—" if v.qualified is not None else v.note))
    console.print(table)
    for sr in ranked(report):
        if sr.crawl_errors:
            err.print(f"[yellow]抓取不完整[/] {sr.site.name or sr.verdict.site_code}"
                      f"（{sr.verdict.site_code}）：{crawl_errors_text(sr.crawl_errors)}", highlight=False)


def _print_outputs(path: Path, notices: bool) -> None:
    more = "".join(f"  {p}" for p in sorted(path.glob("results-*.json")))   # further rulesets
    console.print(f"报告：{path / 'ranking.xlsx'}  {path / 'results.json'}{more}  图表：{path / 'charts'}"
                  + (f"  整改通知：{path / 'notices'}" if notices else "")
                  + (f"  复查通知：{path / 'recheck_notices'}"
                     if notices and (path / "recheck_notices").is_dir() else ""))


cli.add_command(rules)
for _command in (alerts, digest, watch):
    cli.add_command(_command)


def main(argv=None):
    cliopts.run(cli, argv)


if __name__ == "__main__":
    main()
