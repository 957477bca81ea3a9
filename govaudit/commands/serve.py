"""govaudit serve: the office's grid and the counties' pages over the store (web/)."""
from __future__ import annotations

from pathlib import Path

import click

import config
from govaudit.cliopts import allow_net_option, db_option, parse_date, ranged
from govaudit.commands.terminal import console

_SERVER = config.load_yaml("serve.yaml")["server"]
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command()
@db_option
@click.option("--host", default=_SERVER["host"], show_default=True,
              help="监听地址（默认只在本机；对外提供时请放在本单位的 HTTPS 反向代理之后并加 --secure-cookies）")
@click.option("--port", type=click.IntRange(1, 65535), default=_SERVER["port"], show_default=True,
              help="监听端口")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), default="govaudit-serve",
              show_default=True, help="自查结果和下载文件的存放目录")
@click.option("--as-of", "as_of", default=None, callback=parse_date,
              help="自查的监测时间点（默认为自查当天）")
@click.option("--ruleset", default=None, help="自查使用的规则集（默认与库中最近一次评分相同）")
@click.option("--timeout", type=ranged("download_timeout"), help="自查时单个请求超时秒数（默认 15）")
@click.option("--page-budget", type=ranged("page_budget"), help="自查时最多抓取的页面数（默认 5000）")
@click.option("--secure-cookies", is_flag=True, help="只通过 HTTPS 发送登录凭据（在 HTTPS 代理之后使用）")
@allow_net_option
def serve(db, host, port, data_dir, as_of, ruleset, timeout, page_budget, secure_cookies,
          allow_net):
    """网页服务：省办查看全部网站的检查结果和预警，各地区登录后查看本地区网站、下载整改通知、自查。

    \b
    先开通账号：govaudit users add 省办 --role office
               govaudit users add 清河县 --role county --region 华阳省江北市清河县
    例：govaudit serve --db govaudit.sqlite      （浏览器打开 http://127.0.0.1:8765/）
    """
    run_server(db, host, port, Path(data_dir), as_of, ruleset,
               dict(timeout=timeout, page_budget=page_budget, allow_net=allow_net),
               secure_cookies)


def run_server(db, host: str, port: int, data_dir: Path, as_of, ruleset: str | None, crawl: dict,
               secure_cookies: bool = False) -> None:
    """Build the web app with govaudit's pipeline functions and serve it until stopped."""
    try:
        import uvicorn
        from web.app import WebSettings, create_app
    except ImportError:
        raise click.ClickException("未安装网页组件：pip install 'govaudit[serve]'") from None
    import store
    from govaudit import pipeline, selfcheck
    from reports import rules_table
    from store.users import list_users

    def write_reports(score_run_id: int, out: Path) -> Path:
        return pipeline.write_reports(engine, out, score_run_id)

    def describe_rules(ref: str) -> dict:
        from scoring.rulefile import load_ruleset
        rs = load_ruleset(ref)
        return {"title": f"{rs.title}（{rs.id}）", "summary": rules_table.summary_lines(rs),
                "headers": rules_table.HEADERS, "rows": rules_table.rule_rows(rs)}

    def run_check(site, out: Path, check_as_of, check_ruleset: str, progress) -> int:
        return selfcheck.check_registered(site, out, check_as_of, check_ruleset, progress, crawl)

    engine = store.connect(db)
    if not list_users(engine):
        console.print("[yellow]还没有网页账号[/]：先运行 govaudit users add 省办 --role office"
                      + (f" --db {db}" if db else ""))
    if host not in LOOPBACK and not secure_cookies:
        console.print("[yellow]注意[/]：在本机以外提供服务时，请放在 HTTPS 反向代理之后并加 --secure-cookies")
    app = create_app(WebSettings(db=db, data_dir=data_dir, as_of=as_of, ruleset=ruleset,
                                 secure_cookies=secure_cookies),
                     run_check=run_check, write_reports=write_reports,
                     describe_rules=describe_rules)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"网页服务：http://{shown}:{port}/  （Ctrl+C 停止）")
    uvicorn.run(app, host=host, port=port, log_level="warning")
