"""The three ruleset shapes scored by hand-computed numbers: census-2015, inspection-2019 (item caps,
the 4/3 rule, exactly 60, the bonus part above 80) and the weighted evaluation example (thresholds,
floors, ratios, a census result rescaled, hand-filled score sheets); `extends:` inheritance."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import openpyxl
import pytest

import samplefarm
from samplefarm import spec
from govaudit.scoresheet import ScoreSheetError, read_scores
from scoring import assess, evaluate, load_ruleset
from scoring.ruleset import RulesetError

CENSUS = load_ruleset("census-2015")
INSPECTION = load_ruleset("inspection-2019")
EVALUATION = load_ruleset("evaluation-example")
README = Path(__file__).resolve().parents[1] / "README.md"
PORTALS = {s.code for s in spec.sites() if s.site_type == "门户网站"}   # the farm's 门户网站
# The inspection sheet's answers for a site nothing is wrong with.
CLEAN_ANSWERS = {"secrets_leaked": 0, "harmful_content": 0, "fraud_found": 0,
                 "negative_opinion": 0, "no_service_provided": 0,
                 "state_council_no_service_functions": 0}
NO_SERVICE_FUNCTIONS = {**CLEAN_ANSWERS, "state_council_no_service_functions": 1}


def m(**kw) -> dict:
    """Every DOMAIN.md measurement of a healthy site, with planted values."""
    base = dict(availability_probes=140, availability_failures=0, homepage_updates_14d=12,
                stale_columns_news=0, stale_columns_notice_policy=0,
                stale_columns_personnel_plan=0, blank_columns=0, dead_links_home=0,
                dead_links_other=0, consultation_columns=1, consultation_messages_1y=40,
                unanswered_messages_over_3m=0, survey_columns=1, surveys_1y=6,
                interview_columns=1, interviews_1y=6, guides_missing_elements=0,
                broken_attachments=0, online_systems_down=0, serious_errors=0,
                serious_misstatements=0, hacked_pages=0, hacked_pages_unhandled=0,
                messages_undated=0, messages_published_2m=3, blank_columns_uncharged=0,
                overview_columns=1, functions_columns=1, data_columns=1,
                overview_columns_stale=0, functions_columns_stale=0, data_columns_stale=0,
                site_search=1, site_search_working=1, site_search_categorised=1)
    base.update(kw)
    base.setdefault("stale_columns_total", base["stale_columns_news"]
                    + base["stale_columns_notice_policy"] + base["stale_columns_personnel_plan"])
    return base


def charged(verdict) -> dict[str, float]:
    return {d.rule: d.points for d in verdict.deductions}


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


# ---- the sample farm's crawl (its measurements are the ground truth the e2e test holds) --------
FARM_SHEET = {
    # hand-filled score sheet: 9901000023, a city department, says 是 to the State Council
    # question — the ×4/3 rule is for State Council departments' portals, so it is not rescaled
    "9900000001": {"expert_review": 90, "user_survey": 80},
    "9901000023": {"expert_review": 85, "user_survey": 70, **NO_SERVICE_FUNCTIONS},
}
# (score, qualified, vetoes, {rule: points}) per site, worked out by hand from truth.yaml.
# Issue 6 measured interaction: survey/interview cost what they cost under the census (same values
# here), and the evaluation example's reply_rate leaf now reads 0 late of N messages (full marks).
FARM_EXPECTED = {
    "inspection-2019": {
        # None of these sites has a search box on its homepage: 站内搜索 2 each.
        # 4 surveys and 3 interviews < 6 (portal): 3 + 3
        # no 机构职能 and no 数据发布 column: 1 + 1 (2019 presence rules)
        "9900000001": (89.9, True, [], {"link_availability": 0.1, "site_search": 2, "survey": 3, "interview": 3,
                                        "agency_functions": 1, "data_release": 1}),
        # no survey column 5; 2 interviews < 6: 3
        "9901000001": (57.9, False, ["columns_not_updated"],
                       {"link_availability": 1.1, "site_search": 2, "basic_info": 27, "survey": 5, "interview": 3,
                        "attachments": 1, "overview_info": 1, "agency_functions": 1,
                        "data_release": 1}),
        # census figures plus 1 blank column × 2 (inspection's 空白栏目 deduction); no survey column
        "9901230001": (72.8, False, ["homepage_not_updated"],
                       {"link_availability": 1.2, "site_search": 2, "basic_info": 15, "blank_columns": 2,
                        "survey": 5, "agency_functions": 1, "data_release": 1}),
        # 5 blank columns: 3 are news/notice/policy columns basic_info already charged as stale,
        # so only 2 × 2 here (不在本指标项下重复扣分)
        "9901000012": (66.9, False, ["columns_not_updated"],
                       {"link_availability": 1.1, "site_search": 2, "homepage_updates": 5, "basic_info": 14,
                        "blank_columns": 4, "survey": 5, "overview_info": 1, "data_release": 1}),
        # a department, not a State Council portal: out of 100, 办事服务 (attachments 3) charged
        "9901000023": (71.3, True, [], {"link_availability": 6.7, "site_search": 2, "basic_info": 10, "survey": 5,
                                        "attachments": 3, "overview_info": 1, "data_release": 1}),
        "9901230101": (70.8, True, [], {"link_availability": 1.2, "site_search": 2, "homepage_updates": 5,
                                        "basic_info": 12, "blank_columns": 2, "survey": 5,
                                        "agency_functions": 1, "data_release": 1}),
        "9901230015": (None, None, [], {}),
        # 站内搜索 works, its results in category tabs (nothing charged); 机构职能 updated
        # 2024-05-10 and 统计数据 last on 2026-03-31: 0.5 each; an undated message 1; 8 homepage
        # updates 5; 3 surveys < 6 (portal) 3; no interview column costs nothing
        "9924000001": (90.0, False, ["poor_interaction"],
                       {"homepage_updates": 5, "functions_stale": 0.5, "data_stale": 0.5,
                        "survey": 3, "message_dates": 1}),
        # a search box whose handler answers HTTP 500: 站内搜索 2; none of the three 2019 columns
        "9906000003": (92.0, True, [], {"overview_info": 1, "agency_functions": 1,
                                        "data_release": 1, "interview": 3, "site_search": 2}),
    },
    "evaluation-example": {
        # health 93.9/100×15 = 14.085; 17 updates → 7; upkeep 15; guides 10 (every guide has all
        # eight elements: guides_missing_elements 0); links 15 - 0.2 = 14.8; reply rate 0 late of
        # 8 → 10; 4 surveys → 3; expert 9; users 8 → 90.885
        "9900000001": (90.89, True, [], {"health": 0.92, "homepage_activity": 3,
                                         "links": 0.2, "solicitation": 2, "expert": 1,
                                         "users": 2}),
        # census veto → health 0 and unqualified; 7; 15 - 7×2 = 1; guides 10; 15 - 1 - 0.2 - 1 =
        # 12.8; reply rate 0 late of 10 → 10; no survey column → 0: 40.8
        "9901000001": (40.8, False, ["columns_not_updated"],
                       {"health": 15, "homepage_activity": 3, "column_upkeep": 14,
                        "links": 2.2, "solicitation": 5, "expert": 10, "users": 10}),
        # 75.3×0.15 = 11.295; 7; 15 - 2×2 = 11; guides 10; 15 - 6 - 1.4 - 3 = 4.6; reply rate 10;
        # 8.5; 7 → 69.395
        "9901000023": (69.4, True, [], {"health": 3.71, "homepage_activity": 3,
                                        "column_upkeep": 4, "links": 10.4,
                                        "solicitation": 5, "expert": 1.5, "users": 3}),
        "9901230015": (None, None, [], {}),
    },
}


def farm_verdicts(ruleset, sheet=FARM_SHEET) -> dict:
    truth = samplefarm.load_truth()["sites"]
    return {code: evaluate(site["measurements"], ruleset, is_portal=code in PORTALS,
                           site_code=code, inputs=sheet.get(code))
            for code, site in truth.items()}


@pytest.mark.parametrize("name", ["inspection-2019", "evaluation-example"])
def test_farm_crawl_under_each_ruleset(name):
    got = farm_verdicts(load_ruleset(name))
    for code, (score, qualified, vetoes, points) in FARM_EXPECTED[name].items():
        v = got[code]
        assert (v.score, v.qualified, v.vetoes, charged(v)) == (score, qualified, vetoes, points), code


def test_farm_crawl_under_census_equals_truth():
    truth = samplefarm.load_truth()["sites"]
    for code, v in farm_verdicts(CENSUS).items():
        t = truth[code]
        if t["qualified"] is None and t["score"] is not None:
            # 待确认 in the audit: the engine, told nothing of reviews, vetoes on the unreviewed
            # serious errors (govaudit.pipeline leaves them out until an official confirms them)
            assert (v.score, v.qualified, v.vetoes) == (t["score"], False, ["serious_error"])
        else:
            assert (v.score, v.qualified, v.vetoes) == (t["score"], t["qualified"], t["vetoes"])
        assert charged(v) == {d["rule"]: d["points"] for d in t["deductions"]}


def test_farm_details_rescale_grade_and_pending():
    inspection = farm_verdicts(INSPECTION)
    assert inspection["9901000023"].rescaled == ""      # a city department: never rescaled
    assert "无对外服务职能的国务院部门门户网站" not in inspection["9901000023"].note
    assert inspection["9901230001"].rescaled == ""      # a portal the sheet says nothing about
    assert "无对外服务职能的国务院部门门户网站" in inspection["9901230001"].note
    assert inspection["9900000001"].bonus == []         # above 80, but the bonus part is empty
    evaluation = farm_verdicts(EVALUATION)
    assert [evaluation[c].grade for c in ("9900000001", "9901000001", "9901000023")] == \
        ["优秀", "不合格", "合格"]        # 90.89: 优秀 from 90; 69.4 passes (guides measured)
    assert evaluation["9900000001"].parts["disclosure"] == 36.09     # 14.085 + 7 + 15
    assert "待人工核查（评分表未填）：专家评审、用户满意度" in evaluation["9901230101"].note


# ---- inspection-2019 on crafted measurements -------------------------------------------------
@pytest.mark.parametrize("search, points", [
    ((0, None, None), {"site_search": 2}),          # no search box on the homepage
    ((1, 0, None), {"site_search": 2}),             # the test query errs or finds nothing
    ((1, 1, 0), {"search_categories": 1}),          # results, but not grouped by category
    ((1, 1, 1), {}),
])
def test_inspection_site_search(search, points):
    got = assess(m(**dict(zip(("site_search", "site_search_working", "site_search_categorised"),
                              search))), INSPECTION, is_portal=True, inputs=CLEAN_ANSWERS)
    assert (charged(got.verdict), got.skipped) == (points, [])


def test_inspection_2019_columns_stale_half_a_point_each():
    got = assess(m(overview_columns_stale=1, functions_columns_stale=2, data_columns_stale=1),
                 INSPECTION, is_portal=True, inputs=CLEAN_ANSWERS).verdict
    assert charged(got) == {"overview_stale": 0.5, "functions_stale": 1.0, "data_stale": 0.5}
    assert got.score == 98.0


def test_inspection_clean_site_and_nothing_pending():
    a = assess(m(), INSPECTION, is_portal=True, inputs=CLEAN_ANSWERS)
    assert (a.verdict.score, a.verdict.qualified, a.skipped, a.verdict.pending) == (100.0, True, [], [])


def test_item_caps_bite_in_rule_order():
    # availability (15): 3/140 = 2.14% → 2 full % × 5 = 10, then 20 dead homepage links → only 5 left
    v = evaluate(m(availability_failures=3, dead_links_home=20), INSPECTION, inputs=CLEAN_ANSWERS)
    assert charged(v) == {"homepage_availability": 10, "link_availability": 5}
    assert v.score == 85.0
    # updates (35): 5 (homepage < 10) + 6 personnel columns × 5 = 35; 4 blank columns get nothing
    v = evaluate(m(homepage_updates_14d=3, stale_columns_personnel_plan=6, blank_columns=4),
                 INSPECTION, inputs=CLEAN_ANSWERS)
    assert (charged(v), v.score, v.vetoes) == ({"homepage_updates": 5, "basic_info": 30}, 65.0, [])
    # census has no item caps: the same site loses 5 + 30
    assert evaluate(m(homepage_updates_14d=3, stale_columns_personnel_plan=6, blank_columns=4),
                    CENSUS).score == 65.0
    assert evaluate(m(dead_links_home=40), CENSUS).score == 60.0
    assert evaluate(m(dead_links_home=40), INSPECTION, inputs=CLEAN_ANSWERS).score == 85.0


def test_four_thirds_only_for_state_council_portals_without_service_functions():
    site = m(dead_links_home=10, stale_columns_personnel_plan=3, broken_attachments=6,
             online_systems_down=2)
    v = evaluate(site, INSPECTION, is_portal=True, inputs=NO_SERVICE_FUNCTIONS)
    # 办事服务 dropped: (75 - 10 - 15) × 4/3 = 66.67
    assert (v.score, v.qualified, v.rescaled) == (66.67, True, "no_external_services")
    assert charged(v) == {"link_availability": 10, "basic_info": 15}
    # a department site (the rule covers State Council departments' portals), or a portal whose
    # department serves the public: out of 100, 6 + 2×3 more charged
    for portal, answers in ((False, NO_SERVICE_FUNCTIONS), (True, CLEAN_ANSWERS)):
        v = evaluate(site, INSPECTION, is_portal=portal, inputs=answers)
        assert (v.score, v.rescaled) == (63.0, ""), portal
        assert charged(v)["attachments"] == 6 and charged(v)["online_systems"] == 6


def test_four_thirds_scope_is_a_setting(tmp_path):
    path = write(tmp_path, "departments.yaml", """\
        extends: inspection-2019
        id: province-2019
        title: 本省检查（无对外服务事项的部门网站同样折算）
        inputs:
          - {id: no_external_services, title: 部门无对外服务事项}
        rescale:
          - id: no_external_services
            title: 无对外服务事项的部门网站
            when:
              all_of:
                - {site: department}
                - {measure: no_external_services, op: '==', value: 1}
        """)
    province = load_ruleset(path)
    site = m(dead_links_home=10, stale_columns_personnel_plan=3, broken_attachments=6)
    v = evaluate(site, province, is_portal=False, inputs={**CLEAN_ANSWERS, "no_external_services": 1})
    assert (v.score, v.rescaled) == (66.67, "no_external_services")
    assert evaluate(site, INSPECTION, is_portal=False,
                    inputs={**CLEAN_ANSWERS, "state_council_no_service_functions": 1}).score == 69.0


def test_redistribute_instead_of_four_thirds(tmp_path):
    path = write(tmp_path, "spread.yaml", """\
        extends: inspection-2019
        id: spread-2019
        title: 无服务部门把 25 分分给其他分项
        rescale:
          - id: no_external_services
            factor: null
            redistribute: {availability: 5, updates: 10, interaction: 10}
        """)
    spread = load_ruleset(path)
    site = m(dead_links_home=18, stale_columns_personnel_plan=3)
    none = NO_SERVICE_FUNCTIONS
    # availability now weighs 20: all 18 charged; 100 - 18 - 15 = 67
    assert evaluate(site, spread, is_portal=True, inputs=none).score == 67.0
    # the shipped 4/3 rule: availability capped at 15 → (75 - 15 - 15) × 4/3 = 60
    assert evaluate(site, INSPECTION, is_portal=True, inputs=none).score == 60.0


def test_exactly_sixty_passes_under_inspection_not_census():
    sixty = m(stale_columns_personnel_plan=7, dead_links_home=5)      # 35 + 5 = 40
    v = evaluate(sixty, INSPECTION, inputs=CLEAN_ANSWERS)
    assert (v.score, v.qualified) == (60.0, True)
    assert (evaluate(sixty, CENSUS).score, evaluate(sixty, CENSUS).qualified) == (60.0, False)
    below = evaluate(m(stale_columns_personnel_plan=7, dead_links_home=5, dead_links_other=1),
                     INSPECTION, inputs=CLEAN_ANSWERS)
    assert (below.score, below.qualified) == (59.9, False)


def test_inspection_vetoes_and_review_findings():
    v = evaluate(m(consultation_columns=0), INSPECTION, inputs=CLEAN_ANSWERS)
    assert v.vetoes == ["poor_interaction"] and v.qualified is False
    v = evaluate(m(guides_missing_elements=3), INSPECTION, inputs=CLEAN_ANSWERS)
    assert v.vetoes == ["service_not_practical"] and charged(v) == {"service_guides": 6}
    # 服务不实用 part 1 is “未提供办事服务”, from the sheet; not asked of a State Council portal
    # whose department has no external service functions
    v = evaluate(m(), INSPECTION, inputs={**CLEAN_ANSWERS, "no_service_provided": 1})
    assert v.vetoes == ["service_not_practical"]
    v = evaluate(m(), INSPECTION, is_portal=True,
                 inputs={**NO_SERVICE_FUNCTIONS, "no_service_provided": 1})
    assert v.vetoes == [] and v.rescaled == "no_external_services"
    # nothing filled in: what only a person can check is listed, never silently passed
    a = assess(m(), INSPECTION, is_portal=True)
    assert a.verdict.pending == ["security_incident", "service_not_practical", "no_external_services"]
    assert a.verdict.note == ("待人工核查（评分表未填）：安全、泄密事故等严重问题、服务不实用（待核对）、"
                              "无对外服务职能的国务院部门门户网站")
    assert a.verdict.qualified is True and a.verdict.score == 100.0


def test_a_blank_column_already_charged_as_stale_is_not_charged_again():
    # 3 blank news columns (charged 3 each under basic_info) and 1 blank 机构概况 column
    v = evaluate(m(stale_columns_news=3, blank_columns=4, blank_columns_uncharged=1), INSPECTION,
                 inputs=CLEAN_ANSWERS)
    assert charged(v) == {"basic_info": 9, "blank_columns": 2}
    assert "不在本指标项下重复扣分" in INSPECTION.rule("blank_columns").clause


def test_overview_functions_and_data_columns_2019():
    """概况信息 / 机构职能 / 数据发布 measured from the column taxonomy: none opened costs 1 each
    (values 待核对); the farm's 9901000001 has none of the three, 9900000001 has 省情概况."""
    farm = farm_verdicts(INSPECTION)
    assert {k: charged(farm["9901000001"])[k] for k in
            ("overview_info", "agency_functions", "data_release")} == \
        {"overview_info": 1, "agency_functions": 1, "data_release": 1}
    assert "overview_info" not in charged(farm["9900000001"])
    assert "agency_functions" not in charged(farm["9901000012"])          # its 机构职能 column
    v = evaluate(m(overview_columns=0, functions_columns=0, data_columns=2), INSPECTION,
                 inputs=CLEAN_ANSWERS)
    assert charged(v) == {"overview_info": 1, "agency_functions": 1}


