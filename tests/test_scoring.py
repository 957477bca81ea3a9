"""Scoring engine on planted measurements: each census veto and deduction at its boundary."""
from __future__ import annotations

import copy

import pytest
import yaml

import config
from indicators import measurement_keys
from scoring import assess, evaluate, load_ruleset, rank
from scoring.verdict import Verdict

CENSUS = load_ruleset("census-2015")
# Not measured yet (or, for availability, no probes in m()): these rules are not evaluated.
NOT_YET = ["site_unreachable", "homepage_availability"]


def m(**kw) -> dict:
    """A clean crawled site (indicator keys only), with planted values."""
    base = dict.fromkeys(measurement_keys(), 0)
    base["homepage_updates_14d"] = 10
    # healthy interaction: a board with 6 messages, 6 surveys, no interview column; no probes
    base.update(consultation_columns=1, consultation_messages_1y=6, survey_columns=1, surveys_1y=6,
                interviews_1y=None, availability_probes=None, availability_failures=None)
    base.update(kw)
    if "stale_columns_total" not in kw:
        base["stale_columns_total"] = (base["stale_columns_news"]
                                       + base["stale_columns_notice_policy"]
                                       + base["stale_columns_personnel_plan"])
    return base


def points(verdict: Verdict) -> dict[str, tuple[float, int]]:
    return {d.rule: (d.points, d.count) for d in verdict.deductions}


def custom(tmp_path, edit) -> object:
    """A copy of the census ruleset, edited by `edit(dict)`, loaded from a file."""
    data = copy.deepcopy(yaml.safe_load(config.path("rulesets", "census-2015.yaml")
                                        .read_text(encoding="utf-8")))
    edit(data)
    path = tmp_path / "province.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_ruleset(str(path))


def deduction(data: dict, rule_id: str) -> dict:
    return next(r for r in data["deductions"] if r["id"] == rule_id)


# ---- clean site and skipped rules ----------------------------------------------------------
def test_clean_site_full_score_and_skipped_rules():
    a = assess(m(), CENSUS, site_code="A")
    assert (a.verdict.qualified, a.verdict.score, a.verdict.vetoes) == (True, 100.0, [])
    assert a.verdict.deductions == [] and a.verdict.site_code == "A"
    assert a.skipped == NOT_YET
    assert a.fired == []


def test_unassessed_when_every_crawl_measurement_is_none():
    for measured in (dict.fromkeys(measurement_keys()), {},
                     {"availability_probes": 140, "availability_failures": 0}):
        a = assess(measured, CENSUS, site_code="B")
        v = a.verdict
        assert (v.qualified, v.score, v.vetoes, v.deductions) == (None, None, [], [])
        assert v.note == "首页无法访问，未能评估"
        assert a.skipped == CENSUS.rule_ids()


# ---- vetoes --------------------------------------------------------------------------------
@pytest.mark.parametrize("planted, vetoed", [
    ({"stale_columns_news": 4, "stale_columns_notice_policy": 1}, True),
    ({"stale_columns_news": 4}, False),
    ({"stale_columns_notice_policy": 5}, True),
    ({"stale_columns_personnel_plan": 10}, True),              # total 10
    ({"stale_columns_personnel_plan": 9}, False),
    ({"stale_columns_news": 2, "stale_columns_notice_policy": 2,
      "stale_columns_personnel_plan": 6}, True),               # total 10, first part only 4
    ({"blank_columns": 5}, True),
    ({"blank_columns": 4}, False),
])
def test_columns_not_updated_boundaries(planted, vetoed):
    v = evaluate(m(**planted), CENSUS)
    assert v.vetoes == (["columns_not_updated"] if vetoed else [])
    if vetoed:
        assert v.qualified is False


