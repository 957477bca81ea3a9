"""The README's first command: `govaudit demo` serves the sample sites, audits them and writes a
report whose results equal the farm's ground truth; with --recheck every file it writes equals the
golden copy in tests/golden/demo/ (see tests/golden.py for how to update it)."""
from __future__ import annotations

import json

import samplefarm
from tests import golden


def test_demo_writes_the_truth(demo_out):
    out = demo_out
    assert {p.name for p in out.iterdir()} >= {"results.json", "ranking.xlsx", "register.csv"}
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    truth = samplefarm.load_truth()
    assert results["as_of"] == str(truth["as_of"])
    got = {s["site_code"]: s for s in results["sites"]}
    assert {code: (s["measurements"], s["vetoes"], s["score"], s["qualified"])
            for code, s in got.items()} == \
        {code: (t["measurements"], t["vetoes"], t["score"], t["qualified"])
         for code, t in truth["sites"].items()}


def test_demo_output_equals_the_golden_files(demo_out):
    """results.json, every sheet of ranking.xlsx and every notice, first audit and re-check: a change
    that means to alter them runs `python -m tests.golden update` in the same commit."""
    got, want = golden.snapshot(demo_out), golden.stored()
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], name


def _every_output_text(folder) -> str:
    """What every file a user gets says: JSON and CSV as written, each workbook cell, each notice's
    paragraphs and table cells (the golden readers), the store's own bytes."""
    from pathlib import Path
    parts = []
    for p in sorted(Path(folder).rglob("*")):
        if p.suffix in golden.READERS:
            parts.append(golden.READERS[p.suffix](p))
        if p.suffix in (".json", ".csv", ".sqlite"):
            parts.append(p.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def test_no_output_republishes_a_planted_personal_number(demo_out, tmp_path):
    """个人信息未脱敏: the farm's planted numbers (in clear on a page, in a .docx and a .pdf, and an ID
    with a wrong check digit) appear in no output — results.json, ranking.xlsx, notices, CSV, the
    review export, the store's verdicts — under census-2015 (提示) and province-2026-example (veto,
    待人工确认); only their masked forms do."""
    import subprocess
    import sys
    from samplefarm import personal
    import shutil
    # a copy: a score run added to the demo's own store would be the newest verdict test_serve reads
    db = shutil.copy(demo_out / "govaudit.sqlite", tmp_path / "govaudit.sqlite")
    out = tmp_path / "province"

    def cli(*args):
        proc = subprocess.run([sys.executable, "-m", "govaudit.cli", *args, "--db", str(db)],
                              capture_output=True, text=True, encoding="utf-8", timeout=300)
        assert proc.returncode in (0, 3), proc.stderr
    cli("score", "--as-of", str(samplefarm.AS_OF), "--ruleset", "province-2026-example")
    cli("report", "--out", str(out))
    cli("review", "--export", str(tmp_path / "待确认.xlsx"))
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    site = next(s for s in results["sites"] if s["site_code"] == "9901000001")
    assert site["measurements"]["personal_data_leaks"] == len(personal.LEAKS)
    assert "personal_data_leak" in site["pending_review"]
    text = "\n".join([_every_output_text(demo_out), _every_output_text(tmp_path)])
    assert "35**************13" in text and "139****2345" in text and "186****4321" in text
    for number in personal.LEAKS + personal.NOT_LEAKS:
        assert number not in text


def test_demo_notices_show_a_captioned_screenshot_under_each_dead_link_and_stale_column(demo_out):
    """Issue 18's done: in the demo's notices every dead-link and stale-column finding has its
    screenshot under it, and that picture is the capture of that very finding (its caption names
    the finding's URL), as the store records it. 江北市 (9901000001) has 7 stale columns and 3
    dead links and attachments: within the per-site cap, so none may say 无截图."""
    import hashlib
    import os

    from docx import Document

    import store
    from browser import launch
    from store import evidence
    why = launch.missing()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"no browser for screenshots: {why} (CI=true: .ci/run installs it)")
        pytest.skip(f"no browser for screenshots: {why}")
    engine = store.connect(str(demo_out / "govaudit.sqlite"))
    by_hash = {}
    for path in (demo_out / "evidence").glob("*.jpg"):
        by_hash[hashlib.sha256(path.read_bytes()).hexdigest()] = evidence.by_sha256(engine, path.stem)
    assert by_hash and all(shot is not None for shot in by_hash.values())
    checked = 0
    for notice in sorted((demo_out / "notices").glob("*.docx")):
        doc = Document(notice)
        blobs = {rel.rId: rel.target_part.blob for rel in doc.part.rels.values()
                 if "image" in rel.reltype}
        for table in doc.tables:
            rows = list(table.rows)
            for row, below in zip(rows, rows[1:] + [None]):
                cells = [c.text for c in row.cells]
                if not cells[0].isdigit() or not (cells[3].startswith("最近更新") or
                                                  cells[3].startswith("HTTP 404")):
                    continue
                if notice.stem == "9901000001":
                    assert not cells[3].endswith("（无截图）"), cells
                if cells[3].endswith("（无截图）"):
                    continue
                rid = below._tr.xpath(".//*[local-name()='blip']/@*[local-name()='embed']")[0]
                shot = by_hash[hashlib.sha256(blobs[rid]).hexdigest()]
                assert cells[2].replace("\n", "") in shot.caption, (notice.name, cells)
                assert "（北京时间）" in shot.caption and "浏览器：Chromium" in shot.caption
                checked += 1
    assert checked >= 30, checked