def test_message_publishing_on_the_farm_and_by_hand():
    """2019's publishing of messages: the farm's 9906000004 shows one answered letter without its
    答复时间, 9906000006's board has published nothing in the last 2 months."""
    farm = farm_verdicts(INSPECTION)
    assert charged(farm["9906000004"])["message_dates"] == 1
    assert charged(farm["9906000006"])["message_recency"] == 2
    for code in ("9900000001", "9906000002", "9906000003"):        # dated, and recent
        assert not {"message_dates", "message_recency"} & set(charged(farm[code])), code
    v = evaluate(m(messages_undated=3, messages_published_2m=0), INSPECTION, inputs=CLEAN_ANSWERS)
    assert (charged(v), v.score) == ({"message_dates": 3, "message_recency": 2}, 95.0)
    # no readable board: not measured, so not charged and said so
    a = assess(m(messages_undated=None, messages_published_2m=None), INSPECTION, inputs=CLEAN_ANSWERS)
    assert {"message_dates", "message_recency"} <= set(a.skipped)


# The six parts of 安全、泄密事故等严重问题 and where each comes from.
SHEET_PARTS = {"secrets_leaked": 2, "harmful_content": 3, "fraud_found": 5, "negative_opinion": 6}


def test_security_incident_is_the_one_veto_with_six_parts():
    ids = [r.id for r in INSPECTION.vetoes]
    assert "serious_error" not in ids and ids.count("security_incident") == 1
    clause = INSPECTION.rule("security_incident").clause
    for part in ("1.出现严重表述错误。", "2.泄露国家秘密。", "3.发布或链接反动、暴力、色情等内容。",
                 "4.对安全攻击（如页面被挂马、内容被篡改等）没有及时有效处置造成严重安全事故。",
                 "5.存在弄虚作假行为（如伪造发稿日期等）。", "6.因网站建设管理工作不当引发严重负面舆情。"):
        assert part in clause
    # part 1: a misspelt protected term (a judgement finding: review marks it, see test_review)
    v = evaluate(m(serious_misstatements=1, serious_errors=1), INSPECTION, inputs=CLEAN_ANSWERS)
    assert v.vetoes == ["security_incident"]
    # parts 2, 3, 5, 6: the score sheet's 是, each alone
    for answer, part in SHEET_PARTS.items():
        v = evaluate(m(), INSPECTION, inputs={**CLEAN_ANSWERS, answer: 1})
        assert v.vetoes == ["security_incident"], part
    # part 4 needs 没有及时有效处置: a hacked page confirmed or found again at a re-check
    hacked = m(hacked_pages=1, serious_errors=1, hacked_pages_unhandled=1)
    assert evaluate(hacked, INSPECTION, inputs=CLEAN_ANSWERS).vetoes == ["security_incident"]
    handled = m(hacked_pages=1, serious_errors=1, hacked_pages_unhandled=0)
    assert evaluate(handled, INSPECTION, inputs=CLEAN_ANSWERS).vetoes == []
    # first sighting, nobody has looked yet: undecided — neither vetoed nor passed over
    first = assess(m(hacked_pages=1, serious_errors=1, hacked_pages_unhandled=None), INSPECTION,
                   inputs=CLEAN_ANSWERS)
    assert (first.verdict.vetoes, first.verdict.pending) == ([], ["security_incident"])
    assert first.verdict.note == "待人工确认：安全、泄密事故等严重问题"
    # the census still has its 严重错误, for both kinds
    assert evaluate(handled, CENSUS).vetoes == ["serious_error"]
    assert evaluate(m(serious_misstatements=1, serious_errors=1), CENSUS).vetoes == ["serious_error"]


