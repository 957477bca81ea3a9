"""What every command shares: the options several take, the terminal (tables, progress bars,
notes on stderr) and the steps audit, check and the demo run in the same order."""
from __future__ import annotations

import shlex
import signal
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import store
from govaudit import cliopts, pipeline
from store import lock as runlock
from govaudit.cliopts import allow_net_option, ranged
from govaudit.errors import AuditError


console = Console()
WIDE = 120   # terminal columns below which wide tables print as lines (an office laptop: 80)
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
        click.option("--final", is_flag=True,
                     help="正式发布：报告设置仍含示例值（XX省人民政府办公厅、联系人：XXX）时拒绝生成"),
    ]):
        f = opt(f)
    return f


def report_settings(report_config, group_by, final=False):
    """The report config; its example values (XX省…) are warned about, and refused with --final."""
    from reports.settings import load_report_config
    settings = load_report_config(report_config, group_by=group_by)
    left = settings.placeholders()
    if left:
        where = report_config or "内置的 config/report.yaml"
        message = (f"报告设置 {where} 仍是示例值：{'、'.join(left)}。正式发出前复制 config/report.yaml，"
                   f"改 issuing_office、notice_date、contact 三行，用 --report-config 指定")
        if final:
            raise AuditError(message + "（--final 拒绝生成）")
        notice(message)
    return settings


def warn_unprobed(engine, as_of, ruleset, codes) -> None:
    """Before the long crawl: sites whose availability nobody monitored cannot be judged on it."""
    missing = pipeline.probes_missing(engine, as_of, ruleset, codes)
    if missing:
        notice(f"{len(missing)} 个网站在监测时间点 {as_of} 前 7 天内没有首页可用性监测记录，"
               f"“站点无法访问”“首页可用性”将无法判定（结果中列为未判定规则）。"
               f"先监测：{pipeline.MONITOR_HINT}")


def remind_review(engine, score_run_id, db) -> None:
    found, sites = pipeline.awaiting_review(engine, score_run_id)
    if found:
        notice(f"{sites} 个网站共 {found} 条问题（严重错误等）待人工确认，确认前不作为否决依据，"
               f"这些网站的结果为“待确认”或另列。请逐条确认：govaudit review --db "
               f"{shlex.quote(store.errors.shown(store.db_url(db)))} --out 结果目录")


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
        click.option("--full", is_flag=True,
                     help="完整重新抓取：每个页面都重新读取，不发条件请求（默认：库中已有某网站的完整抓取时，"
                          "未变化的页面沿用上次读取的结果）"),
        click.option("--trust-ca", type=click.Path(exists=True, dir_okay=False, resolve_path=True),
                     metavar="证书文件",
                     help="检查 HTTPS 证书时另外信任的根证书（PEM），如本单位内部 CA；默认只信任系统根证书"),
    ]):
        f = opt(f)
    return f


broker_option = click.option("--broker", envvar="GOVAUDIT_BROKER", default=None,
                             help="任务队列（Celery，如 redis://127.0.0.1:6379/0）；给出时由各机器上的 "
                                  "govaudit worker 抓取，--db 须为各机器都能访问的 PostgreSQL")


requeue_option = click.option("--requeue-after", type=ranged("requeue_after"), default=None,
                              help="工作进程失联多少秒后把它的任务交给其他工作进程（默认 600）")


queue_option = click.option("--queue", default="govaudit-crawl", show_default=True,
                            help="任务队列名（同一队列的 crawl 与 worker 协同工作）")


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


def print_recheck(rc) -> None:
    from scoring.recheck import FIXED, NEW, OPEN, UNVERIFIED
    console.print(f"复查前：{rc.before.label}；复查：{rc.after.label}")
    if console.width < WIDE:       # a line for the site, a line for its figures: fits 80 columns
        for s in rc.sites:
            console.print(f"{s.name}（{s.code}）：{verdict_cell(s.before)} → {verdict_cell(s.after)}\n"
                          f"    已整改 {s.count(FIXED)}，未整改 {s.count(OPEN)}，新增 {s.count(NEW)}，"
                          f"未能复查 {s.count(UNVERIFIED)}，整改率 "
                          + ("—" if s.rate is None else f"{s.rate:.0%}"), highlight=False)
        return
    table = Table("网站", "复查前", "复查后", "已整改", "未整改", "新增", "未能复查", "整改率")
    for s in rc.sites:
        table.add_row(f"{s.name}（{s.code}）", verdict_cell(s.before), verdict_cell(s.after),
                      str(s.count(FIXED)), str(s.count(OPEN)), str(s.count(NEW)),
                      str(s.count(UNVERIFIED)), "—" if s.rate is None else f"{s.rate:.0%}")
    console.print(table)


def verdict_cell(a) -> str:
    from reports.recheck_xlsx import verdict_text
    return verdict_text(a.qualified, a.score) + ("" if a.score is None else f" {a.score:g}")


def probe_targets(engine, sites):
    targets = pipeline.registered_sites(engine, sites or None)
    if not targets:
        raise AuditError("网站名录为空：请先运行 govaudit sites import 名录文件")
    return targets


def print_probe_tally(tally):
    table = Table("网站标识码", "本次访问", "无法访问")
    for code, (made, failed) in sorted(tally.items()):
        table.add_row(code, str(made), f"[red]{failed}[/]" if failed else "0")
    console.print(table)


