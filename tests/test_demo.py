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
