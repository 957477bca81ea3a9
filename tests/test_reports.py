"""reports: results.json exactly as DOMAIN.md, and ranking.xlsx re-read with openpyxl."""
from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import load_workbook

from govaudit.register import SiteRecord
from indicators.findings import Finding
from reports.labels import measurement_order
from reports.model import AuditReport, SiteReport
from reports.ranking_xlsx import FINDING_HEADERS, RANKING_HEADERS, write_ranking
from reports.results_json import results_dict, write_results
from scoring.verdict import Deduction, Verdict

ALL_NONE = dict.fromkeys([
    "availability_probes", "availability_failures", "homepage_updates_14d", "stale_columns_news",
    "stale_columns_notice_policy", "stale_columns_personnel_plan", "stale_columns_total", "blank_columns",
    "dead_links_home", "dead_links_other", "consultation_columns", "consultation_messages_1y",
    "unanswered_messages_over_3m", "survey_columns", "surveys_1y", "interview_columns", "interviews_1y",
    "guides_missing_elements", "broken_attachments", "online_systems_down", "serious_errors"])
EVIL_EVIDENCE = '=HYPERLINK("http://x")'
EVIL_TITLE = "+cmd|' /C calc'!A0"


def _site(code, name, level="县级", stype="门户网站"):
    return SiteRecord(code, name, f"http://{code}.gov.cn/", f"{name}办公室", level, "XX省XX市", stype, 2)


def make_report() -> AuditReport:
    vetoed = SiteReport(
        site=_site("4401000002", "乙县人民政府"),
        verdict=Verdict("4401000002", False, 0.0, vetoes=["columns_not_updated", "homepage_not_updated"],
                        rank=2),
        # keys deliberately out of order, one key DOMAIN.md does not know, one it knows left out
        measurements={"stale_columns_total": 12, "homepage_updates_14d": 0, "x_extra": 7,
                      "availability_probes": 20, "availability_failures": 0},
        findings=[
            Finding("stale_column", "stale_columns_news", "http://4401000002.gov.cn/gzdt/",
                    "最近更新 2026-10-01，超过 2 周未更新", title="工作动态"),
            Finding("dead_link", "dead_links_home", "http://4401000002.gov.cn/dead.html", "HTTP 404",
                    source_url="http://4401000002.gov.cn/"),       # hidden: vetoed, nothing deducted
            Finding("homepage_updates", "homepage_updates_14d", "http://4401000002.gov.cn/",
                    "首页两周内无新发布信息"),
        ])
    qualified = SiteReport(
        site=_site("4401000001", "甲市人民政府", level="地市级"),
        verdict=Verdict("4401000001", True, 90.6, rank=1, deductions=[
            Deduction("link_availability", 4.4, 14),
            Deduction("homepage_updates", 5.0, 1, title="首页更新量（自定义）"),
            Deduction("survey", 0.0, 0)]),
        measurements={"availability_probes": 20, "availability_failures": 0, "homepage_updates_14d": 6,
                      "dead_links_home": 1, "dead_links_other": 34, "broken_attachments": 1},
        findings=[
            Finding("dead_link", "dead_links_other", "http://4401000001.gov.cn/a.html", EVIL_EVIDENCE,
                    title=EVIL_TITLE, source_url="http://4401000001.gov.cn/list.html"),
            Finding("dead_link", "dead_links_home", "http://4401000001.gov.cn/b.html",
                    "HTTP 404\x07\x1b", title="b\x00"),               # control characters dropped
            Finding("broken_attachment", "broken_attachments", "http://4401000001.gov.cn/f.doc",
                    "HTTP 404"),                                     # hidden: attachments not deducted
        ])
    unassessed = SiteReport(
        site=_site("4401000003", "-丙镇人民政府", level="乡镇", stype="部门网站"),
        verdict=Verdict("4401000003", None, None, note="首页无法访问，未能评估"),
        measurements=dict(ALL_NONE), findings=[])
    return AuditReport(
        as_of=date(2026, 11, 22), ruleset_id="census-2015",
        rule_titles={"columns_not_updated": "栏目不更新", "homepage_not_updated": "首页不更新",
                     "link_availability": "链接可用性", "homepage_updates": "首页更新量",
                     "attachments": "附件下载", "survey": "征集调查"},
        rules_reading={"stale_columns_news": ["columns_not_updated", "basic_info"],
                       "homepage_updates_14d": ["homepage_not_updated", "homepage_updates"],
                       "dead_links_home": ["link_availability"],
                       "dead_links_other": ["link_availability"],
                       "broken_attachments": ["attachments"]},
        sites=[unassessed, vetoed, qualified],
        crawl_summary={"抓取站点数": 3, "无法访问站点数": 1, "抓取页面数": 812},
        rule_hints={"link_availability": "修复或删除不可用链接", "columns_not_updated": "及时更新栏目内容"})


