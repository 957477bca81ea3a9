"""The office's cycle end to end: audit the farm, the sites rectify (spec_recheck.py), audit again,
compare. Every planted change must get its status, every untouched problem must remain, and the
site that is down at the re-check cannot be re-checked."""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from scoring import recheck as rc
import samplefarm
from samplefarm import spec_recheck

SITES = ["9901000001", "9901000012", "9901230001", "9901230101"]
AS_OF = str(samplefarm.AS_OF)


def govaudit(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "govaudit.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=600,
                          env=dict(os.environ, COLUMNS="200"))   # an office monitor, not 80 columns
    assert proc.returncode == 0, f"govaudit {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
    proc.flat = proc.stdout.replace("\n", "")      # the terminal wraps long lines at 80 columns
    return proc


def write_register(farm, path: Path) -> Path:
    farm.write_register(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\ufeff" + "\n".join([lines[0]] + [l for l in lines[1:]
                                                        if l.split(",")[1] in SITES]) + "\n",
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cycle")
    db = str(tmp / "store.sqlite")
    common = ("--allow-net", "127.0.0.0/8", "--as-of", AS_OF, "--db", db, "--timeout", "3")
    with samplefarm.start() as farm:
        port = farm.port
        reg = write_register(farm, tmp / "register.csv")
        govaudit("audit", str(reg), "--out", str(tmp / "before"), *common)
    with samplefarm.start(port, phase="recheck") as farm:
        govaudit("audit", str(reg), "--out", str(tmp / "after"), *common)
    proc = govaudit("compare", "--out", str(tmp / "recheck"), "--db", db)
    before = json.loads((tmp / "before" / "results.json").read_text(encoding="utf-8"))
    results = json.loads((tmp / "recheck" / "results.json").read_text(encoding="utf-8"))
    return tmp, db, port, before, results, proc.flat


def statuses(results, code):
    """A site's re-check and {(kind, URL, or for a site-level finding the rule): status}."""
    site = next(s for s in results["recheck"]["sites"] if s["site_code"] == code)
    return site, {(f["kind"], f["rules"][0] if f["kind"] in rc.SITE_LEVEL else f["url"]):
                  f["status"] for f in site["findings"]}


def url(port, code, path):
    host = {"9901230001": 3, "9901230101": 6}[code]
    return f"http://127.0.1.{host}:{port}{path}"


def test_rectified_problems_are_fixed_and_the_rest_remain(cycle):
    _, _, port, _, results, _ = cycle
    site, st = statuses(results, "9901230001")
    fixed = {k for k, v in st.items() if v == rc.FIXED}
    assert fixed == {("stale_column", url(port, "9901230001", "/xwzx/xzyw/")),
                     ("dead_link", url(port, "9901230001", spec_recheck.FIXED_LINK_QINGHE)),
                     ("homepage_updates", "homepage_not_updated"),      # the veto is cleared
                     ("blank_column", url(port, "9901230001", "/ztzl/"))}
    # the homepage still has fewer than 10 updates: charged now, under the deduction
    assert {k for k, v in st.items() if v == rc.NEW} == {("homepage_updates", "homepage_updates")}
    assert set(st.values()) == {rc.FIXED, rc.OPEN, rc.NEW}    # nothing unverifiable
    assert "homepage_not_updated" in site["before"]["vetoes"]
    assert "homepage_not_updated" not in site["after"]["vetoes"]
    below = [f for f in site["findings"] if f.get("below_line")]
    assert [(f["kind"], f["status"]) for f in below] == [("blank_column", rc.FIXED)]
    charged = [f for f in site["findings"] if not f.get("below_line")]
    assert (site["fixed"], site["new"]) == (3, 1)
    assert site["rate"] == pytest.approx(3 / sum(f["status"] != rc.NEW for f in charged), abs=1e-4)


def test_a_new_problem_is_new_and_a_removed_one_fixed(cycle):
    _, _, port, _, results, _ = cycle
    _, st = statuses(results, "9901230101")
    assert {k for k, v in st.items() if v == rc.FIXED} == {
        ("dead_link", url(port, "9901230101", spec_recheck.FIXED_LINK_LIULIN))}
    assert {k for k, v in st.items() if v == rc.NEW} == {
        ("dead_link", url(port, "9901230101", spec_recheck.NEW_DEAD_LINK_LIULIN))}
    assert {v for k, v in st.items() if k[1].endswith(("/xczx/", "/lyzt/")) is False} <= {rc.OPEN}


def test_a_site_down_at_the_recheck_is_not_counted_as_fixed(cycle):
    _, _, _, before, results, _ = cycle
    site, st = statuses(results, spec_recheck.DOWN_AT_RECHECK)
    assert site["after"]["qualified"] is None and site["rate"] is None
    assert st and set(st.values()) == {rc.UNVERIFIED}
    assert site["before"]["qualified"] is False


def test_an_unchanged_site_keeps_every_problem(cycle):
    _, _, _, _, results, _ = cycle
    site, st = statuses(results, "9901000001")
    assert st and set(st.values()) == {rc.OPEN}
    assert site["before"] == site["after"]


