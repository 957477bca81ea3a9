"""govaudit command line: sites import | crawl | score | report | audit | demo.

Each command maps to one stage of govaudit.pipeline; every command takes --db (or $GOVAUDIT_DB).
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from govaudit import pipeline, store
from govaudit.pipeline import AuditError

console = Console()
err = Console(stderr=True)

db_option = click.option("--db", envvar="GOVAUDIT_DB", default=None,
                         help="数据库：SQLite 文件路径或 SQLAlchemy URL（默认 ./govaudit.sqlite）")


def as_of_option(required=True):
    return click.option("--as-of", "as_of", required=required, default=None,
                        callback=_parse_date, help="监测时间点 YYYY-MM-DD")


def _parse_date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"“{value}”不是有效日期，应为 YYYY-MM-DD，例如 2026-11-22")


def crawl_options(f):
    for opt in reversed([
        click.option("--site", "sites", multiple=True, help="只抓取这些网站标识码（可重复）"),
        click.option("--timeout", type=float, help="单个请求超时秒数（默认 15）"),
        click.option("--per-host", type=int, help="每个主机的并发请求数（默认 4）"),
        click.option("--page-budget", type=int, help="每个网站最多抓取的页面数（默认 5000）"),
        click.option("--workers", type=int,
                     help="抓取进程数（默认为 CPU 核数）；每个网站只由一个进程抓取"),
        click.option("--jobdir-root", default=".govaudit-jobs", show_default=True,
                     help="断点续抓状态目录"),
    ]):
        f = opt(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """govaudit：按全国政府网站普查规则检查政府网站。"""


@cli.group()
def sites():
    """网站名录（政府网站基本信息表）。"""


@sites.command("import")
@click.argument("register", type=click.Path(dir_okay=False))
@db_option
def sites_import(register, db):
    """导入网站名录（.xlsx 或 .csv），按网站标识码更新。"""
    engine = store.connect(db)
    result = pipeline.import_register(engine, register)
    _print_register_messages(result)
    console.print(f"已导入 {len(result.sites)} 个网站"
                  + (f"，{_errors(result)} 行有错误未导入" if _errors(result) else ""))


@sites.command("list")
@db_option
def sites_list(db):
    """列出名录中的网站。"""
    table = Table("网站标识码", "网站名称", "首页网址", "行政级别", "网站类型")
    for s in pipeline.registered_sites(store.connect(db)):
        table.add_row(s.code, s.name, s.home_url, s.level, s.site_type)
    console.print(table)


@cli.command()
@crawl_options
@click.option("--resume", is_flag=True, help="继续上次中断的抓取")
@db_option
def crawl(sites, timeout, per_host, page_budget, workers, jobdir_root, resume, db):
    """抓取名录中的网站（或 --site 指定的网站）。"""
    engine = store.connect(db)
    _crawl(engine, db, sites, dict(timeout=timeout, per_host=per_host, page_budget=page_budget,
                                   workers=workers), jobdir_root, resume)


@cli.command()
@as_of_option()
@click.option("--ruleset", default="census-2015", show_default=True,
              help="规则集名称或 YAML 文件路径")
@click.option("--overrides", type=click.Path(exists=True, dir_okay=False),
              help="栏目分类覆盖文件（YAML）")
@click.option("--run", "run_id", type=int, help="评分哪一次抓取（默认最近一次）")
@db_option
def score(as_of, ruleset, overrides, run_id, db):
    """计算指标并按规则集评分、排名。"""
    engine = store.connect(db)
    sid = pipeline.score(engine, as_of, ruleset, overrides, run_id)
    _print_summary(engine, sid)


@cli.command()
@click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
@click.option("--score-run", type=int, help="哪一次评分（默认最近一次）")
@db_option
def report(out, score_run, db):
    """写出 results.json 和 ranking.xlsx。"""
    path = pipeline.write_reports(store.connect(db), out, score_run)
    console.print(f"报告已写入 {path}/results.json 和 {path}/ranking.xlsx")


@cli.command()
@click.argument("register", type=click.Path(dir_okay=False))
@as_of_option()
@click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
@click.option("--ruleset", default="census-2015", show_default=True)
@click.option("--overrides", type=click.Path(exists=True, dir_okay=False))
@crawl_options
@db_option
def audit(register, as_of, out, ruleset, overrides, sites, timeout, per_host, page_budget,
          workers, jobdir_root, db):
    """一次完成：导入名录 → 抓取 → 评分 → 报告。"""
    _audit(register, as_of, out, ruleset, overrides, db, sites,
           dict(timeout=timeout, per_host=per_host, page_budget=page_budget, workers=workers),
           jobdir_root)


@cli.command()
@click.option("--out", default="demo-output", show_default=True, type=click.Path(file_okay=False))
@click.option("--as-of", "as_of", default=None, callback=_parse_date,
              help="监测时间点（默认为样例网站的监测时间点）")
@click.option("--timeout", type=float, help="单个请求超时秒数")
@click.option("--db", default=None,
              help="数据库（默认每次新建 demo-output/govaudit.sqlite）；样例网站每次启动端口不同")
def demo(out, as_of, timeout, db):
    """启动内置的样例政府网站（本机回环地址），完整检查一遍，结果写入 ./demo-output/。"""
    from govaudit import samplefarm
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
        _audit(register, as_of or samplefarm.AS_OF, out_dir, "census-2015", None, db,
               (), dict(timeout=timeout), out_dir / "jobs")


def _audit(register, as_of, out, ruleset, overrides, db, sites, crawl_overrides, jobdir_root):
    engine = store.connect(db)
    result = pipeline.import_register(engine, register)
    _print_register_messages(result)
    console.print(f"名录：导入 {len(result.sites)} 个网站")
    codes = sites or [s.code for s in result.sites]
    _crawl(engine, db, codes, crawl_overrides, jobdir_root, resume=False)
    sid = pipeline.score(engine, as_of, ruleset, overrides)
    _print_summary(engine, sid)
    path = pipeline.write_reports(engine, out, sid)
    console.print(f"报告：{path / 'ranking.xlsx'}  {path / 'results.json'}")


def _crawl(engine, db, codes, overrides, jobdir_root, resume):
    if resume:
        run = pipeline.unfinished_run(engine)
        if run is None:
            raise AuditError("没有未完成的抓取可以继续")
        console.print(f"继续第 {run.id} 次抓取")
    else:
        run = pipeline.start_crawl_run(engine, pipeline.registered_sites(engine, codes or None),
                                       overrides, jobdir_root)
    total = len(run.site_codes)
    with Progress(TextColumn("[bold]抓取"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console) as progress:
        task = progress.add_task("", total=total, completed=pipeline.sites_finished(engine, run.id))

        def on_progress(ev):
            mark = "[green]完成[/]" if ev["status"] == "ok" else f"[red]无法访问[/] {ev['error']}"
            progress.console.print(f"  {ev['site']} {mark}  页面 {ev['pages']}  链接 {ev['links']}"
                                   + (f"  未抓取 {ev['skipped']}" if ev["skipped"] else ""))
            progress.advance(task)
        code = pipeline.run_crawl(engine, run, store.db_url(db), on_progress)
    if code != 0:
        raise AuditError(f"抓取中断（退出码 {code}）：已抓取的数据已保存，"
                         f"可用 govaudit crawl --resume 继续")
    return run


def _errors(result) -> int:
    return sum(1 for e in result.errors if e.level == "error")


def _print_register_messages(result):
    for e in result.errors:
        style = "red" if e.level == "error" else "yellow"
        err.print(f"[{style}]{'错误' if e.level == 'error' else '提示'}[/] {e}")


def _print_summary(engine, score_run_id):
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    table = Table("排名", "网站标识码", "得分", "结果", "单项否决")
    with Session(engine) as s:
        rows = s.scalars(select(store.VerdictRow)
                         .where(store.VerdictRow.score_run_id == score_run_id)).all()
    for r in sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.site_code)):
        result = "未能评估" if r.qualified is None else ("合格" if r.qualified else "不合格")
        table.add_row(str(r.rank or "—"), r.site_code,
                      "—" if r.score is None else f"{r.score:g}", result, "、".join(r.vetoes))
    console.print(table)


def main(argv=None):
    from govaudit.register import RegisterError
    from scoring.ruleset import RulesetError
    try:
        cli.main(args=argv, prog_name="govaudit", standalone_mode=False)
    except (AuditError, RegisterError, RulesetError, OSError) as exc:
        err.print(f"[red]错误：[/]{exc}")
        sys.exit(2)
    except click.exceptions.Abort:
        err.print("已中止")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
