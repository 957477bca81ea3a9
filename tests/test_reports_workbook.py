"""ranking.xlsx re-read with openpyxl: sheets, cell types, hyperlinks, no formulas, office print setup."""
from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
from openpyxl import load_workbook

from reports.files import write_atomically
from reports.model import NoticeFile
from reports.ranking_xlsx import write_ranking
from reports.settings import load_report_config
from tests.test_reports import EVIL_EVIDENCE, EVIL_TITLE, make_report

SHEETS = ["总体情况", "排名", "单项否决", "扣分明细", "问题清单", "分地区统计", "栏目明细", "指标明细", "互动回应",
          "整改通知"]
RED = "00FFC7CE"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    rep = make_report()
    rep.notices = [NoticeFile("4401000002", "notices/4401000002.docx", 2, dt.date(2026, 12, 21))]
    path = tmp_path_factory.mktemp("xlsx") / "ranking.xlsx"
    write_ranking(rep, path)
    return load_workbook(path)


def table(ws, header_row):
    """Header names → column values for every data row under header_row."""
    heads = [c.value for c in ws[header_row]]
    return heads, [dict(zip(heads, (c for c in row))) for row in ws.iter_rows(min_row=header_row + 1)]


def test_sheet_order(workbook):
    assert workbook.sheetnames == SHEETS


def test_no_formula_and_office_print_setup_everywhere(workbook):
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9, ws.title          # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # 总体情况 prints on one page with its charts; the tables run on as long as they are
        one_page = ws.title == "总体情况"
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, int(one_page)), ws.title
        if ws.title != "总体情况":
            header_row = 4 if ws.title == "指标明细" else 3
            assert ws.print_title_rows == f"${header_row}:${header_row}", ws.title
            assert ws.freeze_panes.endswith(str(header_row + 1)), ws.title
            assert ws.auto_filter.ref.startswith(f"A{header_row}:"), ws.title
            assert ws.merged_cells.ranges and ws["A1"].font.b, ws.title     # title row


def test_ranking_sheet(workbook):
    ws = workbook["排名"]
    assert ws["A1"].value == "XX省人民政府办公厅政府网站抽查结果排名"
    assert "无单项否决项的网站在前、按得分从高到低排列，有单项否决项的网站在后" in ws["A2"].value
    heads, rows = table(ws, 3)
    assert heads == ["排名", "网站标识码", "网站名称", "主办单位", "行政级别", "所属地区", "网站类型", "得分", "等级",
                     "结果", "单项否决项", "扣分明细", "未判定规则", "未评估原因", "首页网址"]
    got = [[r[h].value for h in ("排名", "网站标识码", "得分", "等级", "结果", "单项否决项", "扣分明细", "未评估原因")]
           for r in rows]
    assert got == [
        [1, "4401000001", 90.6, "优秀", "合格", None, "链接可用性 -4.4；首页更新量（自定义） -5", None],
        [2, "4401000002", 0, "不合格", "不合格", "栏目不更新；首页不更新", None, None],
        [None, "4401000003", None, None, "未能评估", None, None, "首页无法访问，未能评估"]]
    first = rows[0]
    assert first["得分"].data_type == "n" and first["得分"].number_format == "0.0"
    assert first["排名"].data_type == "n"
    assert first["首页网址"].hyperlink.target == "http://4401000001.gov.cn/"
    assert [r["排名"].fill.fgColor.rgb == RED for r in rows] == [False, True, False]
    assert rows[2]["网站名称"].quotePrefix and rows[2]["网站名称"].data_type == "s"   # "-丙镇…"
    assert ws.freeze_panes == "D4"
    assert ws.column_dimensions["C"].width > 12


def test_ranking_grouped_by_level(tmp_path):
    rep = make_report()
    rep.settings = load_report_config(group_by="行政级别", grades=[])
    write_ranking(rep, tmp_path / "g.xlsx")
    ws = load_workbook(tmp_path / "g.xlsx")["排名"]
    assert "按行政级别分组排名，组内无单项否决项的网站在前" in ws["A2"].value
    heads, rows = table(ws, 3)
    assert heads[:4] == ["分组", "组内排名", "总排名", "网站标识码"] and "等级" not in heads
    assert [[r[h].value for h in ("分组", "组内排名", "总排名", "网站标识码")] for r in rows] == [
        ["地市级", 1, 1, "4401000001"], ["县级", 1, 2, "4401000002"], ["乡镇", None, None, "4401000003"]]