def test_corrected_clause_texts_and_source():
    assert INSPECTION.source.startswith("《国务院办公厅秘书局关于印发政府网站与政务新媒体检查指标、")
    assert "国办秘函〔2019〕19号，国务院办公厅秘书局 2019 年 4 月 1 日印发" in INSPECTION.source
    home = INSPECTION.rule("homepage_not_updated")
    assert home.title == "首页不更新" and "网站不更新" not in home.clause
    assert "“监测 2 周，首页无信息更新的，即单项否决。" in home.clause
    assert "未注明发布日期的信息视为未更新——此条沿用 2015 年普查评分表的注释" in home.clause
    service = INSPECTION.rule("service_not_practical")
    assert "“1.未提供办事服务。" in service.clause and "无法使用" not in service.clause
    assert "无法使用" not in " ".join(i.title for i in INSPECTION.inputs)
    rescale = INSPECTION.rescale[0]
    assert "国务院部门中没有对外服务职能的，其门户网站" in rescale.clause
    # no clause claims a 2019 deduction value the published text does not give
    for rule in INSPECTION.deductions:
        assert rule.status == "待核对" and ("扣分细则未能找到" in rule.clause
                                           or "原文未能逐字核对" in rule.clause), rule.id


def test_every_value_has_a_status_and_an_origin():
    values = INSPECTION.provenance
    unverified = INSPECTION.unverified_values()
    assert (len(values), len(unverified)) == (41, 30)
    carried = [p.about for p in unverified if p.origin.startswith("2015 年普查评分表")]
    assert carried == ["homepage_not_updated", "homepage_availability", "link_availability",
                       "homepage_updates", "basic_info", "consultation", "survey", "interview",
                       "service_guides", "attachments", "online_systems"]
    ours = [(p.about, p.value) for p in unverified if p.origin.startswith("govaudit 拟定")]
    assert ("blank_columns", "空白栏目（未达否决）每个扣 2 分") in ours
    assert ("site_unreachable", "少于 20 次监测不作判定（可用性监测次数不足）") in ours
    assert ("data_stale", "数据发布类栏目 6 个月内无更新，每个扣 0.5 分") in ours
    assert "140 次" in next(p.origin for p in unverified if p.about == "site_unreachable")
    # a value still to check keeps its rule marked, so every output says 待核对
    assert all(INSPECTION.unverified(p.about) for p in unverified if p.about in INSPECTION.rule_ids())


