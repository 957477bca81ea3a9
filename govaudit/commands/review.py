"""govaudit review: a person confirms or dismisses the findings that need judgement."""
from __future__ import annotations

import click

import store
from govaudit import pipeline
from govaudit.cliopts import db_option
from govaudit.commands.terminal import console, terms_option, notice, print_summary


@click.command()
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
    chosen = rv.session(engine, sites, reviewer, export_path, import_path, include_confirmed,
                        ask=_ask_review, say=lambda text: console.print(text, markup=False))
    if chosen:   # the same crawl, monitoring point and rulesets as the latest score, decisions applied
        sid = pipeline.rescore(engine, notify=notice, overrides_path=overrides,
                               scores_path=scores, terms_path=terms)[0]
        console.print("已按确认结果重新评分：")
        print_summary(engine, sid)
        if out:
            path = pipeline.write_reports(engine, out, sid)
            console.print(f"报告：{path / 'ranking.xlsx'}  {path / 'results.json'}")


def _ask_review(text: str, choices: list[str] | None) -> str:
    if choices is None:
        return click.prompt(text)
    return click.prompt(text, type=click.Choice(choices), show_choices=False)