def test_veto_decides_with_some_conditions_unknown():
    planted = {"blank_columns": 5, "stale_columns_news": None, "stale_columns_total": None}
    assert evaluate(m(**planted), CENSUS).vetoes == ["columns_not_updated"]
    a = assess(m(blank_columns=1, stale_columns_news=None, stale_columns_total=None), CENSUS)
    assert "columns_not_updated" in a.skipped and "basic_info" in a.skipped


@pytest.mark.parametrize("updates, veto, charged", [(0, True, None), (1, False, (5.0, 1)),
                                                    (9, False, (5.0, 1)), (10, False, None)])
def test_homepage_updates_veto_and_deduction(updates, veto, charged):
    v = evaluate(m(homepage_updates_14d=updates), CENSUS)
    assert (v.vetoes == ["homepage_not_updated"]) is veto
    assert points(v).get("homepage_updates") == charged


def test_vetoed_site_still_scored_for_information():
    v = evaluate(m(homepage_updates_14d=0, stale_columns_news=4, dead_links_home=2), CENSUS)
    assert v.vetoes == ["homepage_not_updated"]
    assert v.qualified is False
    assert v.score == 100 - 12 - 2


def test_vetoes_in_ruleset_order():
    v = evaluate(m(homepage_updates_14d=0, blank_columns=7, serious_errors=1, hacked_pages=1), CENSUS)
    assert v.vetoes == ["homepage_not_updated", "columns_not_updated", "serious_error"]


def test_site_unreachable_ratio_and_availability_deduction():
    v = evaluate(m(availability_probes=140, availability_failures=7), CENSUS)   # exactly 5 %
    assert v.vetoes == ["site_unreachable"]
    v = evaluate(m(availability_probes=400, availability_failures=19), CENSUS)  # 4.75 %
    assert v.vetoes == [] and points(v)["homepage_availability"] == (20.0, 4)
    v = evaluate(m(availability_probes=1000, availability_failures=29), CENSUS)  # exact 2.9 %
    assert points(v)["homepage_availability"] == (10.0, 2)
    v = evaluate(m(availability_probes=100, availability_failures=29, dead_links_home=3), CENSUS)
    # unreachable: unqualified and, as the census says, nothing else is scored
    assert (v.vetoes, v.deductions, v.score, v.qualified) == (["site_unreachable"], [], None, False)
    a = assess(m(availability_probes=0, availability_failures=0), CENSUS)
    assert "site_unreachable" in a.skipped and "homepage_availability" in a.skipped


# ---- deductions ----------------------------------------------------------------------------
def test_link_deductions_exact():
    v = evaluate(m(dead_links_home=3, dead_links_other=14), CENSUS)
    assert points(v) == {"link_availability": (4.4, 17)}
    assert v.score == 95.6


def test_basic_info_and_attachments():
    v = evaluate(m(stale_columns_news=1, stale_columns_notice_policy=2,
                   stale_columns_personnel_plan=3, broken_attachments=2), CENSUS)
    assert points(v) == {"basic_info": (26.0, 6), "attachments": (2.0, 2)}
    assert (v.score, v.qualified) == (72.0, True)


def test_score_never_below_zero():
    v = evaluate(m(dead_links_home=150), CENSUS)
    assert (v.score, v.qualified) == (0.0, False)
    assert points(v) == {"link_availability": (150.0, 150)}


def test_pass_line_exactly_60(tmp_path):
    sixty = m(stale_columns_personnel_plan=8)                 # 8 × 5 = 40 points
    v = evaluate(sixty, CENSUS)
    assert (v.score, v.qualified, v.vetoes) == (60.0, False, [])
    above = evaluate(m(stale_columns_personnel_plan=7, dead_links_other=49), CENSUS)
    assert (above.score, above.qualified) == (60.1, True)
    lenient = custom(tmp_path, lambda d: d["pass"].update(boundary="at_or_above"))
    assert evaluate(sixty, lenient).qualified is True
    assert evaluate(m(stale_columns_personnel_plan=8, dead_links_other=1), lenient).qualified \
        is False


