"""Rectification notices re-read with python-docx; working-day deadlines; the report config."""
from __future__ import annotations

import datetime as dt
import textwrap

import chinese_calendar
import pytest
from docx import Document
from docx.oxml.ns import qn

from reports.model import shown_findings
from reports.notices import write_notices
from reports.settings import ReportConfigError, load_report_config
from reports.workdays import CalendarError, add_working_days, known_years
from tests.test_reports import make_report

@pytest.mark.parametrize("start,n,expected", [
    (dt.date(2026, 11, 27), 1, dt.date(2026, 11, 30)),      # Friday + 1 → Monday
    (dt.date(2026, 9, 30), 1, dt.date(2026, 10, 8)),        # over the National Day holiday
    (dt.date(2026, 9, 30), 3, dt.date(2026, 10, 10)),       # the make-up Saturday counts
    (dt.date(2026, 2, 13), 1, dt.date(2026, 2, 14)),        # a Saturday worked before the Spring Festival
    (dt.date(2026, 2, 14), 1, dt.date(2026, 2, 24)),        # the Spring Festival is not worked
    (dt.date(2026, 11, 30), 15, dt.date(2026, 12, 21))])
def test_add_working_days_from_the_official_calendar(start, n, expected):
    assert add_working_days(start, n) == expected


def test_report_config_days_override_the_calendar():
    local = {dt.date(2026, 11, 30)}                      # a local day off
    assert add_working_days(dt.date(2026, 11, 27), 1, holidays=local) == dt.date(2026, 12, 1)
    assert add_working_days(dt.date(2026, 11, 27), 1, workdays={dt.date(2026, 11, 28)}) \
        == dt.date(2026, 11, 28)


def test_a_year_the_calendar_does_not_know_is_refused():
    last = known_years()[1]
    with pytest.raises(CalendarError, match=rf"整改期限算到 {last + 1} 年.*只收录到 {last} 年.*"
                                            r"pip install -U chinese-calendar"):
        add_working_days(dt.date(last, 12, 28), 30)      # would run toward the Spring Festival
    with pytest.raises(CalendarError, match=rf"通知日期 {last + 1}-01-04 在 {last + 1} 年.*只收录到 {last} 年"):
        add_working_days(dt.date(last + 1, 1, 4), 1)


def test_a_december_notice_gets_its_deadline_in_early_january():
    """元旦 is 1 January by law and 除夕 is never before 20 January, so 15 working days from a
    December notice are counted across the year's end even before that year's arrangement is out."""
    last = known_years()[1]
    start = dt.date(last, 12, 28)
    days, d = [], start
    while len(days) < 15:
        d += dt.timedelta(days=1)
        if d.year == last and chinese_calendar.is_workday(d) or \
                d.year > last and d.weekday() < 5 and (d.month, d.day) != (1, 1):
            days.append(d)
    assert days[-1] <= dt.date(last + 1, 1, 19)
    assert add_working_days(start, 15) == days[-1]
    assert dt.date(last + 1, 1, 1) not in days
    # unless the office wrote that year's days in its config
    given = {dt.date(last + 1, 1, 1)}
    weekday = next(d for d in (dt.date(last + 1, 1, k) for k in range(2, 9)) if d.weekday() < 5)
    assert add_working_days(dt.date(last, 12, 31), 1, holidays=given) == weekday


def test_bundled_config():
    cfg = load_report_config()
    assert cfg.holidays == frozenset() and cfg.workdays == frozenset()
    assert cfg.grade(95, True) == "优秀" and cfg.grade(85, True) == "良好" and cfg.grade(61, True) == "合格"
    assert cfg.grade(83.8, False) == "不合格" and cfg.grade(None, None) is None


def test_report_config_errors_name_the_file_and_key(tmp_path):
    bad = tmp_path / "my.yaml"
    bad.write_text("group_by: 级别\n", encoding="utf-8")
    with pytest.raises(ReportConfigError, match=r"my.yaml：group_by 只能是 行政级别、网站类型、所属地区 之一"):
        load_report_config(bad)
    bad.write_text("deadline: 15\n", encoding="utf-8")
    with pytest.raises(ReportConfigError, match=r"my.yaml：未知的设置项 deadline"):
        load_report_config(bad)
    bad.write_text("chart_regions: 0\n", encoding="utf-8")
    with pytest.raises(ReportConfigError, match=r"my.yaml：chart_regions 应为正整数"):
        load_report_config(bad)
    bad.write_text("history_regions: true\n", encoding="utf-8")
    with pytest.raises(ReportConfigError, match=r"my.yaml：history_regions 应为正整数"):
        load_report_config(bad)
    bad.write_text("grades:\n  - {name: 优秀}\n", encoding="utf-8")
    with pytest.raises(ReportConfigError, match=r"grades 第 1 项应写成"):
        load_report_config(bad)
    good = tmp_path / "ok.yaml"
    good.write_text(textwrap.dedent("""\
        issuing_office: 华阳省政务公开办
        deadline_working_days: 10
        grades: []
        """), encoding="utf-8")
    cfg = load_report_config(good)
    assert (cfg.issuing_office, cfg.deadline_working_days, cfg.grades) == ("华阳省政务公开办", 10, [])
    assert cfg.grade(99, True) is None and cfg.reply                 # unset keys keep the defaults