def run_audit(register, as_of, out, ruleset, overrides, db, sites, crawl_overrides,
              recheck=False, notices=True, settings=None, scores=None, probe_step=None, terms=None,
              before_report=None, evidence=None):
    """pipeline.audit with the terminal's progress display and summary."""
    def imported(engine, path):
        result = import_register_file(engine, path)
        console.print(f"名录：导入 {len(result.sites)} 个网站")
        return result

    engine = store.connect(db)
    crawl_overrides = {**pipeline.a11y_for(ruleset, crawl_overrides), **crawl_overrides}
    run, sid, rc, path = pipeline.audit(
        engine, register, as_of, ruleset, out, import_register=imported,
        crawl=lambda engine, codes: (warn_unprobed(engine, as_of, ruleset, codes),
                                     crawl_sites(engine, db, codes, crawl_overrides,
                                                 resume=False))[1],
        sites=sites, overrides=overrides, scores=scores, terms=terms, recheck=recheck,
        notices=notices, settings=settings, notify=notice, probe=probe_step,
        before_report=before_report, evidence=evidence)
    print_summary(engine, sid, settings)
    if rc is not None:
        print_recheck(rc)
    print_outputs(path, notices)
    remind_review(engine, sid, db)
    return run


def exit_if_errors(engine, run_ids) -> None:
    """Errors of ours never end in exit code 0: errors while crawling (the sites are marked
    抓取不完整 in every output, their conclusions rest on the pages read) or sites the scoring could
    not measure (未能评估 with the error). The last lines say which; the exit code is
    cliopts.CRAWL_ERRORS; the reports are written all the same."""
    sites = [sc for run_id in run_ids for sc in pipeline.crawl_error_sites(engine, run_id)]
    unmeasured = [code for run_id in run_ids for code in pipeline.scoring_error_sites(engine, run_id)]
    if sites:
        err.print(f"[red]注意：[/]抓取时有 {len(sites)} 个网站出错（共 {sum(sc.errors for sc in sites)} 次），"
                  f"这些网站已标为“抓取不完整”，其结论仅依据已抓取的页面："
                  + _some(sc.site_code for sc in sites)
                  + f"（退出码 {cliopts.CRAWL_ERRORS}）", highlight=False)
    if unmeasured:
        err.print(f"[red]注意：[/]评分时有 {len(unmeasured)} 个网站出错，未能评估（原因见各网站的说明）："
                  + _some(unmeasured) + f"（退出码 {cliopts.CRAWL_ERRORS}）", highlight=False)
    if sites or unmeasured:
        sys.exit(cliopts.CRAWL_ERRORS)


def _some(codes) -> str:
    codes = list(codes)
    return "、".join(codes[:10]) + ("等" if len(codes) > 10 else "")


def crawl_sites(engine, db, codes, overrides, resume, wait=False, distributed=None):
    """Start (or resume) a crawl run under the store's crawl lock; AuditError with the exact
    resume command when it does not finish."""
    with runlock.crawl_lock(engine, _command_line(), wait=wait, on_wait=notice) as set_run:
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


def import_register_file(engine, register):
    """Read and upsert the register with a progress bar; refuse a register that loaded nothing."""
    with Progress(TextColumn("[bold]导入名录"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as progress:
        task = progress.add_task("", total=None)

        def on_batch(done, total):
            progress.update(task, completed=done, total=total)
        result = pipeline.import_register(engine, register, on_batch)
    print_register_messages(result)
    if not result.sites:
        raise AuditError(f"名录 {Path(register).name} 中没有一行可以导入"
                         + (f"（{error_count(result)} 行有错误，见上）" if error_count(result) else "（文件中没有数据行）"))
    return result


def notice(message: str) -> None:
    err.print(f"[yellow]提示[/] {message}", highlight=False)


def error_count(result) -> int:
    return sum(1 for e in result.errors if e.level == "error")


def print_register_messages(result):
    for e in result.errors:
        style = "red" if e.level == "error" else "yellow"
        err.print(f"[{style}]{'错误' if e.level == 'error' else '提示'}[/] {e}")


def print_summary(engine, score_run_id, settings=None):
    """The ranking as the workbook shows it: site names, results and veto titles in Chinese."""
    from reports.model import (RANK_ORDER, crawl_errors_text, grade, ranked, result_cell,
                               unchecked_groups, veto_text)
    from reports.sheets.overview import unchecked_summary
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
        result = result_cell(sr) + ("*" if unchecked_groups(report, sr) else "")
        table.add_row(str(v.rank or "—"), sr.site.name or v.site_code,
                      "—" if v.score is None else f"{v.score:.1f}",
                      f"[{style}]{result}[/]" if style else result,
                      *([grade(report, v) or "—"] if grades else []),
                      veto_text(report, sr, "、") or ("—" if v.qualified is not None else v.note))
    console.print(table)
    summary = unchecked_summary(report)
    if summary:
        console.print("[bold]* 本次无法判定的规则[/]（结果不含这些规则）：", highlight=False)
        for line in summary.split("；"):
            console.print(f"  · {line}", highlight=False)
    for sr in ranked(report):
        if sr.crawl_errors:
            err.print(f"[yellow]抓取不完整[/] {sr.site.name or sr.verdict.site_code}"
                      f"（{sr.verdict.site_code}）：{crawl_errors_text(sr.crawl_errors)}", highlight=False)


def print_outputs(path: Path, notices: bool) -> None:
    more = "".join(f"  {p}" for p in sorted(path.glob("results-*.json")))   # further rulesets
    console.print(f"报告：{path / 'ranking.xlsx'}  {path / 'results.json'}{more}  图表：{path / 'charts'}"
                  + (f"  整改通知：{path / 'notices'}" if notices else "")
                  + (f"  复查通知：{path / 'recheck_notices'}"
                     if notices and (path / "recheck_notices").is_dir() else ""))