BONUS_FILE = """\
    extends: inspection-2019
    id: huayang-inspection-2026
    title: 华阳省政府网站检查指标（2026）
    inputs:
      - {id: bonus_innovation, title: 加分：创新做法, max: 10}
      - {id: bonus_intensive, title: 加分：集约化建设, max: 25}
    bonus:
      rules:
        - id: innovation
          title: 创新做法
          clause: 华阳省检查指标·加分：创新做法最多加 10 分。
          per_finding: [{measure: bonus_innovation, points: 1}]
          cap: 10
        - id: intensive
          title: 集约化建设
          clause: 华阳省检查指标·加分：集约化建设最多加 25 分。
          per_finding: [{measure: bonus_intensive, points: 1}]
    """


def test_bonus_only_above_eighty_for_portals_capped_at_thirty(tmp_path):
    rs = load_ruleset(write(tmp_path, "bonus.yaml", BONUS_FILE))
    assert [r.id for r in rs.bonus.rules] == ["innovation", "intensive"] and rs.bonus.max == 30
    answers = {**CLEAN_ANSWERS, "bonus_innovation": 8, "bonus_intensive": 25}
    v = evaluate(m(dead_links_home=15), rs, is_portal=True, inputs=answers)   # 85 + min(33, 30)
    assert v.score == 115.0
    assert [(b.rule, b.points) for b in v.bonus] == [("innovation", 8), ("intensive", 22)]
    v = evaluate(m(dead_links_home=15), rs, is_portal=True,
                 inputs={**answers, "bonus_intensive": 0})
    assert v.score == 93.0
    exactly_80 = m(dead_links_home=10, stale_columns_personnel_plan=2)     # 10 + 10 = 20
    v = evaluate(exactly_80, rs, is_portal=True, inputs=answers)
    assert (v.score, v.bonus) == (80.0, [])
    v = evaluate(m(dead_links_home=15), rs, is_portal=False, inputs=answers)
    assert (v.score, v.bonus) == (85.0, [])


