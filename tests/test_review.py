"""The reviewer's word, end to end on the sample farm: a serious-error veto is marked 待人工确认 in
every output; dismissing it (bulk file or keyboard) lets the site qualify and a re-audit does not
raise it again; a confirmed finding stays. Also --terms: a re-score with the user's terms finds
what the shipped list does not, without crawling again."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import samplefarm

ERRORS, REVIEWED = "9907000002", "9907000004"     # 3 serious errors; 1 (习近平总书纪)
SITES = ("--site", ERRORS, "--site", REVIEWED)


def govaudit(*args: str, input: str | None = None, check: bool = True):
    proc = subprocess.run([sys.executable, "-m", "govaudit.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=600, input=input)
    if check and proc.returncode != 0:
        raise AssertionError(f"govaudit {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def results(out: Path) -> dict:
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {s["site_code"]: s for s in data["sites"]}


def sheet(out: Path, name: str) -> list[dict]:
    """The rows of a workbook sheet as {header: value}, below the header row (after any titles)."""
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(out / "ranking.xlsx")[name].iter_rows()]
    head = next(i for i, r in enumerate(rows) if "网站标识码" in r)
    return [dict(zip(rows[head], r)) for r in rows[head + 1:]]


def findings_sheet(out: Path) -> list[dict]:
    return sheet(out, "问题清单")


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    out = tmp_path_factory.mktemp("review")
    db = f"sqlite:///{out / 'govaudit.sqlite'}"
    with samplefarm.start() as farm:
        farm.write_register(out / "register.csv")

        def audit(dest: str):
            govaudit("audit", str(out / "register.csv"), "--allow-net", "127.0.0.0/8", "--as-of", str(samplefarm.AS_OF),
                     "--out", str(out / dest), "--db", db, "--timeout", "3", *SITES)
        audit("first")
        yield out, db, audit


def test_round_trip(audited):
    out, db, audit = audited
    first = results(out / "first")
    # unreviewed judgements are no ground for a veto: both sites pass otherwise, so are 待确认
    for code, n in ((ERRORS, 3), (REVIEWED, 1)):
        assert first[code]["measurements"]["serious_errors"] == n
        assert first[code]["vetoes"] == [] and first[code]["qualified"] is None
        assert first[code]["score"] == 90 and first[code]["pending_review"] == ["serious_error"]
    ranking = {r["网站标识码"]: r for r in sheet(out / "first", "排名")}
    assert ranking[REVIEWED]["结果"] == "待确认" and ranking[REVIEWED]["单项否决项"] is None
    assert "待确认：严重错误所依据的问题待人工确认（govaudit review），确认则不合格" \
        in ranking[REVIEWED]["未评估原因"]
    assert sheet(out / "first", "单项否决") == []
    serious = [r for r in findings_sheet(out / "first")
               if r["问题类型"] == "严重错误（待人工确认，不作为否决依据）"]
    assert len(serious) == 4 and {r["人工确认"] for r in serious} == {"待人工确认"}

    # bulk: export, fill in 处理, import
    bulk = out / "待确认.csv"
    govaudit("review", "--db", db, "--export", str(bulk))
    with open(bulk, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted((r["网站标识码"], r["词语"]) for r in rows) == sorted([
        (ERRORS, "国务阮办公厅"), (ERRORS, "中华人民共合国"), (ERRORS, "澳门新葡京"),
        (REVIEWED, "习近平总书纪")])
    for r in rows:
        if r["网站标识码"] == REVIEWED:
            r["处理（确认/排除）"], r["审核人"] = "排除", "李四"
        elif r["词语"] == "国务阮办公厅":
            r["处理（确认/排除）"], r["审核人"] = "确认", "李四"
    with open(bulk, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    proc = govaudit("review", "--db", db, "--import", str(bulk), "--out", str(out / "reviewed"))
    assert "确认 1 条，排除 1 条" in proc.stdout
    reviewed = results(out / "reviewed")
    assert reviewed[REVIEWED]["qualified"] is True and reviewed[REVIEWED]["vetoes"] == []
    assert reviewed[REVIEWED]["measurements"]["serious_errors"] == 0
    assert reviewed[REVIEWED]["pending_review"] == []
    assert reviewed[ERRORS]["measurements"]["serious_errors"] == 3
    marks = {r["栏目/链接名称"]: r["人工确认"] for r in findings_sheet(out / "reviewed")
             if r["网站标识码"] == ERRORS and r["问题类型"].startswith("严重错误")}
    assert sorted(marks.values())[0].startswith("已确认（李四 ")
    assert sum(v == "待人工确认" for v in marks.values()) == 2

    # a new audit (new crawl, new score) keeps both decisions
    audit("second")
    second = results(out / "second")
    assert second[REVIEWED]["qualified"] is True
    assert second[REVIEWED]["measurements"]["serious_errors"] == 0
    assert second[ERRORS]["measurements"]["serious_errors"] == 3
    assert second[ERRORS]["vetoes"] == ["serious_error"]

    # keyboard: dismiss the first pending one, then quit
    proc = govaudit("review", "--db", db, "--site", ERRORS, "--reviewer", "王五",
                    "--out", str(out / "third"), input="n\nq\n")
    assert "[1/2]" in proc.stdout and "确认 0 条，排除 1 条" in proc.stdout
    third = results(out / "third")
    assert third[ERRORS]["measurements"]["serious_errors"] == 2
    assert third[ERRORS]["vetoes"] == ["serious_error"]


def test_user_terms_rescore_without_crawling(audited, tmp_path):
    out, db, _ = audited
    terms = tmp_path / "terms.txt"
    terms.write_text("# 本省机构\n华阳省档案局\n", encoding="utf-8")
    govaudit("score", "--as-of", str(samplefarm.AS_OF), "--db", db, "--terms", str(terms))
    govaudit("report", "--db", db, "--out", str(tmp_path / "out"))
    got = results(tmp_path / "out")[REVIEWED]
    rows = [r for r in findings_sheet(tmp_path / "out")
            if r["网站标识码"] == REVIEWED and r["问题类型"].startswith("严重错误")]
    assert got["measurements"]["serious_errors"] == len(rows)
    # 华阳省档按局 is found now (习近平总书纪 too, unless the round trip above dismissed it)
    assert any("“华阳省档按局”疑为“华阳省档案局”之误" in r["证据"] for r in rows)
    assert len(rows) in (1, 2)
    bad = tmp_path / "bad.txt"
    bad.write_text("华阳省\n王 建国\n", encoding="utf-8")
    proc = govaudit("score", "--as-of", str(samplefarm.AS_OF), "--db", db, "--terms", str(bad),
                    check=False)
    assert proc.returncode == 2 and "第 2 行“王 建国”" in proc.stderr
