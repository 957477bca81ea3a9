"""Shared command-line pieces: options whose values click checks before any work starts, and run(),
the one place where errors become a Chinese message and an exit code.

A new command gets both by using these options and living under the `govaudit` group:
    from govaudit.cliopts import db_option, as_of_option, ranged
Allowed ranges come from config/crawl.yaml (`cli_ranges`) and are shown in --help.
"""
from __future__ import annotations

import os
import sys
from datetime import date

import click
from rich.console import Console

import config

err = Console(stderr=True, soft_wrap=True)   # no line breaks inside paths or URLs
_RANGES = config.load_yaml("crawl.yaml")["cli_ranges"]

db_option = click.option("--db", envvar="GOVAUDIT_DB", default=None, metavar="URL",
                         help="数据库：SQLite 文件路径或 postgresql://用户@主机/库名"
                              "（默认 ./govaudit.sqlite，或环境变量 GOVAUDIT_DB）")


class _Chinese:
    """A click number range whose refusal says, in Chinese, what was given and what is allowed."""
    kind = "数"

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(f"“{value}”不可用：应为{self.kind}，允许范围 {self._describe_range()}",
                      param, ctx)


class IntRange(_Chinese, click.IntRange):
    kind = "整数"


class FloatRange(_Chinese, click.FloatRange):
    kind = "数字"


def ranged(key: str) -> click.ParamType:
    """The click type for a numeric option whose allowed range config/crawl.yaml names `key`."""
    lo, hi = _RANGES[key]
    if isinstance(lo, float) or isinstance(hi, float):
        return FloatRange(lo, hi)
    return IntRange(lo, hi)


RUN_ID = IntRange(min=1)   # run ids count from 1


def _allow_net(ctx, param, values):
    from crawler.netguard import allow_list, proxy_refusal
    try:
        allowed = allow_list(values)          # with $GOVAUDIT_ALLOW_NET
    except ValueError as exc:
        raise click.BadParameter(str(exc))
    if (why := proxy_refusal(allowed)) is not None:
        raise click.UsageError(why)
    return allowed


allow_net_option = click.option(
    "--allow-net", "allow_net", multiple=True, callback=_allow_net, metavar="网段",
    help="允许访问的内网网段，如 127.0.0.0/8（可重复或用逗号分隔；也读环境变量 GOVAUDIT_ALLOW_NET）。"
         "默认不访问回环、私有、链路本地等地址（config/network.yaml），指向它们的链接记为问题")


def parse_date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"“{value}”不是有效日期，应为 YYYY-MM-DD，例如 2026-11-22")


def as_of_option(required: bool = True):
    # No default=None here: click (8.3+) treats an explicit None default as a given value and then
    # stops enforcing required=True.
    return click.option("--as-of", "as_of", required=required, callback=parse_date,
                        metavar="YYYY-MM-DD", help="监测时间点，例如 2026-11-22")


# Exit code of a command that finished but whose crawl had errors (sites marked 抓取不完整).
CRAWL_ERRORS = 3


def run(group: click.Group, argv: list[str] | None = None) -> None:
    """Run the CLI; every known failure leaves as one Chinese line on stderr and exit code 2
    (130 when interrupted; CRAWL_ERRORS when the crawl had errors). `--debug` anywhere on the line
    (or GOVAUDIT_DEBUG=1) shows tracebacks."""
    from sqlalchemy.exc import SQLAlchemyError

    import store
    from config.errors import UserError

    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or os.environ.get("GOVAUDIT_DEBUG") == "1"
    argv = [a for a in argv if a != "--debug"]
    try:
        group.main(args=argv, prog_name="govaudit", standalone_mode=False)
    except click.exceptions.Abort:
        err.print("已中止")
        sys.exit(130)
    except click.UsageError as exc:
        err.print(f"[red]错误：[/]{_usage_message(exc)}", highlight=False)
        if exc.ctx is not None:
            err.print(f"用 {exc.ctx.command_path} --help 查看用法、允许范围和示例", highlight=False)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (UserError, OSError, SQLAlchemyError) as exc:
        if debug:
            raise
        message = store.errors.explain(exc, store.engine.current_url) \
            if isinstance(exc, SQLAlchemyError) else str(exc)
        err.print(f"[red]错误：[/]{message}", highlight=False)
        if not isinstance(exc, UserError) or exc.debug_hint:
            err.print("（加 --debug 可查看详细的出错位置）", highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        if debug:
            raise
        err.print("已中止")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - a bug still ends in one line, never 100 of traceback
        if debug:
            raise
        err.print(f"[red]内部错误：[/]{type(exc).__name__}: {exc}（加 --debug 可查看详细的出错位置；"
                  f"请把它报告给 govaudit 的维护者）", highlight=False)
        sys.exit(1)


def _usage_message(exc: click.UsageError) -> str:
    """click's usage errors in Chinese (click itself speaks English)."""
    hint = exc.param.get_error_hint(exc.ctx) if getattr(exc, "param", None) is not None else ""
    if isinstance(exc, click.MissingParameter):
        return f"缺少必需的{'参数' if exc.param.param_type_name == 'argument' else '选项'} {hint}"
    if isinstance(exc, click.NoSuchOption):
        return f"没有选项 {exc.option_name}"
    if isinstance(exc, click.BadParameter):
        return f"{hint} 的值不对：{exc.message}"
    return exc.format_message()