# ---- the weighted evaluation on crafted measurements -----------------------------------------
def test_evaluation_leaves_by_hand():
    sheet = {"expert_review": 85, "user_survey": 90}
    v = evaluate(m(homepage_updates_14d=20, consultation_messages_1y=40,
                   unanswered_messages_over_3m=4, dead_links_other=3), EVALUATION, inputs=sheet)
    # 4 messages unanswered: the census veto poor_interaction → health 0 and unqualified
    assert v.vetoes == ["poor_interaction"] and v.parts["health"] == 0 and v.qualified is False
    assert v.grade == "不合格"
    # 10 + 15 + 10 + (15 - 0.6) + 10 × 36/40 + 5 + 8.5 + 9 = 80.9
    assert (v.parts["homepage_activity"], v.parts["links"], v.parts["reply_rate"]) == (10, 14.4, 9)
    assert v.score == 80.9
    v = evaluate(m(homepage_updates_14d=19, dead_links_home=20, consultation_messages_1y=0,
                   surveys_1y=3), EVALUATION, inputs=sheet)
    # census 100 - 20 (links) - 5 (no messages) = 75 → 11.25; 7 + 15 + 10 + 3 (floor)
    # + 0 (no messages) + 3 + 8.5 + 9 = 66.75
    assert (v.parts["health"], v.parts["homepage_activity"], v.parts["links"],
            v.parts["reply_rate"], v.parts["solicitation"]) == (11.25, 7, 3, 0, 3)
    assert (v.score, v.grade, v.qualified) == (66.75, "合格", True)
    v = evaluate(m(homepage_updates_14d=25), EVALUATION, inputs={**sheet, "expert_review": 100,
                                                                   "user_survey": 100})
    assert (v.score, v.grade) == (100.0, "优秀")


