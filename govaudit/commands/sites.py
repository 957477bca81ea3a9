"""govaudit sites import | list: the register (政府网站基本信息表)."""
from __future__ import annotations

import click
from rich.table import Table

import store
from govaudit import pipeline
from govaudit.cliopts import db_option, ranged
from govaudit.commands.terminal import WIDE, console, error_count, import_register_file


@click.group()
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
    result = import_register_file(store.connect(db), register)
    console.print(f"已导入 {len(result.sites)} 个网站"
                  + (f"，{error_count(result)} 行有错误未导入" if error_count(result) else ""))


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
    if console.width < WIDE:       # two lines a site: a six-column table wraps every name at 80
        for s in shown:
            console.print(f"{s.code}  {s.name}  {s.level} {s.site_type}  {s.region}\n  {s.home_url}",
                          highlight=False)
    else:
        table = Table("网站标识码", "网站名称", "首页网址", "行政级别", "所属地区", "网站类型")
        for s in shown:
            table.add_row(s.code, s.name, s.home_url, s.level, s.region, s.site_type)
        console.print(table)
    more = f"，只列出前 {len(shown)} 个（用 --limit 调整）" if total > len(shown) else ""
    console.print(f"共 {total} 个网站{more}")
