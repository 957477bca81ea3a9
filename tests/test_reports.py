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
from reports.ranking_xlsx import write_ranking
from reports.settings import load_report_config
from reports.results_json import results_dict, write_results
from scoring.verdict import Deduction, Verdict

ALL_NONE = dict.fromkeys([
    "availability_probes", "availability_failures", "homepage_updates_14d", "stale_columns_news",
    "stale_columns_notice_policy", "stale_columns_personnel_plan", "stale_columns_total", "blank_columns",
    "dead_links_home", "dead_links_other", "consultation_columns", "consultation_messages_1y",
    "unanswered_messages_over_3m", "survey_columns", "surveys_1y", "interview_columns", "interviews_1y",
    "guides_missing_elements", "broken_attachments", "online_systems_down", "serious_errors",
    "serious_misstatements", "hacked_pages", "hacked_pages_unhandled", "messages_undated",
    "messages_published_2m", "blank_columns_uncharged", "overview_columns", "functions_columns",
    "data_columns", "overview_columns_stale", "functions_columns_stale", "data_columns_stale",
    "site_search", "site_search_working", "site_search_categorised",
    "personal_data_leaks", "personal_data_masked", "identity_marks_missing", "meta_tags_home",
    "meta_tags_columns_pct", "meta_tags_articles_pct", "https_served", "https_problems", "https_cert_days_left",
    "elderly_version", "elderly_version_problems", "a11y_pages_checked", "a11y_violations",
    "a11y_image_alt", "a11y_contrast", "a11y_form_labels", "a11y_page_lang", "a11y_heading_order"])
EVIL_EVIDENCE = '=HYPERLINK("http://x")'
EVIL_TITLE = "+cmd|' /C calc'!A0"


def _site(code, name, level="县级", stype="门户网站"):
    return SiteRecord(code, name, f"http://{code}.gov.cn/", f"{name}办公室", level, "XX省XX市", stype, 2)


def make_report() -> AuditReport:
    vetoed = SiteReport(
        site=_site("4401000002", "乙县人民政府"),
        verdict=Verdict("4401000002", False, 0.0, vetoes=["columns_not_updated", "homepage_not_updated"],
                        rank=2, unchecked={"link_availability": "缺少数据：首页不可用链接数",
                                           "attachments": "缺少数据：无法下载的附件数"}),
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
        ],
        columns=[{"url": "http://4401000002.gov.cn/gzdt/", "name": "\t工作动态", "category": "news",
                  "category_title": "动态要闻", "category_source": "name", "found_by": "nav",
                  "items": 12, "newest": "2026-10-01", "within": "14 天", "verdict": "超期未更新",
                  "evidence": "最近更新 2026-10-01，超过 14 天未更新"},
                 {"url": "javascript:void(0)", "name": "机构概况", "category": "static",
                  "category_title": "静态栏目", "category_source": "name", "found_by": "more",
                  "items": 0, "newest": None, "within": "", "verdict": "不考核更新", "evidence": ""}])
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
        rule_hints={"link_availability": "修复或删除不可用链接", "columns_not_updated": "及时更新栏目内容"},
        ruleset_title="全国政府网站普查评分（2015）", pass_text="无单项否决项且得分高于 60 分（满分 100 分）为合格",
        rule_clauses={"columns_not_updated": "栏目不更新条款", "homepage_not_updated": "网站不更新条款"},
        veto_ids=["homepage_not_updated", "columns_not_updated"],
        deduction_ids=["link_availability", "homepage_updates", "attachments", "survey"],
        settings=load_report_config(notice_date=date(2026, 11, 30)))


EXPECTED = {
    "as_of": "2026-11-22", "ruleset": "census-2015", "crawl_mode": "full",
    "sites": [
        {"site_code": "4401000001", "site_name": "甲市人民政府", "qualified": True, "score": 90.6, "rank": 1,
         "vetoes": [],
         "deductions": [{"rule": "link_availability", "points": 4.4, "count": 14},
                        {"rule": "homepage_updates", "points": 5.0, "count": 1},
                        {"rule": "survey", "points": 0.0, "count": 0}],
         "measurements": {"availability_probes": 20, "availability_failures": 0, "homepage_updates_14d": 6,
                          "dead_links_home": 1, "dead_links_other": 34, "broken_attachments": 1},
         "interaction": None, "pending_review": [], "unchecked": []},
        {"site_code": "4401000002", "site_name": "乙县人民政府", "qualified": False, "score": 0.0, "rank": 2,
         "vetoes": ["columns_not_updated", "homepage_not_updated"], "deductions": [],
         "measurements": {"availability_probes": 20, "availability_failures": 0, "homepage_updates_14d": 0,
                          "stale_columns_total": 12, "x_extra": 7},
         "interaction": None, "pending_review": [],
         "unchecked": [{"rule": "link_availability", "reason": "缺少数据：首页不可用链接数"},
                       {"rule": "attachments", "reason": "缺少数据：无法下载的附件数"}]},
        {"site_code": "4401000003", "site_name": "-丙镇人民政府", "qualified": None, "score": None,
         "rank": None, "vetoes": [], "deductions": [], "measurements": dict(ALL_NONE),
         "interaction": None, "pending_review": [], "unchecked": []},
    ]}


def test_results_dict_exact():
    d = results_dict(make_report())
    assert d == EXPECTED
    assert list(d) == ["as_of", "ruleset", "crawl_mode", "sites"]
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




def test_a_finding_shows_under_every_fired_rule_it_counts_in():
    """A blank 机构概况 column counts in blank_columns and blank_columns_uncharged: the rule charging
    the latter (2019's 空白栏目, once per column) lists it even when the veto reading the former
    did not fire."""
    from dataclasses import replace
    from reports.model import finding_rules
    report = make_report()
    report.rules_reading.update({"blank_columns": ["columns_not_updated"],
                                 "blank_columns_uncharged": ["blank_columns"]})
    site = replace(report.sites[2], verdict=Verdict("4401000001", True, 98.0, deductions=[
        Deduction("blank_columns", 2.0, 1)]))
    blank = Finding("blank_column", "blank_columns", "http://4401000001.gov.cn/jggk/", "空白栏目",
                    counts_in=["blank_columns_uncharged"])
    assert finding_rules(report, site, blank) == ["blank_columns"]
    site.verdict.vetoes = ["columns_not_updated"]
    assert finding_rules(report, site, blank) == ["columns_not_updated", "blank_columns"]
    assert finding_rules(report, site, replace(blank, counts_in=[])) == ["columns_not_updated"]