EXPECTED = {
    "as_of": "2026-11-22", "ruleset": "census-2015",
    "sites": [
        {"site_code": "4401000001", "site_name": "甲市人民政府", "qualified": True, "score": 90.6, "rank": 1,
         "vetoes": [],
         "deductions": [{"rule": "link_availability", "points": 4.4, "count": 14},
                        {"rule": "homepage_updates", "points": 5.0, "count": 1},
                        {"rule": "survey", "points": 0.0, "count": 0}],
         "measurements": {"availability_probes": 20, "availability_failures": 0, "homepage_updates_14d": 6,
                          "dead_links_home": 1, "dead_links_other": 34, "broken_attachments": 1}},
        {"site_code": "4401000002", "site_name": "乙县人民政府", "qualified": False, "score": 0.0, "rank": 2,
         "vetoes": ["columns_not_updated", "homepage_not_updated"], "deductions": [],
         "measurements": {"availability_probes": 20, "availability_failures": 0, "homepage_updates_14d": 0,
                          "stale_columns_total": 12, "x_extra": 7}},
        {"site_code": "4401000003", "site_name": "-丙镇人民政府", "qualified": None, "score": None,
         "rank": None, "vetoes": [], "deductions": [], "measurements": dict(ALL_NONE)},
    ]}


def test_results_dict_exact():
    d = results_dict(make_report())
    assert d == EXPECTED
    assert list(d) == ["as_of", "ruleset", "sites"]
    assert [list(s["measurements"]) for s in d["sites"]][1] == [
        "availability_probes", "availability_failures", "homepage_updates_14d", "stale_columns_total",
        "x_extra"]
    assert list(d["sites"][2]["measurements"]) == list(ALL_NONE)   # DOMAIN.md order
    assert list(ALL_NONE) == list(measurement_order())


def test_write_results_file(tmp_path):
    path = write_results(make_report(), tmp_path / "out" / "results.json")
    raw = path.read_text(encoding="utf-8")
    assert json.loads(raw) == EXPECTED
    assert "甲市人民政府" in raw and '"interviews_1y": null' in raw
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]  # no temp file left behind


def test_unranked_sites_sort_by_code():
    rep = make_report()
    rep.sites[0].verdict.rank = None
    rep.sites.append(SiteReport(_site("4401000000", "丁"), Verdict("4401000000", None, None), {}, []))
    assert [s["site_code"] for s in results_dict(rep)["sites"]] == [
        "4401000001", "4401000002", "4401000000", "4401000003"]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "ranking.xlsx"
    write_ranking(make_report(), path)
    return load_workbook(path)


def _rows(ws, first):
    return [[c.value for c in row] for row in ws.iter_rows(min_row=first)]


def test_ranking_sheet(workbook):
    assert workbook.sheetnames == ["排名", "问题清单", "指标明细", "说明"]
    ws = workbook["排名"]
    assert ws["A1"].value == "政府网站抽查结果排名（监测时间点：2026-11-22，规则：census-2015）"
    assert [c.value for c in ws[2]] == list(RANKING_HEADERS) == [
        "排名", "网站标识码", "网站名称", "主办单位", "行政级别", "所属地区", "网站类型", "得分", "结果",
        "单项否决项", "扣分明细", "首页网址"]
    assert _rows(ws, 3) == [
        [1, "4401000001", "甲市人民政府", "甲市人民政府办公室", "地市级", "XX省XX市", "门户网站", 90.6, "合格",
         None, "链接可用性 -4.4；首页更新量（自定义） -5", "http://4401000001.gov.cn/"],
        [2, "4401000002", "乙县人民政府", "乙县人民政府办公室", "县级", "XX省XX市", "门户网站", 0, "不合格",
         "栏目不更新；首页不更新", None, "http://4401000002.gov.cn/"],
        ["—", "4401000003", "-丙镇人民政府", "-丙镇人民政府办公室", "乡镇", "XX省XX市", "部门网站", "—",
         "未能评估", None, None, "http://4401000003.gov.cn/"],
    ]
    red = [r for r in range(3, 6) if ws.cell(r, 1).fill.fgColor.rgb == "00FFC7CE"]
    assert red == [4]
    assert all(ws.cell(4, c).fill.fgColor.rgb == "00FFC7CE" for c in range(1, 13))
    assert ws.freeze_panes == "C3"
    assert ws.auto_filter.ref == "A2:L5"
    assert ws["H3"].number_format == "0.0#"
    assert ws["I5"].comment.text == "首页无法访问，未能评估"
    assert ws["C5"].data_type == "s" and ws["C5"].quotePrefix    # "-丙镇…" stays text
    assert not ws["C3"].quotePrefix
    assert ws.column_dimensions["C"].width > 12


