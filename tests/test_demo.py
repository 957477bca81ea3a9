"""The README's first command: `govaudit demo` serves the sample sites, audits them and writes a
report whose results equal the farm's ground truth."""
from __future__ import annotations

import json
import subprocess
import sys

from govaudit import samplefarm


def test_demo_writes_the_truth(tmp_path):
    out = tmp_path / "demo-output"
    proc = subprocess.run([sys.executable, "-m", "govaudit.cli", "demo", "--out", str(out),
                           "--timeout", "3"], capture_output=True, text=True, encoding="utf-8",
                          timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in out.iterdir()} >= {"results.json", "ranking.xlsx", "register.csv"}
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    truth = samplefarm.load_truth()
    assert results["as_of"] == str(truth["as_of"])
    got = {s["site_code"]: s for s in results["sites"]}
    assert {code: (s["measurements"], s["vetoes"], s["score"], s["qualified"])
            for code, s in got.items()} == \
        {code: (t["measurements"], t["vetoes"], t["score"], t["qualified"])
         for code, t in truth["sites"].items()}
