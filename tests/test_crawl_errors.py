"""Issue 23 part 2: a crawler error is never a silent verdict.

A planted failure on a loopback site — an extractor that raises on one page, the store pipeline
failing on another page's item — is counted on the site with the first error and its page; the site
is marked 抓取不完整 in the terminal, the workbook (排名, 问题清单), the notice and results.json, and
the command ends with a Chinese line and exit code 3.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from govaudit import cliopts
from tests.slowsite import HEADER, slow_site

pytestmark = pytest.mark.timeout(300)
GOVAUDIT = Path(sys.executable).with_name("govaudit")
CODE = "9907990044"

# Loaded by every Python process of the run (PYTHONPATH), the crawler child included: the
# extractor that reads letter pages raises on /p3.html, and storing /p4.html's text fails.
PLANT = '''
from crawler.extract import messages
from crawler import pipelines

_detail = messages.message_detail
def message_detail(page):
    if page.url.endswith("/p3.html"):
        raise ValueError("planted extractor failure")
    return _detail(page)
messages.message_detail = message_detail

_store = pipelines.StorePipeline._store
def store(self, item):
    if type(item).__name__ == "Text" and item.url.endswith("/p4.html"):
        raise RuntimeError("planted pipeline failure")
    return _store(self, item)
pipelines.StorePipeline._store = store
'''


def test_errors_mark_the_site_cut_short_everywhere_and_set_the_exit_code(tmp_path):
    plant = tmp_path / "plant"
    plant.mkdir()
    (plant / "sitecustomize.py").write_text(PLANT, encoding="utf-8")
    out = tmp_path / "out"
    with slow_site(host="127.0.1.44", pages=6, delay=0) as site:
        register = tmp_path / "register.csv"
        register.write_text(HEADER + site.register_row(CODE, "出错站"), encoding="utf-8")
        proc = subprocess.run([str(GOVAUDIT), "audit", str(register), "--as-of", "2026-11-22",
                               "--out", str(out), "--db", str(tmp_path / "store.sqlite"),
                               "--timeout", "5", "--workers", "1", "--allow-net", "127.0.0.0/8"],
                              env=dict(os.environ, PYTHONPATH=str(plant)), capture_output=True,
                              text=True, encoding="utf-8", timeout=240, cwd=tmp_path)
        p3, p4 = site.url + "p3.html", site.url + "p4.html"
    assert proc.returncode == cliopts.CRAWL_ERRORS == 3, proc.stdout + proc.stderr
    first = f"抓取时出错 2 次，首个错误：ValueError: planted extractor failure（{p3}）"
    assert proc.stderr.strip().splitlines()[-1] == (
        f"注意：抓取时有 1 个网站出错（共 2 次），这些网站已标为“抓取不完整”，其结论仅依据已抓取的页面："
        f"{CODE}（退出码 3）")
    assert f"抓取不完整 出错站（{CODE}）：{first}" in proc.stderr.replace("\n", "")
    assert "（抓取不完整）" in proc.stdout and "Traceback" not in proc.stderr

    site_result = json.loads((out / "results.json").read_text(encoding="utf-8"))["sites"][0]
    assert site_result["cut_short"] == "crawl_errors"
    assert site_result["crawl_errors"] == {"count": 2, "url": p3,
                                           "first_error": "ValueError: planted extractor failure"}
    # The other pages were still read and stored: the error cost one page's letter check only.
    assert site_result["measurements"]["dead_links_other"] == 0

    book = openpyxl.load_workbook(out / "ranking.xlsx")
    ranking = [[c for c in row if c is not None] for row in book["排名"].iter_rows(values_only=True)]
    row = next(r for r in ranking if "出错站" in r)
    assert any(str(c).endswith("（抓取不完整）") for c in row)
    assert any(first in str(c) for c in row)
    problems = [r for r in book["问题清单"].iter_rows(values_only=True) if r[0] == CODE]
    assert (problems[0][2], problems[0][5], problems[0][7]) == ("抓取不完整", p3, first)

    notice = "\n".join(p.text for p in Document(out / "notices" / f"{CODE}.docx").paragraphs)
    assert f"本次抓取不完整（{first}），以上结论仅依据已抓取的页面。" in notice

    # Scored again later, the run is not called complete, and the command ends like the audit.
    rescored = subprocess.run([str(GOVAUDIT), "score", "--as-of", "2026-11-22",
                               "--db", str(tmp_path / "store.sqlite")], env=dict(os.environ, COLUMNS="400"),
                              capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=tmp_path)
    assert rescored.returncode == 3, rescored.stdout + rescored.stderr
    assert "评分使用第 1 次抓取（抓取不完整：1 个网站抓取时出错（共 2 次），1 个网站，" in rescored.stderr
    assert "完整，" not in rescored.stderr.replace("不完整", "")
    assert rescored.stderr.strip().splitlines()[-1].startswith("注意：抓取时有 1 个网站出错（共 2 次）")


def test_self_check_says_the_crawl_was_incomplete(tmp_path):
    plant = tmp_path / "plant"
    plant.mkdir()
    (plant / "sitecustomize.py").write_text(PLANT, encoding="utf-8")
    with slow_site(host="127.0.1.44", pages=6, delay=0) as site:
        proc = subprocess.run([str(GOVAUDIT), "check", site.url, "--name", "出错站",
                               "--as-of", "2026-11-22", "--out", str(tmp_path / "自查"),
                               "--timeout", "5", "--allow-net", "127.0.0.0/8"],
                              env=dict(os.environ, PYTHONPATH=str(plant), COLUMNS="400"),
                              capture_output=True, text=True, encoding="utf-8", timeout=240,
                              cwd=tmp_path)
        p3 = site.url + "p3.html"
    assert proc.returncode == 3, proc.stdout + proc.stderr
    verdict = next(line for line in proc.stdout.splitlines() if line.startswith("结论："))
    assert verdict.startswith(f"结论：不合格（抓取不完整：抓取时出错 2 次，首个错误：ValueError: planted "
                              f"extractor failure（{p3}））")
