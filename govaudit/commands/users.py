"""govaudit users add | list: the web pages' accounts (the office's, one per county or region)."""
from __future__ import annotations

import sys

import click

import store
from govaudit.cliopts import db_option
from govaudit.commands.terminal import console

ROLES = {"office": "全部网站", "county": "本地区网站"}


@click.group()
def users():
    """网页账号（govaudit serve）。

    \b
    例：govaudit users list
    """


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(list(ROLES)), required=True,
              help="office：省政府办公厅，看全部网站；county：地区或部门，只看本地区的网站")
@click.option("--region", "regions", multiple=True,
              help="county 可查看的所属地区（名录中的写法，含其下属地区；可重复）")
@click.option("--site", "sites", multiple=True, help="county 另可查看的网站标识码（可重复）")
@click.option("--display", default="", help="页面上显示的单位名称")
@click.option("--password-stdin", is_flag=True, help="从标准输入读密码（脚本中使用）；默认提示输入两次")
@db_option
def users_add(name, role, regions, sites, display, password_stdin, db):
    """开通或修改网页账号（同名账号会被覆盖：新密码、新地区）。

    \b
    例：govaudit users add 省办 --role office --display 华阳省人民政府办公厅
        govaudit users add 清河县 --role county --region 华阳省江北市清河县
    """
    from web.auth import hash_password
    if role == "county" and not (regions or sites):
        raise click.UsageError("county 账号须用 --region 或 --site 指定可查看的网站")
    engine = store.connect(db)
    from store.sites import get_sites
    known = {s.code for s in get_sites(engine, list(sites)) if s}
    if missing := [c for c in sites if c not in known]:
        raise click.UsageError(f"名录中没有这些网站标识码：{'、'.join(missing)}")
    password = (sys.stdin.readline().rstrip("\n") if password_stdin else
                click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次"))
    from store.users import save_user, visible_sites, get_user
    save_user(engine, name, hash_password(password), role, display, list(regions), list(sites))
    count = len(visible_sites(engine, get_user(engine, name)))
    console.print(f"账号 {name}（{role}）已保存，可查看 {count} 个网站")


@users.command("list")
@db_option
def users_list(db):
    """列出网页账号和各自可查看的地区。

    \b
    例：govaudit users list --db govaudit.sqlite
    """
    from store.users import list_users
    for u in list_users(store.connect(db)):
        scope = "全部网站" if u.role == "office" else "、".join([*u.regions, *u.site_codes])
        console.print(f"{u.name}  {ROLES[u.role]}  {u.display}  {scope}", highlight=False)
