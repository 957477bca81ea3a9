"""govaudit command line: one small module per command in govaudit/commands/, each parsing its
options and calling the pipeline; this module is the `govaudit` group and main().

Every command takes --db (or $GOVAUDIT_DB).
"""
from __future__ import annotations

import importlib

import click

from govaudit import cliopts
from govaudit.commands import (alerts, audit, check, compare, crawl, monitor, probe, report,
                               review, rules, sample, score, serve, sites, trend, users,
                               worker)

# Commands that live a floor above govaudit (the demo serves the sample farm, which imports
# govaudit): named by path and imported only when listed or run, so govaudit never imports them.
ABOVE = {"demo": "samplefarm.demo:demo"}


class Group(click.Group):
    def list_commands(self, ctx) -> list[str]:
        return sorted([*super().list_commands(ctx), *ABOVE])

    def get_command(self, ctx, name):
        if name in ABOVE:
            module, attr = ABOVE[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govaudit", prog_name="govaudit", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="出错时显示详细的出错位置（traceback）")
def cli(debug):
    """govaudit：按全国政府网站普查规则检查政府网站。"""


for _command in (sites.sites, sample.sample, check.check, compare.compare, trend.trend,
                 crawl.crawl, worker.worker, probe.probe, monitor.monitor, score.score,
                 report.report, audit.audit, review.review, rules.rules, alerts.alerts,
                 alerts.digest, alerts.watch, serve.serve, users.users):
    cli.add_command(_command)


def main(argv=None):
    cliopts.run(cli, argv)


if __name__ == "__main__":
    main()