def test_cap_and_weight(tmp_path):
    def edit(d):
        deduction(d, "link_availability")["cap"] = 2
        deduction(d, "basic_info")["cap"] = 10
        deduction(d, "basic_info")["weight"] = 7.5
        deduction(d, "attachments")["per_finding"][0]["points"] = 0.125
    rs = custom(tmp_path, edit)
    v = evaluate(m(dead_links_home=3, dead_links_other=5, stale_columns_news=4,
                   broken_attachments=1), rs)
    assert points(v) == {"link_availability": (2.0, 8), "basic_info": (7.5, 4),
                         "attachments": (0.13, 1)}
    assert v.score == 90.37


def test_portal_variants_survey_interview_consultation():
    def full(**kw):
        planted = dict(consultation_columns=1, consultation_messages_1y=12, survey_columns=1,
                       surveys_1y=6, interview_columns=1, interviews_1y=6,
                       guides_missing_elements=0, online_systems_down=0, serious_errors=0,
                       unanswered_messages_over_3m=0, availability_probes=140,
                       availability_failures=0)
        return m(**{**planted, **kw})
    a = assess(full(), CENSUS, is_portal=True)
    assert a.skipped == [] and a.verdict.score == 100.0
    assert points(evaluate(full(surveys_1y=4), CENSUS, is_portal=True)) == {"survey": (3.0, 1)}
    assert points(evaluate(full(surveys_1y=4), CENSUS, is_portal=False)) == {}
    assert points(evaluate(full(surveys_1y=2), CENSUS)) == {"survey": (3.0, 1)}
    assert points(evaluate(full(surveys_1y=0), CENSUS)) == {"survey": (5.0, 1)}
    assert points(evaluate(full(survey_columns=0, surveys_1y=None), CENSUS)) == {
        "survey": (5.0, 1)}
    # No interview column costs nothing, and the rule is still evaluated.
    a = assess(full(interview_columns=0, interviews_1y=None), CENSUS, is_portal=True)
    assert a.skipped == [] and points(a.verdict) == {}
    assert points(evaluate(full(interviews_1y=5), CENSUS, is_portal=True)) == {
        "interview": (3.0, 1)}
    assert points(evaluate(full(interviews_1y=0), CENSUS)) == {"interview": (5.0, 1)}
    assert points(evaluate(full(consultation_columns=0, consultation_messages_1y=None),
                           CENSUS)) == {"consultation": (5.0, 1)}
    v = evaluate(full(guides_missing_elements=3, online_systems_down=2,
                      unanswered_messages_over_3m=1), CENSUS)
    assert points(v) == {"service_guides": (6.0, 3), "online_systems": (6.0, 2)}
    assert v.vetoes == ["poor_interaction"]


# ---- ranking -------------------------------------------------------------------------------
def V(code, score, vetoes=()):
    return Verdict(site_code=code, qualified=None if score is None else not vetoes, score=score,
                   vetoes=list(vetoes))


def test_rank_competition_with_vetoes_and_unassessed():
    vs = [V("E", 90.0, ["serious_error"]), V("D", None), V("C", 80.0), V("B", 95.0),
          V("A", 95.0), V("F", 99.0, ["homepage_not_updated"]), V("G", 80.0), V("H", 70.0),
          V("I", 90.0, ["columns_not_updated"]), V("J", 95.0, ["serious_error"])]
    ordered = rank(vs)
    assert [(v.site_code, v.rank) for v in ordered] == [
        ("A", 1), ("B", 1), ("C", 3), ("G", 3), ("H", 5),
        ("F", 6), ("J", 7), ("E", 8), ("I", 8), ("D", None)]
    assert {v.site_code: v.rank for v in vs}["E"] == 8     # set in place too


def test_rank_empty_and_all_unassessed():
    assert rank([]) == []
    vs = [V("B", None), V("A", None)]
    assert [(v.site_code, v.rank) for v in rank(vs)] == [("A", None), ("B", None)]