def test_recheck_sheet_and_terminal_summary(cycle):
    tmp, _, port, _, _, stdout = cycle
    ws = openpyxl.load_workbook(tmp / "recheck" / "ranking.xlsx")["整改情况"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    summary = {r[0]: r for r in rows[2:6]}
    assert summary["9901230101"][6:10] == [1, summary["9901230101"][7], 1, 0]
    assert summary["9901000012"][4] == "未能评估"
    fixed_link = url(port, "9901230101", spec_recheck.FIXED_LINK_LIULIN)
    row = next(r for r in ws.iter_rows() if r[5].value == fixed_link)
    assert row[2].value == rc.FIXED and row[5].hyperlink.target == fixed_link
    assert "清河县人民政府（9901230001）" in stdout and "整改率" in stdout


def test_sample_with_failed_last_draws_the_failed_sites(cycle):
    tmp, db, _, _, results, _ = cycle
    out = tmp / "sample.csv"
    govaudit("sample", "--share", "1%", "--min", "0", "--include-failed-last", "--seed", "1",
             "--out", str(out), "--db", db)
    failed = {s["site_code"] for s in json.loads((tmp / "after" / "results.json")
                                                  .read_text(encoding="utf-8"))["sites"]
              if s["qualified"] is False}
    drawn = {line.split(",")[1] for line in out.read_text(encoding="utf-8-sig").splitlines()[1:]}
    assert failed and drawn == failed


def test_trend_across_the_two_audits(cycle):
    tmp, db, _, before, _, _ = cycle
    proc = govaudit("trend", "--by", "行政级别", "--out", str(tmp / "trend.xlsx"), "--db", db)
    ws = openpyxl.load_workbook(tmp / "trend.xlsx")["检查趋势"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    first = [r for r in rows if r[1] == rows[0][1]]
    whole = next(r for r in first if r[3] == "全部")
    assessed = [s for s in before["sites"] if s["qualified"] is not None]
    assert whole[2] == "检查"       # the same four sites again: the next audit, not a re-check
    assert whole[4:7] == [len(SITES), len(assessed), sum(s["qualified"] for s in assessed)]
    assert len({r[1] for r in rows}) == 2 and "合格率走势" in openpyxl.load_workbook(
        tmp / "trend.xlsx").sheetnames
    assert "县级" in proc.stdout


def test_self_check_twice_shows_what_was_fixed(tmp_path):
    args = ("--allow-net", "127.0.0.0/8", "--name", "清河县柳林镇人民政府", "--as-of", AS_OF, "--out", str(tmp_path / "自查"),
            "--timeout", "3")
    with samplefarm.start() as farm:
        port = farm.port
        home = farm.base_url("9901230101")
        first = govaudit("check", home, *args).flat
    assert "【链接可用性】" in first and f"127.0.1.6:{port}/ztzl/xczx/" in first
    assert "本次无法判定的规则" in first
    # the hint works as printed: it names the self-check's own store
    store_db = tmp_path / "自查" / "govaudit.sqlite"
    assert f"govaudit monitor --days 7 --per-day 24 --db {shlex.quote(str(store_db))}".replace(" ", "") \
        in first.replace(" ", "")                  # the terminal may wrap the line at a space
    with samplefarm.start(port, phase="recheck") as farm:
        second = govaudit("check", home, *args).flat
        probed = govaudit("probe", "--count", "1", "--db", str(store_db), "--allow-net",
                          "127.0.0.0/8").flat
    assert "127.0.1.6" in probed          # the site the self-check registered in its own store
    assert "已整改 1" in second and "新增 1" in second
    assert (tmp_path / "自查" / "ranking.xlsx").exists()


def test_compare_names_the_audits_that_exist(cycle):
    _, db, _, _, _, _ = cycle
    proc = subprocess.run([sys.executable, "-m", "govaudit.cli", "compare", "--before", "99",
                           "--db", db], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 2
    assert "没有第 99 次评分。已有的检查：第 1 次评分（监测时间点 2026-11-22）；第 2 次评分" in proc.stderr.replace("\n", "")


def test_recheck_notices_for_sites_with_open_problems(cycle):
    import docx
    tmp, _, port, _, results, _ = cycle
    folder = tmp / "recheck" / "recheck_notices"
    sites = {s["site_code"]: s for s in results["recheck"]["sites"]}
    expected = {c for c, s in sites.items() if s["open"] or s["new"] or s["unverified"]}
    assert {p.stem for p in folder.glob("*.docx")} == expected
    doc = docx.Document(folder / "9901230101.docx")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于清河县柳林镇人民政府整改复查情况的通知" in text
    assert "已整改 1 项" in text and "复查新发现问题 1 项" in text and "截止日期为" in text
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert url(port, "9901230101", spec_recheck.NEW_DEAD_LINK_LIULIN) in cells
    assert url(port, "9901230101", spec_recheck.FIXED_LINK_LIULIN) not in cells
    down = "\n".join(p.text for p in docx.Document(folder / f"{spec_recheck.DOWN_AT_RECHECK}.docx")
                     .paragraphs)
    assert "未能复查，视同未整改" in down
    listed = openpyxl.load_workbook(tmp / "recheck" / "ranking.xlsx")["整改通知"]
    assert any(r[4].value == "复查通知" and r[7].value == "recheck_notices/9901230101.docx"
               for r in listed.iter_rows())


def test_problems_below_the_line_are_listed_as_hints(cycle):
    import docx
    tmp, _, port, _, _, _ = cycle
    ws = openpyxl.load_workbook(tmp / "before" / "ranking.xlsx")["问题清单"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    blank = url(port, "9901230001", "/ztzl/")
    assert [r[2] for r in rows if r[5] == blank] == ["栏目不更新（提示：未达扣分线，建议整改）"]
    doc = docx.Document(tmp / "before" / "notices" / "9901230001.docx")
    heads = [p.text for p in doc.paragraphs if p.text.startswith("（")]
    assert "（五）提示：未达扣分线，建议整改" in heads
    # the re-check notice: the cleared veto is not 未整改, the homepage's deduction is new
    text = "\n".join([p.text for p in docx.Document(tmp / "recheck" / "recheck_notices" /
                                                    "9901230001.docx").paragraphs])
    assert "原有问题已整改 3 项" in text and "另有未达扣分线的问题（提示）已整改 1 项" in text
