"""govaudit check: a self-check of one site, no register, no shared store."""
from __future__ import annotations

import click

import store
from govaudit import selfcheck
from govaudit.cliopts import allow_net_option, parse_date, ranged
from govaudit.commands.terminal import console, crawl_sites, exit_if_errors, notice


@click.command()
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
    def crawl(engine, db, codes):
        return crawl_sites(engine, db, codes, dict(timeout=timeout, page_budget=page_budget,
                                                   allow_net=allow_net), resume=False)
    result = selfcheck.check(url, out or selfcheck.default_out(url), crawl=crawl, name=name,
                             site_type=site_type, code=code, as_of=as_of, ruleset=ruleset,
                             on_site=lambda site: console.print(f"自查：{site.name}  {site.home_url}"))
    _print_check(result)
    console.print(f"报告：{result.report_dir / 'ranking.xlsx'}  {result.report_dir / 'results.json'}")
    exit_if_errors(store.connect(result.db), [result.crawl_run.id])


def _print_check(result):
    from reports.model import crawl_errors_text
    from scoring.recheck import FIXED, NEW, OPEN
    row, rc = result.verdict, result.recheck
    if row.qualified is None:
        console.print(f"[red]未能评估[/]：{row.note or '首页无法访问'}")
        return
    verdict = "[green]合格[/]" if row.qualified else "[red]不合格[/]"
    if result.crawl_errors:   # never a bare 合格 on a crawl that had errors
        verdict += f"[yellow]（抓取不完整：{crawl_errors_text(result.crawl_errors[0])}）[/]"
    console.print(f"\n结论：{verdict}  得分 {'—' if row.score is None else f'{row.score:g}'}")
    for sec in result.problems:
        head = "单项否决" if sec.veto else f"扣 {sec.points:g} 分"
        console.print(f"\n[bold]【{sec.title}】{head}[/]")
        for f in sec.findings[:20]:
            where = f" 所在页面 {f['source_url']}" if f.get("source_url") else ""
            console.print(f"  · {f.get('title') or ''} {f['url']}  {f['evidence']}{where}")
        if len(sec.findings) > 20:
            console.print(f"  …… 另有 {len(sec.findings) - 20} 条，见 ranking.xlsx 问题清单")
        if sec.hint:
            console.print(f"  整改办法：{sec.hint}")
    if not result.problems:
        console.print("未发现扣分或否决问题。")
    if result.not_judged:
        console.print("\n[bold]本次无法判定的规则[/]")
        for nj in result.not_judged:
            console.print(f"  · {nj.title}：{nj.how}")
    if rc is not None and rc.sites:
        s = rc.sites[0]
        console.print(f"\n与上次自查（{rc.before.as_of:%Y-%m-%d}）相比：已整改 {s.count(FIXED)}，"
                      f"未整改 {s.count(OPEN)}，新增 {s.count(NEW)}")
