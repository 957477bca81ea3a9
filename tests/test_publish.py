"""What an office sends out, on the sample farm audited as the README's 抽查 recipe does it (no
probe step): every verdict says which rules it does not rest on, a site refusing connections at the
crawl says so and what to run, unreviewed judgements are no veto, a vetoed site shows no zeros,
one finding per subject, and the example report settings do not leave the office unnoticed."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from docx import Document

import samplefarm
import store
from tests.golden import _picture_row

DOWN, BOARD, REVIEWED, BLANKS = "9901230015", "9906000005", "9907000004", "9901000012"
SITES = (DOWN, BOARD, REVIEWED, BLANKS)
AS_OF = str(samplefarm.AS_OF)


def govaudit(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "govaudit.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=600,
                          env=dict(os.environ, COLUMNS="200"))
    if check:
        assert proc.returncode == 0, f"govaudit {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
    proc.flat = (proc.stdout + proc.stderr).replace("\n", "")
    return proc


def results(out: Path) -> dict:
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {s["site_code"]: s for s in data["sites"]}


def sheet(out: Path, name: str, key: str = "网站标识码") -> list[dict]:
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(out / "ranking.xlsx")[name].iter_rows()]
    head = next(i for i, r in enumerate(rows) if key in r)
    return [dict(zip(rows[head], r)) for r in rows[head + 1:]]


def overview(out: Path) -> dict:
    ws = openpyxl.load_workbook(out / "ranking.xlsx")["总体情况"]
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}


def notice_text(path: Path) -> str:
    doc = Document(path)
    return "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("publish")
    db = str(tmp / "store.sqlite")
    sites = [a for code in SITES for a in ("--site", code)]
    with samplefarm.start() as farm:
        farm.write_register(tmp / "register.csv")
        proc = govaudit("audit", str(tmp / "register.csv"), "--allow-net", "127.0.0.0/8",
                        "--as-of", AS_OF, "--out",
                        str(tmp / "out"), "--db", db, "--timeout", "3", *sites)
        # then a week of probes (the quick version): the down site is vetoed on them
        engine = store.connect(db)
        from govaudit import pipeline
        samplefarm.probe_sites(engine, pipeline.registered_sites(engine, SITES), timeout=3)
    govaudit("score", "--as-of", AS_OF, "--db", db)
    govaudit("report", "--db", db, "--out", str(tmp / "probed"))
    return tmp, proc


def test_unchecked_rules_are_shown_wherever_the_verdict_is(audited):
    tmp, proc = audited
    out = tmp / "out"
    got = results(out)
    for code in (BOARD, REVIEWED, BLANKS):
        unchecked = {u["rule"]: u["reason"] for u in got[code]["unchecked"]}
        assert unchecked["site_unreachable"].startswith("可用性监测次数不足（实际 无，要求 >= 20）")
        assert unchecked["homepage_availability"] == unchecked["site_unreachable"]
    assert set(u["rule"] for u in got[BOARD]["unchecked"]) == {
        "site_unreachable", "homepage_availability", "poor_interaction", "consultation"}
    assert got[DOWN]["unchecked"] == []          # not assessed at all: its reason says so
    ranking = {r["网站标识码"]: r for r in sheet(out, "排名")}
    assert ranking[BLANKS]["未判定规则"] == (
        "站点无法访问、首页可用性（可用性监测次数不足（实际 无，要求 >= 20））")
    assert overview(out)["未判定规则"] == (
        "3 个网站未判定 站点无法访问、首页可用性（可用性监测次数不足）；"
        "1 个网站未判定 互动回应差、咨询（缺少数据）")
    # the terminal: a warning before the crawl, the rules under the table
    assert "3 个网站在监测时间点" not in proc.flat
    assert f"4 个网站在监测时间点 {AS_OF} 前 7 天内没有首页可用性监测记录" in proc.flat
    assert "govaudit monitor --days 7" in proc.flat
    assert "本次无法判定的规则" in proc.flat and "合格*" in proc.flat
    text = notice_text(out / "notices" / f"{BLANKS}.docx")
    assert ("以下规则因缺少监测数据本次未能判定，检查结果不含这些规则：站点无法访问、首页可用性"
            "（可用性监测次数不足（实际 无，要求 >= 20））。") in text


def test_a_site_refusing_connections_at_the_crawl_says_so_and_what_to_run(audited):
    tmp, proc = audited
    got = results(tmp / "out")[DOWN]
    assert (got["qualified"], got["score"], got["vetoes"]) == (None, None, [])
    reason = {r["网站标识码"]: r for r in sheet(tmp / "out", "排名")}[DOWN]["未评估原因"]
    assert reason.startswith("首页无法访问（抓取时）：连接被拒绝")
    assert "站点无法访问、首页可用性须有首页可用性监测才能判定：运行 govaudit monitor" in reason
    # with the probes, the veto is judged
    assert results(tmp / "probed")[DOWN]["vetoes"] == ["site_unreachable"]


def test_unreviewed_judgements_are_no_veto(audited):
    tmp, proc = audited
    got = results(tmp / "out")[REVIEWED]
    assert (got["qualified"], got["vetoes"], got["pending_review"]) == (None, [], ["serious_error"])
    assert {r["网站标识码"]: r for r in sheet(tmp / "out", "排名")}[REVIEWED]["结果"] == "待确认"
    assert overview(tmp / "out")["待确认网站数"].startswith("1（")
    text = notice_text(tmp / "out" / "notices" / f"{REVIEWED}.docx")
    assert "严重错误（单项否决）" not in text and "检查结果为待确认" in text
    assert "（四）待人工确认的问题（不作为否决依据）" in text and "习近平总书纪" in text
    assert "1 个网站共 1 条问题（严重错误等）待人工确认" in proc.flat and "govaudit review --db" in proc.flat


def test_a_vetoed_site_shows_no_zeros_for_rules_never_scored(audited):
    tmp, _ = audited
    rows = {r["网站标识码"]: r for r in sheet(tmp / "probed", "扣分明细")}
    down = rows[DOWN]
    assert [down[h] for h in ("得分", "首页可用性", "链接可用性", "扣分合计")] == [None] * 4
    assert down["说明"] == "单项否决（站点无法访问），其余指标不评分"
    # a rule the site does not have a column for is judged (nothing charged), not left blank
    assert rows[BLANKS]["在线访谈"] == 0 and rows[BLANKS]["首页可用性"] == 0
    assert rows[BOARD]["咨询"] is None and "咨询（缺少数据" in rows[BOARD]["说明"]


def test_one_finding_per_rule_and_subject(audited):
    tmp, _ = audited
    out = tmp / "out"
    doc = Document(out / "notices" / f"{BLANKS}.docx")
    def findings(table):                         # a finding's row, not the screenshot row under it
        return [row for row in table.rows[1:] if not _picture_row(row)]
    for table in doc.tables:                     # a blank column is also a stale one: listed once
        urls = [row.cells[2].text for row in findings(table)]
        assert len(urls) == len(set(urls)), urls
    first = [[c.text for c in row.cells] for row in findings(doc.tables[0])]
    assert sorted(r[1] for r in first) == ["人事信息", "政策解读", "环境质量", "环评审批", "规划计划"]
    listed = [(r["网站标识码"], r["问题类型"], r["问题页面/链接"]) for r in sheet(out, "问题清单")]
    assert len(listed) == len(set(listed))
    count = {r["网站标识码"]: r["问题数"] for r in sheet(out, "整改通知")}[BLANKS]
    assert count == sum(code == BLANKS and "（" not in kind for code, kind, _ in listed)


def test_example_report_settings_never_leave_unnoticed(audited, tmp_path):
    tmp, proc = audited
    db = str(tmp / "store.sqlite")
    assert "仍是示例值：issuing_office（XX省人民政府办公厅）、contact（联系人：XXX" in proc.flat
    assert "改 issuing_office、notice_date、contact 三行" in proc.flat
    refused = govaudit("report", "--db", db, "--out", str(tmp_path / "no"), "--final", check=False)
    assert refused.returncode == 2 and "--final 拒绝生成" in refused.flat
    assert not (tmp_path / "no").exists()
    office = tmp_path / "office.yaml"
    office.write_text("issuing_office: 华阳省人民政府办公厅\nnotice_date: 2026-11-30\n"
                      "contact: 联系人：王明，联系电话：0871-12345678\n", encoding="utf-8")
    ok = govaudit("report", "--db", db, "--out", str(tmp_path / "yes"), "--final",
                  "--report-config", str(office))
    assert "示例值" not in ok.flat
    text = notice_text(tmp_path / "yes" / "notices" / f"{BLANKS}.docx")
    assert "XX" not in text and "govaudit" not in text      # the software is not named by default
    paras = [p.text for p in Document(tmp_path / "yes" / "notices" / f"{BLANKS}.docx").paragraphs]
    assert [p for p in paras if p][-2:] == ["华阳省人民政府办公厅", "2026年11月30日"]
    office.write_text(office.read_text(encoding="utf-8") + "name_software: true\n", encoding="utf-8")
    govaudit("report", "--db", db, "--out", str(tmp_path / "named"), "--report-config", str(office))
    assert "（检查工具：govaudit）" in notice_text(tmp_path / "named" / "notices" / f"{BLANKS}.docx")


def test_trend_marks_a_recheck_as_a_recheck(audited):
    tmp, _ = audited
    db = str(tmp / "store.sqlite")
    with samplefarm.start() as farm:          # a 复查 of two of the four sites
        farm.write_register(tmp / "register2.csv")
        govaudit("audit", str(tmp / "register2.csv"), "--allow-net", "127.0.0.0/8", "--as-of", AS_OF,
                 "--out", str(tmp / "recheck"), "--db", db, "--timeout", "3", "--site", BLANKS, "--site", DOWN, "--no-notices")
    proc = govaudit("trend", "--db", db, "--out", str(tmp / "trend.xlsx"))
    assert "（复查）" in proc.flat and "已评估" in proc.flat
    ws = openpyxl.load_workbook(tmp / "trend.xlsx")["检查趋势"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert rows[0][:6] == ["监测时间点", "评分批次", "检查类型", "范围", "网站数", "已评估"]
    assert [(r[2], r[4]) for r in rows[1:]] == [("检查", 4), ("复查", 2)]
    chart = openpyxl.load_workbook(tmp / "trend.xlsx")["合格率走势"]
    assert str(chart["A3"].value).endswith("，复查）")


def test_small_things_a_reader_trips_on(audited):
    tmp, _ = audited
    db = str(tmp / "store.sqlite")
    # 分地区统计: a city with its counties, the province's own sites apart
    regions = {r["所属地区"]: r["网站数"] for r in sheet(tmp / "out", "分地区统计", "所属地区")}
    assert regions == {"华阳省江北市": 2, "华阳省云岭市": 1, "华阳省（省本级）": 1, "合计": 4}
    # review --site of a code the audit does not have says so
    proc = govaudit("review", "--db", db, "--site", "9999999999", check=False)
    assert proc.returncode == 2 and "网站标识码 9999999999 不在第 3 次评分" in proc.flat
    # no empty lock file left beside the store
    assert not list(tmp.glob("*.crawl-lock"))


def test_readable_at_80_columns(audited):
    """compare, sites list and rules show at an office laptop's 80 columns: whole names, no raw
    YAML keys (runs after the re-check above, so compare has two audits)."""
    tmp, _ = audited
    db = str(tmp / "store.sqlite")

    def run80(*args: str) -> str:
        proc = subprocess.run([sys.executable, "-m", "govaudit.cli", *args], capture_output=True,
                              text=True, encoding="utf-8", timeout=300,
                              env=dict(os.environ, COLUMNS="80"))
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    compared = run80("compare", "--db", db)
    assert "江北市生态环境局（9901000012）：" in compared and "…" not in compared
    listed = run80("sites", "list", "--db", db)
    assert "9906000005  云岭市云岭区人民政府  县级 门户网站  华阳省云岭市" in listed
    shown = run80("rules", "show", "census-2015")
    assert "【单项否决】站点无法访问  site_unreachable" in shown
    for raw in ("exclusive", "note", "True", "requires", "…"):
        assert raw not in shown, raw
    assert "否决后其余各项不再评分" in shown