def test_findings_sheet_literal_text_and_writer_built_links(workbook):
    ws = workbook["问题清单"]
    heads, rows = table(ws, 3)
    assert heads == ["网站标识码", "网站名称", "问题类型", "指标", "栏目/链接名称", "问题页面/链接", "所在页面", "证据",
                     "整改建议", "人工确认", "截图"]
    # 截图: no screenshot was taken (none in the report): 无截图 where one is due, else blank
    assert [[c.value for c in r.values()] for r in rows] == [
        ["4401000001", "甲市人民政府", "链接可用性", "其他页面不可用链接数", EVIL_TITLE,
         "http://4401000001.gov.cn/a.html", "http://4401000001.gov.cn/list.html", EVIL_EVIDENCE,
         "修复或删除不可用链接", None, "无截图"],
        ["4401000001", "甲市人民政府", "链接可用性", "首页不可用链接数", "b",
         "http://4401000001.gov.cn/b.html", None, "HTTP 404", "修复或删除不可用链接", None, None],
        # a problem no rule charged is listed apart (提示), under the rules that read it
        ["4401000001", "甲市人民政府", "附件下载（提示：未达扣分线，建议整改）", "无法下载的附件数", None,
         "http://4401000001.gov.cn/f.doc", None, "HTTP 404", None, None, None],
        ["4401000002", "乙县人民政府", "栏目不更新", "超期未更新的动态要闻类栏目数", "工作动态",
         "http://4401000002.gov.cn/gzdt/", None, "最近更新 2026-10-01，超过 2 周未更新", "及时更新栏目内容",
         None, "无截图"],
        ["4401000002", "乙县人民政府", "首页不更新", "首页近 2 周更新信息条数", None,
         "http://4401000002.gov.cn/", None, "首页两周内无新发布信息", None, None, None],
        ["4401000002", "乙县人民政府", "链接可用性（提示：未达扣分线，建议整改）", "首页不可用链接数", None,
         "http://4401000002.gov.cn/dead.html", "http://4401000002.gov.cn/", "HTTP 404",
         "修复或删除不可用链接", None, "无截图"]]
    evil = rows[0]
    for h in ("栏目/链接名称", "证据"):        # crawled text: literal string, quote-prefixed, no link
        assert evil[h].data_type == "s" and evil[h].quotePrefix and evil[h].hyperlink is None
    assert evil["问题页面/链接"].hyperlink.target == "http://4401000001.gov.cn/a.html"
    assert evil["所在页面"].hyperlink.target == "http://4401000001.gov.cn/list.html"
    assert rows[1]["所在页面"].hyperlink is None


def test_vetoes_sheet(workbook):
    heads, rows = table(workbook["单项否决"], 3)
    assert [[r[h].value for h in ("网站标识码", "否决项", "判定依据")] for r in rows] == [
        ["4401000002", "栏目不更新", "栏目不更新条款"], ["4401000002", "首页不更新", "网站不更新条款"]]
    assert rows[0]["证据"].value == "工作动态：最近更新 2026-10-01，超过 2 周未更新"
    assert rows[1]["证据"].value.startswith("首页近 2 周更新信息条数：0\n")


def test_deductions_sheet_numbers_and_unevaluated_blanks(workbook):
    heads, rows = table(workbook["扣分明细"], 3)
    assert heads == ["网站标识码", "网站名称", "得分", "链接可用性", "首页更新量", "附件下载", "征集调查", "扣分合计",
                     "说明"]
    vals = [[r[h].value for h in heads[2:-1]] for r in rows]
    # attachments: evaluable for site 1 (measured 1, not charged) → 0, unmeasured for site 2 → blank;
    # survey reads no measurement here, so it is evaluated (0) wherever the site was assessed
    assert vals == [[90.6, 4.4, 5, 0, 0, 9.4], [0, None, 0, None, 0, 0], [None] * 6]
    assert rows[0]["链接可用性"].number_format == "0.0#"


def test_regions_sheet(workbook):
    heads, rows = table(workbook["分地区统计"], 3)
    assert [[c.value for c in r.values()] for r in rows] == [
        ["XX省XX市", 3, 2, 1, 1, 1, 0.5, 45.3, 90.6, 0], ["合计", 3, 2, 1, 1, 1, 0.5, 45.3, 90.6, 0]]
    assert rows[0]["合格率"].number_format == "0.0%" and rows[0]["平均得分"].number_format == "0.0"


def test_columns_sheet(workbook):
    heads, rows = table(workbook["栏目明细"], 3)
    first, second = rows
    assert [first[h].value for h in ("网站标识码", "栏目名称", "栏目分类", "分类依据", "发现方式", "信息条数",
                                     "更新要求", "判定")] == \
        ["4401000002", "\t工作动态", "动态要闻", "栏目名称", "导航菜单", 12, "14 天内", "超期未更新"]
    assert first["栏目名称"].quotePrefix                       # a tab-led crawled name stays literal
    assert first["最新信息日期"].is_date and first["最新信息日期"].value == dt.datetime(2026, 10, 1)
    assert first["栏目网址"].hyperlink.target == "http://4401000002.gov.cn/gzdt/"
    assert second["栏目网址"].hyperlink is None                # javascript: never becomes a link
    assert first["判定"].fill.fgColor.rgb == RED and second["判定"].fill.fgColor.rgb != RED