def test_weighted_leaf_from_hand_filled_sheet(tmp_path):
    csv_path = tmp_path / "评分表.csv"
    csv_path.write_text("网站标识码,专家评审得分（百分制）,user_survey\n"
                        "9900000001,85,\n9901000023,60.5,72\n", encoding="utf-8")
    scores = read_scores(csv_path, EVALUATION.all_inputs())
    assert scores == {"9900000001": {"expert_review": 85.0},
                      "9901000023": {"expert_review": 60.5, "user_survey": 72.0}}
    v = evaluate(m(), EVALUATION, inputs=scores["9900000001"])
    assert (v.parts["expert"], v.parts["users"]) == (8.5, 0)
    assert "待人工核查（评分表未填）：用户满意度" in v.note
    # the same sheet as an Excel workbook, codes typed as numbers
    wb = openpyxl.Workbook()
    wb.active.append(["网站标识码", "expert_review", "国务院部门门户网站，且该部门没有对外服务职能"])
    wb.active.append([9901000023, 77, "是"])
    xlsx = tmp_path / "评分表.xlsx"
    wb.save(xlsx)
    inputs = [*EVALUATION.all_inputs(), *INSPECTION.all_inputs()]
    assert read_scores(xlsx, inputs) == {"9901000023": {"expert_review": 77.0,
                                                        "state_council_no_service_functions": 1}}


