"""The README's command lines stay true (issue 10).

Every `govaudit …` line in the README's bash blocks is parsed by the real command line (options
exist, values in range, files named), optional parts included. The core pipeline examples are then
run as written, in order, against two sample-farm sites named as the README names the register.
`govaudit demo` is run by tests/test_demo.py.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import openpyxl
import pytest

import samplefarm
from govaudit.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"
RUN_AS_WRITTEN = ("sites import", "sites list", "crawl", "score", "report", "audit")
FARM_SITES = ("9901000012", "9905500001")   # small and quick: the README's register stands for them


def readme_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        block = block.replace("\\\n", " ")
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip()
            if line.startswith("govaudit "):
                lines.append(line)
    return lines


def concrete(line: str) -> list[str]:
    """The line's arguments with every optional part included and the first of alternatives."""
    line = re.sub(r"\[([^\]]*)\]", r"\1", line).replace(" ...", "").replace("CODE", "9901000012")
    args = [a.split("|")[0] for a in shlex.split(line)]
    return args[1:]


def parse(args: list[str]) -> click.Context:
    ctx = cli.make_context("govaudit", list(args))
    cmd = cli
    while isinstance(cmd, click.Group):
        if cmd.invoke_without_command and not [*ctx._protected_args, *ctx.args]:
            break          # a group that is also a command (govaudit alerts)
        name, sub, rest = cmd.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
        ctx = sub.make_context(name, rest, parent=ctx)
        cmd = sub
    return ctx


def test_the_readme_has_the_pipeline_examples():
    commands = [" ".join(concrete(c)[:2]) for c in readme_commands()]
    for wanted in RUN_AS_WRITTEN:
        assert any(c.startswith(wanted) for c in commands), wanted


@pytest.mark.parametrize("line", readme_commands())
def test_every_readme_command_line_parses(line, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = concrete(line)
    for arg in args:   # files the line names exist in an office's folder
        if re.search(r"\.(ya?ml|xlsx|csv)$", arg) and not arg.startswith("-"):
            Path(arg).touch()
    parse(args)


def _register_xlsx(farm, path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(samplefarm.REGISTER_HEADERS))
    for row in farm.register_rows():
        if row["网站标识码"] in FARM_SITES:
            ws.append([row[h] for h in samplefarm.REGISTER_HEADERS])
    wb.save(path)


def required_form(line: str) -> list[str]:
    """The line as written without its optional [...] parts."""
    return shlex.split(re.sub(r"\s*\[[^\]]*\]", "", line))[1:]


@pytest.mark.timeout(600)
def test_the_pipeline_examples_run_as_written(tmp_path):
    """sites import → sites list → crawl → crawl --resume → score → report → audit, in README order,
    each the first time the README shows it. A line naming an input file an office brings (a score
    sheet) or a task queue on another machine (--broker) is left to that feature's tests."""
    with samplefarm.start() as farm:
        ran = []
        for line in readme_commands():
            args = required_form(line)
            kind = " ".join(args[:2])
            if not any(kind.startswith(w) for w in RUN_AS_WRITTEN) or "--scores" in args \
                    or "--broker" in args \
                    or kind in ran:      # each command once: the first time the README shows it
                continue
            for arg in args:
                if arg.endswith(".xlsx") and not (tmp_path / arg).exists():
                    _register_xlsx(farm, tmp_path / arg)
            # As written for real sites; the farm on loopback is allowed the way a cron job would.
            proc = subprocess.run([sys.executable, "-m", "govaudit.cli", *args], cwd=tmp_path,
                                  capture_output=True, text=True, encoding="utf-8", timeout=300,
                                  env={**os.environ, "GOVAUDIT_ALLOW_NET": "127.0.0.0/8"})
            ran.append(kind)
            if args[:2] == ["crawl", "--resume"]:
                # Run right after a finished crawl: it says there is nothing to continue.
                assert proc.returncode == 2 and "没有未完成的抓取" in proc.stderr, proc.stderr
                continue
            assert proc.returncode == 0, f"{line}\n{proc.stderr}"
            assert "Traceback" not in proc.stderr
    assert {"sites import", "crawl", "score --as-of", "report --out"} <= set(ran)
    assert (tmp_path / "out" / "results.json").exists()


def _readme_ruleset() -> str:
    text = README.read_text(encoding="utf-8")
    return re.search(r"## Ruleset format.*?```yaml\n(.*?)```", text, re.S).group(1)
