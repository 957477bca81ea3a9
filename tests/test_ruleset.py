"""Ruleset loading and validation: the bundled census file and Chinese errors on bad copies."""
from __future__ import annotations

import copy

import pytest
import yaml

import config
from scoring.ruleset import RulesetError
from scoring.rulefile import load_ruleset
from scoring.source import bundled_rulesets

CENSUS_FILE = config.path("rulesets", "census-2015.yaml")
# DOMAIN.md results.json measurement keys, copied here on purpose: the ruleset must not drift.
DOMAIN_MEASUREMENTS = {
    "availability_probes", "availability_failures", "homepage_updates_14d",
    "stale_columns_news", "stale_columns_notice_policy", "stale_columns_personnel_plan",
    "stale_columns_total", "blank_columns", "dead_links_home", "dead_links_other",
    "consultation_columns", "consultation_messages_1y", "unanswered_messages_over_3m",
    "survey_columns", "surveys_1y", "interview_columns", "interviews_1y",
    "guides_missing_elements", "broken_attachments", "online_systems_down", "serious_errors"}


def census_data() -> dict:
    return copy.deepcopy(yaml.safe_load(CENSUS_FILE.read_text(encoding="utf-8")))


def write(tmp_path, data) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True),
                    encoding="utf-8")
    return str(path)


def error_of(tmp_path, edit) -> str:
    data = census_data()
    edit(data)
    path = write(tmp_path, data)
    with pytest.raises(RulesetError) as exc:
        load_ruleset(path)
    assert str(exc.value).startswith(f"规则集文件 {path}：")
    return str(exc.value)


def rule_of(data: dict, rule_id: str) -> dict:
    return next(r for r in data["vetoes"] + data["deductions"] if r["id"] == rule_id)


# ---- the bundled census ruleset ------------------------------------------------------------
def test_census_loads_with_domain_ids_in_order():
    rs = load_ruleset("census-2015")
    assert rs.id == "census-2015" and rs.ref == "census-2015" and rs.path == CENSUS_FILE
    assert (rs.full_score, rs.pass_line, rs.pass_boundary) == (100.0, 60.0, "above")
    assert [r.id for r in rs.vetoes] == ["site_unreachable", "homepage_not_updated",
                                         "columns_not_updated", "serious_error",
                                         "poor_interaction"]
    assert [r.id for r in rs.deductions] == [
        "homepage_availability", "link_availability", "homepage_updates", "basic_info",
        "consultation", "survey", "interview", "service_guides", "attachments",
        "online_systems"]
    assert "国办发〔2015〕15号" in rs.source
    for r in rs.rules():
        assert "全国政府网站普查评分表" in r.clause, r.id
        assert r.title and r.hint


SITE_CHECKS = ["identity_marks_missing", "meta_tags_home", "meta_tags_columns_pct",
               "meta_tags_articles_pct", "https_served", "https_problems", "https_cert_days_left", "elderly_version",
               "elderly_version_problems", "a11y_pages_checked", "a11y_violations", "a11y_image_alt",
               "a11y_contrast", "a11y_form_labels", "a11y_page_lang", "a11y_heading_order"]


def test_census_reads_only_domain_measurements():
    data = census_data()
    read = set()

    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "measure":
                    read.add(v)
                elif k in ("sum", "ratio"):
                    read.update(v)
                else:
                    walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(data["vetoes"])
    walk(data["deductions"])
    # 严重错误 reads its two kinds apart (serious_errors is their sum, kept for results.json);
    # the 2019 inspection also reads whether a hacked page was left unhandled
    parts = {"serious_misstatements", "hacked_pages"}
    assert read == DOMAIN_MEASUREMENTS - {"serious_errors"} | parts   # every one is used
    assert set(config.load_yaml("rulesets/measurements.yaml")) == \
        DOMAIN_MEASUREMENTS | parts | {"hacked_pages_unhandled", "messages_undated",
                                       "messages_published_2m", "blank_columns_uncharged",
                                       "overview_columns", "functions_columns", "data_columns",
                                       "overview_columns_stale", "functions_columns_stale",
                                       "data_columns_stale", "site_search", "site_search_working",
                                       "site_search_categorised",
                                       # issue 19: measured under every ruleset, charged by
                                       # province-2026-example, 提示 only in the census
                                       "personal_data_leaks", "personal_data_masked",
                                       *SITE_CHECKS}


def test_lookups_for_reports():
    rs = load_ruleset("census-2015")
    assert rs.title_of("columns_not_updated") == "栏目不更新"
    assert rs.title_of("no_such_rule") == "no_such_rule"
    assert "普查评分表" in rs.rule("link_availability").clause
    assert rs.rule("link_availability").hint.startswith("按问题清单")
    with pytest.raises(KeyError):
        rs.rule("no_such_rule")
    assert rs.rules_reading("homepage_updates_14d") == ["homepage_not_updated", "homepage_updates"]
    assert rs.rules_reading("stale_columns_news") == ["columns_not_updated", "basic_info"]
    assert rs.rules_reading("stale_columns_total") == ["columns_not_updated"]
    assert rs.rules_reading("blank_columns") == ["columns_not_updated"]
    assert rs.rules_reading("dead_links_other") == ["link_availability"]
    assert rs.rules_reading("broken_attachments") == ["attachments"]
    assert rs.rules_reading("surveys_1y") == ["survey"]
    assert rs.rules_reading("availability_failures") == ["site_unreachable",
                                                         "homepage_availability"]
    assert rs.rules_reading("pages_crawled") == []


