"""Issue 23 §4: bad registers and names. Codes that would break file names, registers that would
take the machine's memory, re-imports that would blank stored values, CSV cells Excel would run,
and a database password in a query string."""
from __future__ import annotations

import csv
import subprocess
import sys
import zipfile
from datetime import date

import openpyxl
import pytest
from docx import Document
from sqlalchemy import select

from govaudit import pipeline, register, spotcheck
import store
from govaudit.register import RegisterError, read_register
from reports.notices import file_name, write_letters

HEADER = "网站名称,网站标识码,首页网址,主办单位,行政级别,所属地区,网站类型\n"


def test_codes_that_would_break_file_names_are_refused_naming_the_row(tmp_path):
    long_code = "9" * 100
    path = tmp_path / "名录.csv"
    path.write_text(HEADER
                    + "甲县人民政府,4401000001,http://a.gov.cn/,,,,\n"
                    + "乙局网站,JB-教育局-01,http://b.gov.cn/,,,,\n"         # an office's own code
                    + "丙网站,A/B,http://c.gov.cn/,,,,\n"
                    + "丁网站,A\\B,http://d.gov.cn/,,,,\n"
                    + "戊网站,44\x1b01,http://e.gov.cn/,,,,\n"
                    + f"己网站,{long_code},http://f.gov.cn/,,,,\n", encoding="utf-8")
    res = read_register(path)
    assert [s.code for s in res.sites] == ["4401000001", "JB-教育局-01"]
    assert [(e.row, str(e)) for e in res.errors] == [
        (4, "名录.csv 第 4 行：网站标识码“A/B”含控制字符或路径分隔符（/ \\）（网站名称：丙网站），本行未导入"),
        (5, "名录.csv 第 5 行：网站标识码“A\\B”含控制字符或路径分隔符（/ \\）（网站名称：丁网站），本行未导入"),
        (6, "名录.csv 第 6 行：网站标识码“44\\x1b01”含控制字符或路径分隔符（/ \\）（网站名称：戊网站），本行未导入"),
        (7, "名录.csv 第 7 行：网站标识码超过 64 个字符（共 100 个）（网站名称：己网站），本行未导入")]


def test_notice_files_never_collide_and_never_get_too_long(tmp_path):
    """Codes already in a store from before the check (or from another tool): every notice is
    written, each to its own file, whatever the code."""
    codes = ["4401000017", "A/B", "A_B", "a_b", "AB", "ab", "9" * 100, "..", "县" * 64]
    written = write_letters(tmp_path, "notices", date(2026, 12, 1),
                            [(c, True, Document, 1) for c in codes])
    names = [n.path.split("/", 1)[1] for n in written]
    assert len({n.lower() for n in names}) == len(codes)       # distinct even on Windows
    assert all(len(n.encode("utf-8")) <= 255 for n in names)
    assert sorted(p.name for p in (tmp_path / "notices").iterdir()) == sorted(names)
    assert file_name("4401000017") == "4401000017.docx"          # census codes stay readable


def _xlsx(path, rows):
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def _bomb(path, chars: int):
    """A register workbook whose one cell holds `chars` characters (openpyxl itself would cut a
    cell at Excel's 32,767, so the sheet is written into the zip by hand, as another tool might)."""
    small = _xlsx(path.with_name("small.xlsx"), [["网站名称", "网站标识码", "首页网址"]])
    cell = f'<row r="2"><c r="A2" t="inlineStr"><is><t>{"甲" * chars}</t></is></c></row>'
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", cell.encode("utf-8") + b"</sheetData>")
            dst.writestr(info.filename, data)
    return path


def test_xlsx_expanding_beyond_the_limit_is_refused_before_openpyxl_reads_it(tmp_path, monkeypatch):
    path = _bomb(tmp_path / "炸弹.xlsx", 1_000_000)
    assert path.stat().st_size < 100_000          # a few KB on disk, 3 MB unzipped
    monkeypatch.setitem(register.LIMITS, "file_max_mb", 2)

    def must_not_load(*a, **k):
        raise AssertionError("openpyxl loaded the workbook")
    monkeypatch.setattr(openpyxl, "load_workbook", must_not_load)
    with pytest.raises(RegisterError, match=r"炸弹.xlsx 有 3 MB（xlsx 按解压后计），超过 2 MB 上限"):
        read_register(path)


