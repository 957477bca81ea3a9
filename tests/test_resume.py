"""An interrupted crawl resumes (per-site completion state in the store) and loses nothing: after Ctrl-C
mid-crawl and `govaudit crawl --resume`, the audit still equals the sample farm's ground truth."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import samplefarm
from tests.test_audit_e2e import probe_first


def cli(*args):
    return subprocess.run([sys.executable, "-m", "govaudit.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=600)


def test_interrupted_crawl_resumes_to_the_same_results(tmp_path):
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with samplefarm.start() as farm:
        farm.write_register(tmp_path / "register.csv")
        assert cli("sites", "import", str(tmp_path / "register.csv"), "--db", db).returncode == 0
        probe_first(tmp_path / "register.csv", db)
        crawl = subprocess.Popen(
            [sys.executable, "-m", "govaudit.cli", "crawl", "--allow-net", "127.0.0.0/8", "--db", db, "--timeout", "3",
             "--trust-ca", farm.cafile],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
            start_new_session=True)
        finished_before = 0
        for line in crawl.stdout:
            if "完成" in line:          # one live site done: interrupt the rest, as Ctrl-C would
                finished_before += 1
                os.killpg(crawl.pid, signal.SIGINT)
                break
        _, err = crawl.communicate(timeout=120)
        assert finished_before == 1
        assert crawl.returncode == 2 and "govaudit crawl --resume" in err
        resumed = cli("crawl", "--resume", "--db", db, "--timeout", "3")
        assert resumed.returncode == 0, resumed.stderr
        assert "继续第 1 次抓取" in resumed.stdout
        assert cli("score", "--as-of", str(samplefarm.AS_OF), "--db", db).returncode == 0
        assert cli("report", "--out", str(tmp_path), "--db", db).returncode == 0
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    truth = samplefarm.load_truth()["sites"]
    got = {s["site_code"]: s for s in results["sites"]}
    for code, want in truth.items():
        assert got[code]["measurements"] == want["measurements"], code
        assert got[code]["vetoes"] == want["vetoes"], code