def test_measurements_sheet(workbook):
    ws = workbook["指标明细"]
    keys = [c.value for c in ws[3]]
    heads, rows = table(ws, 4)
    assert heads[:5] == ["网站标识码", "网站名称", "首页监测访问次数", "首页无法访问次数", "首页近 2 周更新信息条数"]
    assert keys[-2:] == ["x_extra", "note"] and heads[-2:] == ["x_extra", "未评估原因"]
    by = {r["网站标识码"].value: dict(zip(keys, (c.value for c in r.values()))) for r in rows}
    assert by["4401000001"]["dead_links_other"] == 34 and by["4401000001"]["interviews_1y"] is None
    assert by["4401000002"]["homepage_updates_14d"] == 0                   # a real zero stays 0
    assert set(by["4401000003"].values()) == {"4401000003", "-丙镇人民政府", None, "首页无法访问，未能评估"}


def test_overview_sheet(workbook):
    ws = workbook["总体情况"]
    pairs = {r[0].value: r[1] for r in ws.iter_rows(min_row=2) if r[0].value}
    assert pairs["监测时间点"].is_date and pairs["监测时间点"].value == dt.datetime(2026, 11, 22)
    assert pairs["评分规则"].value == "全国政府网站普查评分（2015）（census-2015）"
    assert "无单项否决项的网站在前" in pairs["排名规则"].value
    assert [pairs[k].value for k in ("抽查网站数", "完成评估网站数", "合格网站数", "不合格网站数", "未能评估网站数")] == \
        [3, 2, 1, 1, 1]
    rate = pairs["合格率（合格 ÷ 完成评估）"]
    assert rate.value == 0.5 and rate.number_format == "0.0%"
    assert pairs["首页不更新"].value == 1 and pairs["栏目不更新"].value == 1     # vetoes by kind
    assert pairs["链接可用性"].value == 1 and pairs["抓取页面数"].value == 812


def test_notices_sheet(workbook):
    heads, rows = table(workbook["整改通知"], 3)
    (row,) = rows
    assert [row[h].value for h in heads] == ["4401000002", "乙县人民政府", "乙县人民政府办公室", "不合格", "整改通知", 2,
                                             dt.datetime(2026, 12, 21), "notices/4401000002.docx"]
    assert row["整改期限"].is_date and row["通知文件"].hyperlink.target == "notices/4401000002.docx"