@pytest.fixture(scope="module")
def notices(tmp_path_factory):
    out = tmp_path_factory.mktemp("notices")
    (out / "notices").mkdir()
    (out / "notices" / "4401000003.docx").write_bytes(b"stale")     # an old notice of a site now clean
    report = make_report()
    return report, out, write_notices(report, out)


def _text(doc) -> str:
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_one_notice_per_site_with_problems(notices):
    report, out, files = notices
    assert sorted((f.site_code, f.path, f.problems, f.deadline) for f in files) == [
        ("4401000001", "notices/4401000001.docx", 2, dt.date(2026, 12, 21)),
        ("4401000002", "notices/4401000002.docx", 2, dt.date(2026, 12, 21))]
    assert sorted(p.name for p in (out / "notices").iterdir()) == ["4401000001.docx", "4401000002.docx"]


def test_notice_content(notices):
    report, out, _ = notices
    doc = Document(out / "notices" / "4401000002.docx")
    paras = [p.text for p in doc.paragraphs if p.text]
    assert paras[0] == "关于乙县人民政府存在问题的整改通知"
    assert paras[1] == "乙县人民政府办公室："
    text = _text(doc)
    assert "以2026年11月22日为监测时间点" in text and "检查结果为不合格，得分 0.0 分" in text
    assert "存在单项否决问题：栏目不更新、首页不更新" in text
    assert "整改期限为 15 个工作日（不含周末和法定节假日），截止日期为2026年12月21日" in text
    assert "请于2026年12月21日前将整改情况报告" in text
    assert paras[-2:] == ["XX省人民政府办公厅", "2026年11月30日"]
    sr = next(s for s in report.sites if s.verdict.site_code == "4401000002")
    for f, _ in shown_findings(report, sr):                   # every finding: URL and evidence
        assert f.url in text and f.evidence in text
    assert [p.text for p in doc.paragraphs if p.text.startswith("（")] == [
        "（一）栏目不更新（单项否决）", "（二）首页不更新（单项否决）",
        "（三）提示：未达扣分线，建议整改"]          # the dead link no rule charged on a vetoed site
    assert [[c.text for c in t.rows[0].cells] for t in doc.tables] == [["序号", "栏目/链接名称", "问题网址", "问题说明"]] * 3
    assert "http://4401000002.gov.cn/dead.html" in [c.text for c in doc.tables[2].rows[1].cells]


def test_notice_crawled_text_kept_literally(notices):
    _, out, _ = notices
    text = _text(Document(out / "notices" / "4401000001.docx"))
    assert "+cmd|' /C calc'!A0" in text and '=HYPERLINK("http://x")' in text
    assert "HTTP 404" in text and "\x07" not in text            # control characters dropped


def test_notice_page_fonts_and_page_numbers(notices):
    _, out, _ = notices
    doc = Document(out / "notices" / "4401000002.docx")
    sec = doc.sections[0]
    assert (round(sec.page_width.cm, 1), round(sec.page_height.cm, 1)) == (21.0, 29.7)
    title = doc.paragraphs[0].runs[0]
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title.font.name == "宋体" and title.font.size.pt == 22
    body = doc.paragraphs[2].runs[0]
    assert body._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and body.font.name == "仿宋"
    heading = next(p for p in doc.paragraphs if p.text == "一、检查结论").runs[0]
    assert heading._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    footer = sec.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    assert round(sec.top_margin.cm, 1) == 3.7


def test_notices_freed_as_written(tmp_path):
    """A python-docx document is a reference cycle holding its XML tree: each notice is collected
    once saved (100 notices held ≈ 150 MB before), and the collector is left as it was."""
    import gc
    import docx.document
    gc.collect()
    gc.disable()                     # no automatic collection can do it for write_notices
    try:
        files = write_notices(make_report(), tmp_path)
        alive = [o for o in gc.get_objects() if isinstance(o, docx.document.Document)]
    finally:
        gc.enable()
    assert len(files) == 2 and alive == [] and gc.get_freeze_count() == 0