def test_cells_beyond_the_limit_are_refused_naming_the_row(tmp_path):
    path = _xlsx(tmp_path / "名录.xlsx", [HEADER.strip().split(","),
                                        ["甲县人民政府", "4401000001", "http://a.gov.cn/"],
                                        ["乙" * 3000, "4401000002", "http://b.gov.cn/"]])
    res = read_register(path)
    assert [s.code for s in res.sites] == ["4401000001"]
    assert [str(e) for e in res.errors if e.level == "error"] == [
        "名录.xlsx 第 3 行：网站名称超过 2000 个字符（共 3000 个），本行未导入"]
    huge = tmp_path / "大.csv"
    huge.write_text(HEADER + "甲,4401000001,http://a.gov.cn/\n" + "乙" * 200_000
                    + ",4401000002,http://b.gov.cn/\n", encoding="utf-8")
    with pytest.raises(RegisterError, match="大.csv 第 3 行有一格超过 2000 个字符"):
        read_register(huge)


def test_a_reimport_without_a_column_keeps_the_stored_values(tmp_path):
    engine = store.connect(str(tmp_path / "x.sqlite"))
    first = tmp_path / "名录.csv"
    first.write_text(HEADER + "甲县人民政府,4401000001,http://a.gov.cn/,甲县政府办,县级,华阳省甲县,门户网站\n",
                     encoding="utf-8")
    pipeline.import_register(engine, first)
    again = tmp_path / "名录2.csv"
    again.write_text("网站名称,网站标识码,首页网址,所在地区\n"
                     "甲县人民政府（新）,4401000001,http://a.gov.cn/,错地区\n"
                     "乙县人民政府,4401000002,http://b.gov.cn/,错地区\n", encoding="utf-8")
    result = pipeline.import_register(engine, again)
    with engine.connect() as conn:
        rows = {r.code: r for r in conn.execute(select(store.Site))}
    assert (rows["4401000001"].name, rows["4401000001"].region, rows["4401000001"].sponsor,
            rows["4401000001"].level) == ("甲县人民政府（新）", "华阳省甲县", "甲县政府办", "县级")
    assert (rows["4401000002"].region, rows["4401000002"].level) == ("", "")
    assert "名录2.csv 第 1 行（表头）：“所在地区”不是名录的列名，是否应为“所属地区”？该列未读取；" \
           "新网站的所属地区为空，已登记网站的所属地区保持不变" in [str(e) for e in result.errors]


def test_every_csv_we_write_is_never_a_formula_and_reads_back_as_written(tmp_path):
    engine = store.connect(str(tmp_path / "x.sqlite"))
    reg = tmp_path / "名录.csv"
    reg.write_text(HEADER + '"=HYPERLINK(""http://evil/"",""点我"")",4401000001,http://a.gov.cn/,'
                   "@SUM(1),县级,+华阳,门户网站\n", encoding="utf-8")
    pipeline.import_register(engine, reg)
    sample = spotcheck.draw_and_record(engine, seed=1, share=1.0, by=[])
    out = spotcheck.write_sample(engine, sample, tmp_path / "抽查名录.csv")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert "'=HYPERLINK(\"http://evil/\",\"点我\")" in cells and "'@SUM(1)" in cells and "'+华阳" in cells
    assert not any(c[:1] in "=+-@" for c in cells)
    back = read_register(out).sites[0]
    assert (back.name, back.sponsor, back.region) == ('=HYPERLINK("http://evil/","点我")', "@SUM(1)",
                                                      "+华阳")


def test_a_password_in_the_query_string_is_hidden_too():
    proc = subprocess.run([sys.executable, "-m", "govaudit.cli", "sites", "list", "--db",
                           "postgresql://auditor@127.0.0.1:9/gov?password=s3cret&sslmode=disable"],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 2
    assert "s3cret" not in proc.stderr + proc.stdout
    assert "postgresql+psycopg://auditor@127.0.0.1:9/gov?password=***" in proc.stderr
