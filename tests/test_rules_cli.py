"""`govaudit rules list | show | check`: the tables an editor reads and the line every mistake is on."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import config
from tests.test_cli_guard import run     # the CLI in this process: (exit code, stdout, stderr)

INSPECTION = config.path("rulesets", "inspection-2019.yaml").read_text(encoding="utf-8")
EVALUATION = config.path("rulesets", "evaluation-example.yaml").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    from govaudit.commands import rules as rules_cli
    monkeypatch.setattr(rules_cli.console, "width", 400)


def line_of(text: str, needle: str, after: str = "") -> int:
    """1-based line of the first line containing `needle` (after the first line holding `after`);
    comments are skipped (the shipped files document their keys in their header)."""
    lines = [("" if line.lstrip().startswith("#") else line) for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def broken(tmp_path: Path, text: str, old: str, new: str, name: str = "broken.yaml") -> Path:
    assert text.count(old) >= 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def check_error(capsys, path: Path) -> str:
    code, out, err = run(capsys, "rules", "check", str(path))
    assert code == 2 and out == ""
    return " ".join(err.split())   # the console may wrap; compare the words


def test_check_passes_the_shipped_files(capsys):
    for name in ("census-2015", "inspection-2019", "evaluation-example"):
        code, out, _ = run(capsys, "rules", "check", str(config.path("rulesets", f"{name}.yaml")))
        assert code == 0 and "检查通过" in out
    _, out, _ = run(capsys, "rules", "check", str(config.path("rulesets", "inspection-2019.yaml")))
    words = "".join(out.split())
    assert "其中29条标有“待核对”" in words and "数值41项，其中30项待核对" in words


def test_unknown_measurement_named_on_its_line(capsys, tmp_path):
    path = broken(tmp_path, INSPECTION, "- {measure: dead_links_other, points: 0.1}",
                  "- {measure: dead_link_other, points: 0.1}")
    line = line_of(path.read_text(encoding="utf-8"), "dead_link_other")
    assert f"规则集文件 {path}：第 {line} 行：规则 link_availability：未知的指标 “dead_link_other”" \
        in check_error(capsys, path)


def test_missing_item_is_a_missing_cap(capsys, tmp_path):
    path = broken(tmp_path, INSPECTION, "  - id: attachments\n    item: service\n",
                  "  - id: attachments\n")
    line = line_of(path.read_text(encoding="utf-8"), "- id: attachments")
    assert (f"第 {line} 行：规则 attachments：缺少 item（所属分项，可用：availability、interaction、"
            f"service、updates）：分项的 weight 即本项扣分上限") in check_error(capsys, path)


def test_item_weights_must_add_up(capsys, tmp_path):
    path = broken(tmp_path, INSPECTION, "{id: service, title: 办事服务, weight: 25}",
                  "{id: service, title: 办事服务, weight: 20}")
    line = line_of(path.read_text(encoding="utf-8"), "items:")
    msg = check_error(capsys, path)
    assert f"第 {line} 行：各分项 weight 之和为 95，应等于满分 100" in msg
    assert msg.count("规则集文件") == 1        # one mistake, one message


def test_evaluation_weights_missing_and_not_adding_up(capsys, tmp_path):
    path = broken(tmp_path, EVALUATION, "        weight: 5\n        clause: 近 1 年开展调查征集",
                  "        clause: 近 1 年开展调查征集")
    text = path.read_text(encoding="utf-8")
    msg = check_error(capsys, path)
    assert f"第 {line_of(text, '- id: solicitation')} 行：指标 solicitation：缺少 weight（权重分值）" in msg
    path = broken(tmp_path, EVALUATION, "    title: 公众参与\n    weight: 15",
                  "    title: 公众参与\n    weight: 16")
    text = path.read_text(encoding="utf-8")
    msg = check_error(capsys, path)
    assert f"第 {line_of(text, 'children:', after='title: 公众参与')} 行：指标 participation：" \
           f"下级指标 weight 之和为 15，应等于本指标的 16" in msg
    assert f"第 {line_of(text, 'indicators:')} 行：一级指标 weight 之和为 101，应等于满分 100" in msg


def test_threshold_of_the_wrong_type(capsys, tmp_path):
    path = broken(tmp_path, EVALUATION, "- {at_least: 10, points: 7}", "- {at_least: 十条, points: 7}")
    line = line_of(path.read_text(encoding="utf-8"), "十条")
    assert f"第 {line} 行：指标 homepage_activity：阈值 at_least 应为数，实际为 '十条'" \
        in check_error(capsys, path)
    path = broken(tmp_path, INSPECTION, "op: '>=', value: 0.05}", "op: '>=', value: '5%'}")
    line = line_of(path.read_text(encoding="utf-8"), "'5%'")
    assert f"第 {line} 行：规则 site_unreachable：value 应为非负数，实际为 '5%'" in check_error(capsys, path)


def test_circular_extends_and_every_problem_listed(capsys, tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\nid: a\ntitle: 甲\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("id: b\ntitle: 乙\nextends: a.yaml\n", encoding="utf-8")
    assert (f"规则集文件 {tmp_path / 'b.yaml'}：第 3 行：extends 形成循环（a.yaml → b.yaml → a.yaml）"
            in check_error(capsys, tmp_path / "a.yaml"))
    two = broken(tmp_path, INSPECTION, "{measure: broken_attachments, points: 1}",
                 "{measure: broken_attachments, points: -1}")
    two = broken(tmp_path, two.read_text(encoding="utf-8"), "{measure: fraud_found, op: '==', value: 1}",
                 "{measure: fraud_found, op: '==', value: 一}", "two.yaml")
    msg = check_error(capsys, two)
    assert "规则 security_incident：value 应为非负数，实际为 '一'" in msg
    assert "规则 attachments：points 应为非负数，实际为 -1" in msg


def test_show_table_and_xlsx_export(capsys, tmp_path):
    out_file = tmp_path / "检查指标.xlsx"
    code, out, _ = run(capsys, "rules", "show", "inspection-2019", "--xlsx", str(out_file))
    assert code == 0 and "service_not_practical" in out and "待核对" in out
    ws = openpyxl.load_workbook(out_file).active
    rows = list(ws.iter_rows(values_only=True))
    head = rows.index(("类别", "id", "名称", "依据条款", "读取的指标", "分值", "上限", "权重", "待核对"))
    body = {r[1]: r for r in rows[head + 1:]}
    assert body["service"][7] == 25 and body["service"][8] is None
    assert body["availability"][7] == 15 and body["availability"][8] == "待核对"
    assert body["link_availability"][4] == "dead_links_home、dead_links_other"
    assert body["link_availability"][5] == "按个数 dead_links_home 每个 1 分；dead_links_other 每个 0.1 分"
    assert body["link_availability"][6] == "计入分项 可用性（15 分）"
    assert body["link_availability"][8] == "待核对"
    assert body["security_incident"][8] is None and "2019" in body["security_incident"][3]
    assert any("其余分项 × 4/3" in (r[0] or "") for r in rows[:head])
    assert any("尚无加分规则" in (r[0] or "") for r in rows[:head])
    code, out, _ = run(capsys, "rules", "show", "evaluation-example")
    assert code == 0 and "　　首页信息更新量" in out and "折算规则集 census-2015 的得分" in out


def test_list_shows_shipped_and_local_files(capsys, tmp_path):
    (tmp_path / "huayang.yaml").write_text("extends: census-2015\nid: huayang\ntitle: 华阳\n"
                                           "pass: {line: 80}\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("extends: census-2015\nid: bad\ntitle: 坏\n"
                                       "pass: {line: 800}\n", encoding="utf-8")
    (tmp_path / "columns.yaml").write_text("columns: {x: news}\n", encoding="utf-8")
    code, out, _ = run(capsys, "rules", "list", "--dir", str(tmp_path))
    words = " ".join(out.split())
    assert code == 0
    for name in ("census-2015", "inspection-2019", "evaluation-example", "huayang.yaml"):
        assert name in words
    assert "有 1 处错误" in words and "columns.yaml" not in words


@pytest.mark.parametrize("args", [("rules", "show", "no-such"), ("rules", "check", "no-such.yaml")])
def test_unknown_ruleset_named(capsys, args):
    code, _, err = run(capsys, *args)
    assert code == 2 and "no-such" in err


def test_score_sheet_template_round_trip(capsys, tmp_path):
    from govaudit.scoresheet import read_scores
    from scoring.rulefile import load_ruleset
    db = str(tmp_path / "x.sqlite")
    register = tmp_path / "register.csv"
    register.write_text("网站名称,网站标识码,首页网址,主办单位,行政级别,所属地区,网站类型\n"
                        "甲县政府,9901000001,http://127.0.1.60/,甲县,县级,华阳省,门户网站\n"
                        "乙局,9901000002,http://127.0.1.61/,乙局,县级,华阳省,部门网站\n",
                        encoding="utf-8")
    assert run(capsys, "sites", "import", str(register), "--db", db)[0] == 0
    sheet = tmp_path / "评分表.xlsx"
    code, out, _ = run(capsys, "rules", "sheet", "evaluation-example", "inspection-2019",
                       "--out", str(sheet), "--db", db)
    assert code == 0 and "2 个网站，8 个填报项" in " ".join(out.split())
    wb = openpyxl.load_workbook(sheet)
    ws = wb["评分表"]
    assert [c.value for c in ws[1]] == ["网站标识码", "网站名称", "专家评审得分（百分制）",
                                        "用户满意度调查得分（百分制）", "人工核查：泄露国家秘密",
                                        "人工核查：发布或链接反动、暴力、色情等内容",
                                        "人工核查：存在弄虚作假行为（如伪造发稿日期等）",
                                        "人工核查：因网站建设管理工作不当引发严重负面舆情",
                                        "人工核查：未提供办事服务", "国务院部门门户网站，且该部门没有对外服务职能"]
    ws["C3"], ws["J3"] = 88, "是"           # the office fills in two cells
    wb.save(sheet)
    inputs = [*load_ruleset("evaluation-example").all_inputs(),
              *load_ruleset("inspection-2019").all_inputs()]
    assert read_scores(sheet, inputs) == {"9901000001": {},
                                          "9901000002": {"expert_review": 88.0,
                                                         "state_council_no_service_functions": 1}}
    code, _, err = run(capsys, "rules", "sheet", "census-2015", "--out", str(sheet), "--db", db)
    assert code == 2 and "没有人工填报项" in err