def test_bundled_names_exclude_measurement_list():
    assert "census-2015" in bundled_rulesets()
    assert "measurements" not in bundled_rulesets()


def test_load_by_path(tmp_path):
    data = census_data()
    data["id"] = "anhui-2026"
    path = write(tmp_path, data)
    rs = load_ruleset(path)
    assert (rs.id, rs.ref) == ("anhui-2026", path)


# ---- validation errors ---------------------------------------------------------------------
def test_unknown_ruleset_name():
    with pytest.raises(RulesetError, match="找不到规则集 census-2016（可用规则集见 govaudit rules list）"):
        load_ruleset("census-2016")


def test_yaml_syntax_error(tmp_path):
    path = write(tmp_path, "id: [unclosed\n")
    with pytest.raises(RulesetError, match="YAML 格式错误") as exc:
        load_ruleset(path)
    assert path in str(exc.value)


def test_unknown_op(tmp_path):
    def edit(d):
        rule_of(d, "homepage_not_updated")["when"]["op"] = "=<"
    assert error_of(tmp_path, edit).endswith(
        "规则 homepage_not_updated：未知的比较运算符 “=<”（可用：< <= == >= > !=）")


def test_unknown_measurement_in_nested_condition(tmp_path):
    def edit(d):
        rule_of(d, "columns_not_updated")["when"]["any_of"][2]["measure"] = "blank_column"
    msg = error_of(tmp_path, edit)
    assert "规则 columns_not_updated：未知的指标 “blank_column”" in msg


def test_unknown_measurement_in_per_finding(tmp_path):
    def edit(d):
        rule_of(d, "attachments")["per_finding"][0]["measure"] = "dead_attachments"
    assert "规则 attachments：未知的指标 “dead_attachments”" in error_of(tmp_path, edit)


@pytest.mark.parametrize("key, text", [("title", "缺少 title（中文名称）"),
                                       ("clause", "缺少 clause（依据条款）"),
                                       ("hint", "缺少 hint（整改提示）")])
def test_missing_rule_text(tmp_path, key, text):
    def edit(d):
        del rule_of(d, "basic_info")[key]
    assert error_of(tmp_path, edit).endswith(f"规则 basic_info：{text}")


def test_missing_id_names_position(tmp_path):
    def edit(d):
        del d["deductions"][1]["id"]
    assert error_of(tmp_path, edit).endswith("扣分指标第 2 条规则：缺少 id")


def test_duplicate_id(tmp_path):
    def edit(d):
        d["deductions"][0]["id"] = "site_unreachable"
    assert error_of(tmp_path, edit).endswith("规则 site_unreachable：规则 id site_unreachable 重复")


def test_bad_pass_boundary(tmp_path):
    def edit(d):
        d["pass"]["boundary"] = "over"
    assert error_of(tmp_path, edit).endswith(
        "pass.boundary 只能是 above（高于合格线为合格）或 at_or_above（不低于合格线为合格），"
        "实际为 “over”")


def test_missing_top_level_id(tmp_path):
    def edit(d):
        del d["id"]
    assert error_of(tmp_path, edit).endswith("缺少 id（应为非空文本）")


def test_deduction_with_two_forms(tmp_path):
    def edit(d):
        rule_of(d, "link_availability")["tiers"] = [{"when": {"measure": "dead_links_home",
                                                              "op": ">", "value": 0},
                                                     "points": 1}]
    assert "规则 link_availability：扣分规则须且只能使用一种写法" in error_of(tmp_path, edit)


def test_unknown_rule_field_and_bad_points(tmp_path):
    def typo(d):
        rule_of(d, "attachments")["capp"] = 5
    assert "规则 attachments：未知字段 capp" in error_of(tmp_path, typo)

    def negative(d):
        rule_of(d, "homepage_updates")["points"] = -5
    assert error_of(tmp_path, negative).endswith("规则 homepage_updates：points 应为非负数，实际为 -5")


def test_bad_portal_variant_value(tmp_path):
    def edit(d):
        rule_of(d, "survey")["tiers"][2]["when"]["value"] = {"portal": 6, "other": "三"}
    assert error_of(tmp_path, edit).endswith("规则 survey：value 应为非负数，实际为 '三'")


def test_veto_with_points_rejected(tmp_path):
    def edit(d):
        rule_of(d, "serious_error")["points"] = 5
    assert "规则 serious_error：单项否决规则只能写 when、requires、exclusive，不能有 points" in error_of(tmp_path, edit)