def test_findings_sheet_shows_only_charged_findings_as_plain_text(workbook):
    ws = workbook["问题清单"]
    assert [c.value for c in ws[1]] == list(FINDING_HEADERS)
    assert _rows(ws, 2) == [
        ["4401000001", "甲市人民政府", "链接可用性", "其他页面不可用链接数", EVIL_TITLE,
         "http://4401000001.gov.cn/a.html", "http://4401000001.gov.cn/list.html", EVIL_EVIDENCE,
         "修复或删除不可用链接"],
        ["4401000001", "甲市人民政府", "链接可用性", "首页不可用链接数", "b",
         "http://4401000001.gov.cn/b.html", None, "HTTP 404", "修复或删除不可用链接"],
        ["4401000002", "乙县人民政府", "栏目不更新", "超期未更新的动态要闻类栏目数", "工作动态",
         "http://4401000002.gov.cn/gzdt/", None, "最近更新 2026-10-01，超过 2 周未更新", "及时更新栏目内容"],
        ["4401000002", "乙县人民政府", "首页不更新", "首页近 2 周更新信息条数", None,
         "http://4401000002.gov.cn/", None, "首页两周内无新发布信息", None],
    ]
    for coord in ("E2", "H2"):
        assert ws[coord].data_type == "s"
        assert ws[coord].quotePrefix
    assert ws.auto_filter.ref == "A1:I5"


def test_no_formula_anywhere(workbook):
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)


def test_measurements_sheet(workbook):
    ws = workbook["指标明细"]
    assert [c.value for c in ws[1]][:6] == ["网站标识码", "网站名称", "首页监测访问次数", "首页无法访问次数",
                                           "首页近 2 周更新信息条数", "超期未更新的动态要闻类栏目数"]
    assert ws.cell(1, 2 + len(ALL_NONE) + 1).value == "x_extra"   # unknown key: the key as title
    keys = [c.value for c in ws[2]]
    assert keys == ["site_code", "site_name", *ALL_NONE, "x_extra"]
    rows = {r[0]: dict(zip(keys, r)) for r in _rows(ws, 3)}
    assert list(rows) == ["4401000001", "4401000002", "4401000003"]
    assert rows["4401000001"]["dead_links_other"] == 34
    assert rows["4401000001"]["interviews_1y"] == "—"      # key not measured for this site
    assert rows["4401000002"]["x_extra"] == 7
    assert rows["4401000002"]["homepage_updates_14d"] == 0  # a real zero stays 0
    assert set(rows["4401000003"].values()) - {"4401000003", "-丙镇人民政府"} == {"—"}


def test_about_sheet(workbook):
    ws = workbook["说明"]
    pairs = {r[0]: r[1] for r in _rows(ws, 1) if r[0]}
    assert pairs["监测时间点"] == "2026-11-22"
    assert pairs["评分规则"] == "census-2015"
    assert (pairs["抽查网站数"], pairs["合格网站数"], pairs["不合格网站数"], pairs["未能评估网站数"]) == (3, 1, 1, 1)
    assert pairs["抓取页面数"] == 812
    assert pairs["link_availability"] == "链接可用性"


def test_empty_report_still_writes(tmp_path):
    rep = AuditReport(date(2026, 11, 22), "census-2015", {}, {}, [], None)
    write_ranking(rep, tmp_path / "r.xlsx")
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb["排名"].max_row == 2 and wb["问题清单"].max_row == 1
    assert results_dict(rep) == {"as_of": "2026-11-22", "ruleset": "census-2015", "sites": []}