def test_score_sheet_errors_name_row_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("网站标识码,专家评审得分（百分制）,专家意见\n9900000001,120\n,50\n",
                   encoding="utf-8")
    with pytest.raises(ScoreSheetError) as exc:
        read_scores(bad, EVALUATION.all_inputs())
    assert str(exc.value) == (
        "评分表 bad.csv：第 1 行第 3 列“专家意见”不是规则集中的人工填报项（可填：专家评审得分（百分制）、"
        "用户满意度调查得分（百分制））；第 2 行“专家评审得分（百分制）”：应为0 到 100 之间的数，实际为“120”；"
        "第 3 行缺少网站标识码")


# ---- extends: a province's file holds only what it changes -----------------------------------
def readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    return re.search(r"```yaml\n(extends: census-2015\n.*?)```", text, re.S).group(1)


def test_readme_extends_example_loads_and_changes_three_things(tmp_path):
    rs = load_ruleset(write(tmp_path, "huayang.yaml", readme_example()))
    assert (rs.id, rs.pass_line, rs.pass_boundary) == ("huayang-2026", 80.0, "above")
    assert rs.rule_ids() == [*CENSUS.rule_ids(), "blank_columns"]
    assert rs.rule("link_availability").title == CENSUS.rule("link_availability").title
    v = evaluate(m(dead_links_home=3, blank_columns=2, homepage_updates_14d=12), rs)
    assert charged(v) == {"link_availability": 6, "blank_columns": 2} and v.score == 92.0
    assert evaluate(m(dead_links_home=10), rs).qualified is False      # 80 is not above 80


