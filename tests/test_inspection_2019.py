"""inspection-2019 end to end on the sample farm's hacked and misspelt site (9907000002): the one
veto 安全、泄密事故等严重问题 fed by judgement findings (parts 1 and 4) and the score sheet (parts 2,
3, 5, 6). Part 4 needs 没有及时有效处置: a first sighting nobody reviewed leaves it undecided (said
so, never passed); the same hacked page found again by a later crawl vetoes the site."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

import samplefarm
from tests.test_review import govaudit, results, sheet

SITE = "9907000002"      # 2 misspelt protected terms and 1 page with hidden gambling links
SHEET = ("网站标识码,人工核查：泄露国家秘密,人工核查：发布或链接反动、暴力、色情等内容,"
         "人工核查：存在弄虚作假行为（如伪造发稿日期等）,人工核查：因网站建设管理工作不当引发严重负面舆情,"
         "人工核查：未提供办事服务,国务院部门门户网站，且该部门没有对外服务职能\n"
         f"{SITE},否,否,否,否,否,否\n")


@pytest.fixture(scope="module")
def farm_store(tmp_path_factory):
    out = tmp_path_factory.mktemp("inspection")
    db = f"sqlite:///{out / 'govaudit.sqlite'}"
    (out / "评分表.csv").write_text(SHEET, encoding="utf-8")
    with samplefarm.start() as farm:
        farm.write_register(out / "register.csv")

        def audit(dest: str):
            govaudit("audit", str(out / "register.csv"), "--allow-net", "127.0.0.0/8",
                     "--as-of", str(samplefarm.AS_OF),
                     "--out", str(out / dest), "--db", db, "--timeout", "3", "--site", SITE, "--ruleset", "inspection-2019",
                     "--scores", str(out / "评分表.csv"), "--no-notices")
            return results(out / dest)[SITE]
        yield out, db, audit


def test_six_part_veto_from_findings_and_sheet(farm_store):
    out, db, audit = farm_store
    first = audit("first")
    m = first["measurements"]
    assert (m["serious_misstatements"], m["hacked_pages"], m["hacked_pages_unhandled"]) == (2, 1, None)
    # part 1 (misstatements) waits for review: listed apart, not yet a veto (issue 21); the sheet
    # answered 否 to parts 2, 3, 5, 6. (The site has no consultation column either: 互动回应差.)
    assert first["vetoes"] == ["poor_interaction"]
    assert first["pending_review"] == ["security_incident"]
    ranking = {r["网站标识码"]: r for r in sheet(out / "first", "排名")}
    assert ranking[SITE]["单项否决项"] == "互动回应差（待核对）"
    rows = [[c for c in r if c] for r in _rows(out / "first", "排名")]
    note = next(c for r in rows for c in r if isinstance(c, str) and "个数值中" in c)
    assert "本规则集 41 个数值中 30 个待核对（每个数值的出处见 govaudit rules show inspection-2019）" in note

    # the reviewer dismisses both misspellings; the hacked page, first seen, stays unreviewed
    export = out / "待确认.csv"
    govaudit("review", "--db", db, "--export", str(export))
    with open(export, encoding="utf-8-sig", newline="") as fh:
        items = list(csv.DictReader(fh))
    assert sorted(r["词语"] for r in items) == ["中华人民共合国", "国务阮办公厅", "澳门新葡京"]
    for r in items:
        if r["词语"] != "澳门新葡京":
            r["处理（确认/排除）"], r["审核人"] = "排除", "李四"
    with open(export, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(items[0]))
        w.writeheader()
        w.writerows(items)
    govaudit("review", "--db", db, "--import", str(export), "--scores", str(out / "评分表.csv"),
             "--out", str(out / "reviewed"))
    reviewed = results(out / "reviewed")[SITE]
    # part 4 undecided: not vetoed, not passed over — the ranking says what waits for whom
    assert reviewed["vetoes"] == ["poor_interaction"]
    assert reviewed["measurements"]["hacked_pages_unhandled"] is None
    assert reviewed["pending_review"] == ["security_incident"]
    hacked = [r for r in sheet(out / "reviewed", "问题清单")
              if r.get("网站标识码") == SITE and "澳门新葡京" in str(r.get("证据"))]
    assert [(r["问题类型"], r["人工确认"]) for r in hacked] == [
        ("安全、泄密事故等严重问题（待人工确认，不作为否决依据）", "待人工确认")]

    # a later crawl finds the same hacked page: not handled in time → part 4 holds
    second = audit("second")
    assert second["measurements"]["hacked_pages_unhandled"] == 1
    assert second["measurements"]["serious_misstatements"] == 0        # dismissed, not raised again
    assert second["vetoes"] == ["security_incident", "poor_interaction"]
    assert second["pending_review"] == ["security_incident"]     # a reviewer may still dismiss it
    evidence = [r["证据"] for r in sheet(out / "second", "问题清单")
                if r["网站标识码"] == SITE and "疑似被植入" in (r["证据"] or "")]
    assert len(evidence) == 1 and f"（{samplefarm.AS_OF} 的检查已发现，至今未处置）" in evidence[0]
    # the veto stands without review: its title does not say it waits for one
    ranking = {r["网站标识码"]: r for r in sheet(out / "second", "排名")}
    assert ranking[SITE]["单项否决项"] == "安全、泄密事故等严重问题；互动回应差（待核对）"
    # the 2015 census does not judge handling: the re-sighted page still waits for the reviewer
    govaudit("score", "--db", db, "--as-of", str(samplefarm.AS_OF), "--ruleset", "census-2015")
    govaudit("report", "--db", db, "--out", str(out / "census"), "--no-notices")
    census = results(out / "census")[SITE]
    assert "serious_error" not in census["vetoes"] and census["pending_review"] == ["serious_error"]


def _rows(out: Path, name: str) -> list[list]:
    import openpyxl
    return [[c.value for c in row] for row in openpyxl.load_workbook(out / "ranking.xlsx")[name].iter_rows()]
