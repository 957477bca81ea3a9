"""The demo's outputs held as text, so a change that should not alter them is proven not to.

`govaudit demo --recheck` writes results.json, ranking.xlsx and the notices, then the re-check's own
files under 复查/. Each is reduced to what a person reads — the JSON, every sheet's cell values and
link targets, every notice's paragraphs and table cells — with what differs between two runs of the
same code replaced by a placeholder: the farm's port (a free one each run) and the wall-clock times
the demo stamps on its files. tests/test_demo.py compares a run with tests/golden/demo/.

The order of findings follows the order pages were crawled, which varies between runs (concurrent
requests), so rows of a table, lines of a cell, the parts of a 、-list and items of a JSON list are
compared sorted: a row that changes, appears or goes missing still shows; only its place among its
neighbours does not (the ranking's order stays visible through its rank column). A shortened list
(“另有 N 条”) keeps only its first line and the count, as which entries make the cut is crawl order.

A change that means to alter the demo's output regenerates the files in the same commit:

    python -m tests.golden update        # runs the demo once (about two minutes) and rewrites them
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import date, datetime, time
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden" / "demo"
DEMO_ARGS = ["demo", "--recheck", "--timeout", "3"]

_PORT = re.compile(r"(127\.0\.\d+\.\d+|localhost):\d+")
# The clock, not the data: a run's start/finish and the write time the demo prints on its files.
_CLOCK = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(\+08:00)?")


def run_demo(out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govaudit.cli", *DEMO_ARGS, "--out", str(out)],
                          capture_output=True, text=True, encoding="utf-8", timeout=900,
                          cwd=out.parent, env=dict(os.environ, GOVAUDIT_EVIDENCE="1"))


# A dead link is shown on the first page the crawl saw linking to it, and which page came first is
# crawl order: the notice's “（所在页面：…）” and 问题清单's 所在页面 column are held as a placeholder.
_SOURCE = re.compile(r"（所在页面：[^）]*）")
SOURCE_HEADER = "所在页面"


# Screenshot evidence (截图取证) depends on the machine: with the evidence extra and Chromium a
# finding has a picture (a JPEG named by its hash, whose caption holds the time), without them it
# says 无截图. The goldens hold neither, so they are the same on both machines; tests/test_evidence.py
# checks the pictures themselves. The workbook's 截图 column is held as a placeholder; a notice's
# picture rows are left out and its “（无截图）” marks dropped.
EVIDENCE_HEADER = "截图"
_NO_SHOT = "（无截图）"


# The day a sample was drawn (抽查方式 “2026-12-07 按 30% 比例随机抽取…”) is the day the demo ran.
_DRAWN = re.compile(r"\d{4}-\d{2}-\d{2}(?= (?:按 |随机抽取))")


def _text(s: str) -> str:
    s = _DRAWN.sub("<date>", _CLOCK.sub("<time>", _PORT.sub(r"\1:<port>", s)))
    return _SOURCE.sub("（所在页面：<page>）", s)


def _value(v):
    if isinstance(v, str):
        return _text(v)
    if isinstance(v, datetime):
        return "<time>" if v.time() != time() else v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return v


def _cell(v):
    v = _value(v)
    if not isinstance(v, str):
        return v
    lines = v.split("\n")
    if any(line.startswith("另有 ") for line in lines):
        # a shortened list (the veto sheet's evidence): which entries make the cut is crawl order;
        # its counts line and how many were left out stay, every entry is in 问题清单 anyway
        lines = [lines[0], next(line for line in lines if line.startswith("另有 "))]
    return "\n".join(sorted("、".join(sorted(line.split("、"))) for line in lines))


def _json(path: Path) -> str:
    def walk(v):
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return sorted((walk(x) for x in v), key=lambda x: json.dumps(x, sort_keys=True))
        return _value(v)
    return json.dumps(walk(json.loads(path.read_text(encoding="utf-8"))), ensure_ascii=False,
                      indent=1) + "\n"


def _xlsx(path: Path) -> str:
    import openpyxl
    wb = openpyxl.load_workbook(path)
    lines = []
    for ws in wb.worksheets:
        lines.append(f"## {ws.title}")
        rows, source_col, shot_col = [], None, None
        for row in ws.iter_rows():
            cells = [json.dumps(_cell(c.value), ensure_ascii=False, default=str)
                     + (f" -> {_text(c.hyperlink.target)}" if c.hyperlink is not None
                        and c.hyperlink.target else "")
                     for c in row]
            if source_col is not None and source_col < len(row) and row[source_col].value:
                cells[source_col] = '"<page>"'
            if shot_col is not None and shot_col < len(row) and row[shot_col].value:
                cells[shot_col] = '"<截图>"'
            while cells and cells[-1] == "null":
                cells.pop()
            rows.append(" | ".join(cells))
            source_col = next((i for i, c in enumerate(row) if c.value == SOURCE_HEADER), source_col)
            shot_col = next((i for i, c in enumerate(row) if c.value == EVIDENCE_HEADER), shot_col)
        lines += sorted(rows)
    return "\n".join(lines) + "\n"


def _docx(path: Path) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    doc = docx.Document(path)
    lines = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(_text(Paragraph(block, doc).text))
        elif tag == "tbl":
            rows = [[_text(c.text).replace(_NO_SHOT, "") for c in row.cells]
                    for row in Table(block, doc).rows if not _picture_row(row)]
            # the first column numbers the rows: which number a finding gets is crawl order too
            rows = [r[1:] if r and r[0].isdigit() else r for r in rows]
            lines += sorted("| " + " | ".join(r) for r in rows)
    for section in doc.sections:
        for part in (section.header, section.footer):
            lines += [f"[{'header' if part is section.header else 'footer'}] {_text(p.text)}"
                      for p in part.paragraphs if p.text]
    return "\n".join(lines) + "\n"


def _picture_row(row) -> bool:
    """A notice's screenshot row: one merged cell holding a picture."""
    return len({id(c._tc) for c in row.cells}) == 1 and bool(
        row.cells[0]._tc.xpath(".//*[local-name()='drawing']"))


READERS = {".json": _json, ".xlsx": _xlsx, ".docx": _docx}


def snapshot(out: Path) -> dict[str, str]:
    """Every output the golden files hold: relative path + '.txt' → its text."""
    return {str(p.relative_to(out)) + ".txt": READERS[p.suffix](p)
            for p in sorted(out.rglob("*")) if p.suffix in READERS}


def stored() -> dict[str, str]:
    return {str(p.relative_to(GOLDEN)): p.read_text(encoding="utf-8")
            for p in sorted(GOLDEN.rglob("*.txt"))}


def update() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "demo-output"
        proc = run_demo(out)
        if proc.returncode:
            sys.exit(proc.stdout + proc.stderr)
        got = snapshot(out)
    for old in GOLDEN.rglob("*.txt"):
        old.unlink()
    for name, text in got.items():
        (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
        (GOLDEN / name).write_text(text, encoding="utf-8")
    print(f"{len(got)} golden files written to {GOLDEN}")


if __name__ == "__main__":
    if sys.argv[1:] != ["update"]:
        sys.exit("usage: python -m tests.golden update")
    update()