def test_files_are_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_atomically(tmp_path / "r.xlsx", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_empty_report_still_writes(tmp_path):
    from reports.model import AuditReport
    rep = AuditReport(dt.date(2026, 11, 22), "census-2015", {}, {}, [], None)
    write_ranking(rep, tmp_path / "r.xlsx")
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == SHEETS and wb["排名"].max_row == 3 and wb["问题清单"].max_row == 3


def test_charts_are_embedded(tmp_path):
    from reports.charts import write_charts
    rep = make_report()
    rep.charts = write_charts(rep, tmp_path / "charts")
    write_ranking(rep, tmp_path / "r.xlsx")
    wb = load_workbook(tmp_path / "r.xlsx")
    assert len(wb["总体情况"]._images) == 2 and len(wb["分地区统计"]._images) == 1


def test_sheet_by_sheet_file_equals_openpyxls_own_save(tmp_path):
    """write_ranking writes each sheet's XML as soon as the sheet is done and drops its cells; the
    file is still exactly what Workbook.save() makes of the same sheets (charts, a second ruleset's
    ranking sheet and the recheck-free sheet list included), bar the save time in docProps/core.xml."""
    import copy
    import zipfile
    from openpyxl import Workbook
    from reports import ranking_xlsx
    from reports.charts import write_charts
    rep = make_report()
    rep.charts = write_charts(rep, tmp_path / "charts")
    other = copy.copy(rep)
    other.ruleset_id = "evaluation-example"
    rep.others = [other]
    from openpyxl.worksheet._writer import ALL_TEMP_FILES
    before = list(ALL_TEMP_FILES)
    write_ranking(rep, tmp_path / "mine.xlsx")
    assert ALL_TEMP_FILES == before                  # every sheet's temporary file removed

    wb = Workbook()                 # the whole workbook in memory, saved by openpyxl
    wb.remove(wb.active)
    for name, write, *needed in ranking_xlsx.SHEETS:
        if all(pred(rep) for pred in needed):
            write(wb.create_sheet(name), rep)
        if name == "排名":
            ranking_xlsx.ranking.write(wb.create_sheet(), other,
                                       ranking_xlsx.ranking_title(other, wb.sheetnames))
    wb.save(tmp_path / "theirs.xlsx")

    mine, theirs = zipfile.ZipFile(tmp_path / "mine.xlsx"), zipfile.ZipFile(tmp_path / "theirs.xlsx")
    assert mine.namelist() == theirs.namelist() and "xl/media/image1.png" in mine.namelist()
    assert [n for n in mine.namelist()
            if n != "docProps/core.xml" and mine.read(n) != theirs.read(n)] == []
    assert load_workbook(tmp_path / "mine.xlsx").sheetnames[2] == "排名-evaluation-example"


def test_a_pass_on_an_incomplete_crawl_is_counted_apart(tmp_path):
    """合格 with crawl errors is 合格（抓取不完整） in 排名; 总体情况, 分地区统计 and the charts count it
    apart too, never as a plain pass."""
    from reports.charts import write_charts
    rep = make_report()
    passed = next(sr for sr in rep.sites if sr.verdict.qualified)
    passed.cut_short = "crawl_errors"
    passed.crawl_errors = {"count": 2, "first_error": "ValueError: x", "url": "http://x.gov.cn/p3.html"}
    rep.charts = write_charts(rep, tmp_path / "charts")
    write_ranking(rep, tmp_path / "r.xlsx")
    wb = load_workbook(tmp_path / "r.xlsx")
    pairs = {r[0].value: r[1].value for r in wb["总体情况"].iter_rows(min_row=2) if r[0].value}
    assert pairs["合格网站数"] == 1
    assert pairs["其中合格（抓取不完整）"] == "1（结论仅依据已抓取的页面，见排名、问题清单）"
    heads, rows = table(wb["分地区统计"], 3)
    assert heads[3:5] == ["合格", "其中合格（抓取不完整）"]
    assert [[c.value for c in r.values()][:6] for r in rows] == [["XX省XX市", 3, 2, 1, 1, 1],
                                                                  ["合计", 3, 2, 1, 1, 1]]
    assert "含在合格数中" in wb["分地区统计"]["A2"].value
    ranking = [[c for c in row if c is not None] for row in wb["排名"].iter_rows(values_only=True)]
    assert any("合格（抓取不完整）" in row for row in ranking)
    assert set(rep.charts) >= {"score_distribution", "pass_rate_by_region"}


def test_what_was_not_checked_has_its_own_type_and_advice(tmp_path):
    """A page read only in part and links a budget left unchecked are no dead links: 问题清单 and the
    notice give them their own type and advice, never 链接可用性's, and never count them there."""
    from indicators.findings import Finding
    from reports.notices import build_notice
    rep = make_report()
    sr = next(s for s in rep.sites if s.verdict.site_code == "4401000001")   # 链接可用性 charged
    big = Finding(kind="oversize_page", measure="dead_links_other", url="http://4401000001.gov.cn/big.html",
                  evidence="页面过大（2000000 字符），仅检查前 1000000 字符")
    left = Finding(kind="unchecked_links", measure="dead_links_other", url="http://4401000001.gov.cn/",
                   title="未检测链接", evidence="未检测链接 7：超出本站的抓取或链接检查预算，这些链接未检查")
    sr.findings += [big, left]
    write_ranking(rep, tmp_path / "r.xlsx")
    rows = [r for r in load_workbook(tmp_path / "r.xlsx")["问题清单"].iter_rows(min_row=4, values_only=True)
            if r[0] == "4401000001"]
    by_url = {r[5]: r for r in rows}
    assert by_url[big.url][2:4] == ("页面过大，未全部检查（不扣分）", None)
    assert by_url[big.url][8].startswith("该页面超过检查字符上限，只检查了前面部分")
    assert by_url[left.url][2:4] == ("未检测链接（不扣分）", None)
    assert "不计为失效链接" in by_url[left.url][8]
    assert by_url["http://4401000001.gov.cn/b.html"][2] == "链接可用性"       # the dead link stays
    notice = build_notice(rep, sr, dt.date(2026, 11, 30), dt.date(2026, 12, 14))
    body = [p.text for p in notice.paragraphs]
    tables = ["|".join(c.text for c in t.rows[i].cells) for t in notice.tables for i in range(len(t.rows))]
    section = next(i for i, t in enumerate(body) if t.endswith("未能自动检查的事项"))
    assert body.index("整改建议：修复或删除不可用链接") < section
    assert any(big.url in t and "页面过大，未全部检查（不扣分）" in t for t in tables)
    assert any(p.startswith("说明：超出本站的抓取或链接检查预算") for p in body[section:])
    # The 链接可用性 table holds the dead links only: the two are listed once, in their own section.
    assert sum(big.url in t for t in tables) == 1 and sum(left.url + "|" in t for t in tables) == 1