def test_extends_errors_name_the_right_file_and_line(tmp_path):
    child = write(tmp_path, "child.yaml", """\
        extends: census-2015
        id: child
        title: 子规则集
        deductions:
          - id: attachments
            per_finding:
              - {measure: broken_attachment, points: 1}
        """)
    with pytest.raises(RulesetError) as exc:
        load_ruleset(child)
    assert str(exc.value) == (f"规则集文件 {child}：第 7 行：规则 attachments：未知的指标 “broken_attachment”"
                              f"（可用指标见 config/rulesets/measurements.yaml，或在 inputs 中声明人工填报项）")
    a = write(tmp_path, "a.yaml", "extends: b.yaml\nid: a\n")
    write(tmp_path, "b.yaml", "id: b\nextends: a.yaml\n")
    with pytest.raises(RulesetError) as exc:
        load_ruleset(a)
    assert str(exc.value) == (f"规则集文件 {tmp_path / 'b.yaml'}：第 2 行：extends 形成循环"
                              f"（a.yaml → b.yaml → a.yaml）")


def test_every_ruleset_snippet_in_the_readme_loads(tmp_path):
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
              if re.match(r"(id|extends):", b)]
    assert len(blocks) == 4
    loaded = [load_ruleset(write(tmp_path, f"readme-{n}.yaml", b)) for n, b in enumerate(blocks)]
    assert [r.shape for r in loaded] == ["deductions", "deductions", "evaluation", "deductions"]
    huayang = loaded[1]
    assert (huayang.pass_line, huayang.pass_boundary, huayang.bonus.max) == (80.0, "at_or_above", 20)
    assert huayang.rescale[0].redistribute == {"availability": 5, "updates": 10, "interaction": 10}
    # the 70/30 split: inspection 100 → 70, expert 60/100 → 18
    v = evaluate(m(), loaded[2], inputs={**CLEAN_ANSWERS, "expert_review": 60})
    assert (v.score, v.grade) == (88.0, "良好")


def test_evaluation_extends_merges_the_tree_by_id(tmp_path):
    path = write(tmp_path, "zhejiang.yaml", """\
        extends: evaluation-example
        id: my-evaluation-2026
        title: 某省绩效评估（2026）
        grades:
          - {name: 优秀, at_least: 85}
          - {name: 合格, at_least: 60}
          - {name: 不合格}
        indicators:
          - id: participation
            children:
              - id: reply_rate
                weight: 5
              - id: interviews
                title: 在线访谈
                weight: 5
                thresholds:
                  measure: interviews_1y
                  rows: [{at_least: 3, points: 5}, {at_least: 1, points: 2}]
        """)
    rs = load_ruleset(path)
    part = rs.indicator("participation")
    assert [(c.id, c.weight) for c in part.children] == [("reply_rate", 5), ("solicitation", 5),
                                                         ("interviews", 5)]
    assert rs.indicator("reply_rate").form == "ratio"          # only its weight changed
    v = evaluate(m(interviews_1y=2, unanswered_messages_over_3m=0), rs,
                 inputs={"expert_review": 100, "user_survey": 100})
    # census 97 (2 interviews < 3: -3) → 14.55; updates 7 + 15; services 25; participation
    # 5 + 5 + 2 = 12; expert and users 20 → 93.55
    assert (v.parts["participation"], v.score, v.grade) == (12, 93.55, "优秀")
