"""govaudit command line: one small module per command in govaudit/commands/, each parsing its
options and calling the pipeline; this module is the `govaudit` group and main().

Every command takes --db (or $GOVAUDIT_DB).
"""
from __future__ import annotations

import importlib

import click

from govaudit import cliopts

# Every command by path, imported only when run (or listed by --help): a command's start then
# costs its own imports only, not the crawler's, the reports' and the web server's together.
# The demo lives a floor above govaudit (it serves the sample farm, which imports govaudit).
COMMANDS = {name: f"govaudit.commands.{name}:{name}" for name in (
    "alerts", "audit", "check", "compare", "crawl", "monitor", "probe", "report", "review",
    "rules", "sample", "score", "serve", "sites", "trend", "users", "worker")}
COMMANDS.update(digest="govaudit.commands.alerts:digest", watch="govaudit.commands.alerts:watch",
                demo="samplefarm.demo:demo")


class Group(click.Group):
    def list_commands(self, ctx) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govaudit", prog_name="govaudit", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="出错时显示详细的出错位置（traceback）")
def cli(debug):
    """govaudit：按全国政府网站普查规则检查政府网站。"""


def main(argv=None):
    cliopts.run(cli, argv)


if __name__ == "__main__":
    main()
