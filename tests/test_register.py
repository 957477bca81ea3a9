"""govaudit.register on planted registers: exact records, exact messages, exact row numbers."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from govaudit.register import (RegisterError, RowError, SiteRecord, normalize_level,
                               normalize_site_type, read_register)

FIX = Path(__file__).parent / "fixtures" / "register"
BAD_URL = "（应为 http:// 或 https:// 开头、含域名的网址），本行未导入"


def _errors(result):
    return [(e.row, e.level, str(e)) for e in result.errors]


def test_csv_with_bom_every_row_problem():
    res = read_register(FIX / "mixed_bom.csv")
    f = "mixed_bom.csv"
    assert res.sites == [
        SiteRecord("4400000001", "XX省人民政府", "http://www.xx.gov.cn/", "XX省人民政府办公厅", "省级",
                   "XX省", "门户网站", 2),
        SiteRecord("4401000012", "XX市教育局", "http://www.edu.xx.gov.cn", "XX市教育局", "地市级",
                   "XX省XX市", "部门网站", 3),
        SiteRecord("4401000016", "UU街道办事处", "https://uu.xx.gov.cn/", "", "街道办", "", "门户网站", 10),
        SiteRecord("4401000017", "TT县人民政府", "http://127.0.0.1:8080/tt/", "TT县政府办", "县级",
                   "XX省XX市TT县", "专题网站", 11),
        SiteRecord("4401000018", "SS镇人民政府", "http://ss.xx.gov.cn", "", "乡镇", "", "门户网站", 12),
    ]
    assert _errors(res) == [
        (3, "warning", f"{f} 第 3 行：首页网址“www.edu.xx.gov.cn”缺少 http://，已按“http://www.edu.xx.gov.cn”处理"),
        (5, "error", f"{f} 第 5 行：网站标识码 4401000013 缺少网站名称，本行未导入"),
        (6, "error", f"{f} 第 6 行：缺少网站标识码（网站名称：YY县人民政府），本行未导入"),
        (7, "error", f"{f} 第 7 行：网站标识码 4401000014 缺少首页网址，本行未导入"),
        (8, "error", f"{f} 第 8 行：网站标识码 4401000015 首页网址“ftp://www.ww.gov.cn/”无效{BAD_URL}"),
        (9, "error", f"{f} 第 9 行：网站标识码 4400000001 与第 2 行重复，本行未导入"),
        (10, "warning", f"{f} 第 10 行：行政级别“街道办”无法识别（应为 省级、地市级、县级、乡镇 之一），已按原值保留"),
        (11, "warning", f"{f} 第 11 行：网站类型“专题网站”无法识别（应为 门户网站、部门网站 之一），已按原值保留"),
        (13, "error", f"{f} 第 13 行：网站标识码 4401000019 首页网址“无”无效{BAD_URL}"),
    ]
    assert res.has_errors
    assert [s.is_portal for s in res.sites] == [True, False, True, False, True]


def test_csv_without_bom_optional_columns_missing_and_marked_headers():
    res = read_register(FIX / "plain_nobom.csv")
    assert res.sites == [
        SiteRecord("4401000001", "XX市人民政府", "https://www.sz.xx.gov.cn/index.html", "", "地市级", "", "", 2),
        SiteRecord("4401030001", "XX区人民政府", "http://qu.xx.gov.cn/", "", "县级", "", "", 3),
    ]
    assert _errors(res) == [
        (1, "warning", f"plain_nobom.csv 第 1 行（表头）：没有“{h}”列；新网站的{h}为空，"
                       f"已登记网站的{h}保持不变")
        for h in ("主办单位", "所属地区", "网站类型")]
    assert not res.has_errors


def test_gb18030_csv_from_excel_on_chinese_windows():
    res = read_register(FIX / "excel_gb18030.csv")
    assert res.sites == [
        SiteRecord("4401230101", "䶮乡人民政府", "http://yan.xx.gov.cn/", "䶮乡人民政府", "乡镇",
                   "XX省XX市XX县", "门户网站", 2),
        SiteRecord("4401230002", "XX县发展和改革局", "http://fgj.xx.gov.cn/", "XX县发改局", "县级",
                   "XX省XX市XX县", "部门网站", 3),
    ]
    assert _errors(res) == [(0, "warning", "excel_gb18030.csv 不是 UTF-8 编码，已按 GB18030（中文 Windows 版 "
                                           "Excel 的默认编码）读取；建议另存为“CSV UTF-8”格式")]


def test_xlsx_title_row_numeric_codes_first_sheet_only():
    res = read_register(FIX / "title_row.xlsx")
    assert res.sites == [
        SiteRecord("4400000001", "XX省人民政府", "http://www.xx.gov.cn/", "XX省政府办公厅", "省级", "XX省",
                   "门户网站", 4),
        SiteRecord("4400000012", "XX省教育厅", "http://jyt.xx.gov.cn/", "XX省教育厅", "省级", "XX省",
                   "部门网站", 5),
        SiteRecord("0123456789", "XX市人民政府", "http://www.xs.gov.cn/", "XX市政府办公室", "地市级",
                   "XX省XX市", "门户网站", 6),
        SiteRecord("0100000001", "XX镇人民政府", "http://zhen.xx.gov.cn/", "", "乡镇", "", "门户网站", 7),
    ]
    assert _errors(res) == [
        (9, "error", f"title_row.xlsx 第 9 行：网站标识码 4400000099 首页网址“http:///nohost”无效{BAD_URL}")]


def test_missing_required_header_is_a_register_error():
    with pytest.raises(RegisterError) as exc:
        read_register(FIX / "bad_header.csv")
    assert str(exc.value) == ("网站名录 bad_header.csv 缺少必需的表头：网站标识码"
                              "（表头在第 1 行；必需表头：网站名称、网站标识码、首页网址；"
                              "“标识码”是否应为“网站标识码”？）")
    assert isinstance(exc.value, ValueError)


def test_header_must_be_within_first_five_rows(tmp_path):
    wb = Workbook()
    for _ in range(5):
        wb.active.append(["说明文字"])
    wb.active.append(["网站名称", "网站标识码", "首页网址"])
    wb.save(tmp_path / "late.xlsx")
    with pytest.raises(RegisterError, match=r"^网站名录 late.xlsx 的前 5 行中找不到表头"
                                            r"（必需表头：网站名称、网站标识码、首页网址）$"):
        read_register(tmp_path / "late.xlsx")


def test_several_problems_in_one_row_and_scheme_less_double_slash(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("网站标识码,网站名称,首页网址\n,,\n,,http://x.gov.cn\nA1,甲,//a.gov.cn/\n", encoding="utf-8")
    res = read_register(p)
    assert [(s.code, s.home_url, s.row) for s in res.sites] == [("A1", "http://a.gov.cn/", 4)]
    assert [(e.row, e.level, str(e)) for e in res.errors if e.row > 1] == [
        (3, "error", "r.csv 第 3 行：缺少网站标识码，本行未导入"),
        (3, "error", "r.csv 第 3 行：缺少网站名称，本行未导入"),
        (4, "warning", "r.csv 第 4 行：首页网址“//a.gov.cn/”缺少 http://，已按“http://a.gov.cn/”处理"),
    ]


@pytest.mark.parametrize("url", ["http://", "http://localhost:99999/", "https://a b.gov.cn/", "暂无",
                                 "mailto:x@gov.cn", "javascript:void(0)",
                                 "http://user@a.gov.cn/"])
def test_invalid_urls_are_errors(tmp_path, url):
    p = tmp_path / "r.csv"
    p.write_text(f"网站名称,网站标识码,首页网址\n甲,A1,{url}\n", encoding="utf-8")
    res = read_register(p)
    assert res.sites == []
    assert [(e.row, e.level) for e in res.errors if e.row > 1] == [(2, "error")]
    assert f"首页网址“{url}”无效" in str(res.errors[-1])


def test_missing_file_and_old_xls(tmp_path):
    with pytest.raises(RegisterError, match="找不到网站名录文件"):
        read_register(tmp_path / "none.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(RegisterError, match=r"^网站名录 old.xls 是旧版 Excel（.xls）格式"):
        read_register(tmp_path / "old.xls")


@pytest.mark.parametrize("value,expected", [
    ("省级", "省级"), ("省部级", "省级"), ("省", "省级"), ("市级", "地市级"), ("地级市", "地市级"),
    ("地市", "地市级"), ("区县", "县级"), ("县区级", "县级"), ("县(区)级", "县级"), ("县（区）级", "县级"),
    ("乡镇街道", "乡镇"), ("街道", "乡镇"), ("乡镇级", "乡镇"), (" 县级 ", "县级"), ("村级", None)])
def test_level_variants(value, expected):
    assert normalize_level(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("政府门户网站", "门户网站"), ("门户", "门户网站"), ("部门", "部门网站"), ("政府部门网站", "部门网站"),
    ("门户网站", "门户网站"), ("专题网站", None)])
def test_site_type_variants(value, expected):
    assert normalize_site_type(value) == expected


def test_row_error_str_is_message():
    assert str(RowError(3, "第 3 行：x", "warning")) == "第 3 行：x"


@pytest.mark.parametrize("given,fixed", [("www.x.gov.cn:8080/", "http://www.x.gov.cn:8080/"),
                                         ("localhost:8080", "http://localhost:8080"),
                                         ("HTTPS://WWW.X.GOV.CN", None)])
def test_scheme_added_with_port(tmp_path, given, fixed):
    p = tmp_path / "r.csv"
    p.write_text(f"网站名称,网站标识码,首页网址\n甲,A1,{given}\n", encoding="utf-8")
    res = read_register(p)
    assert [s.home_url for s in res.sites] == [fixed or given]
    assert [e.level for e in res.errors if e.row == 2] == (["warning"] if fixed else [])


def test_excel_unicode_text_export_utf16_tabs(tmp_path):
    p = tmp_path / "unicode.txt"
    p.write_bytes("网站名称\t网站标识码\t首页网址\t网站类型\r\n甲县, 人民政府\t4401000001\thttp://a.gov.cn/\t门户\r\n"
                  .encode("utf-16"))
    res = read_register(p)
    assert [(s.name, s.code, s.home_url, s.site_type, s.row) for s in res.sites] == [
        ("甲县, 人民政府", "4401000001", "http://a.gov.cn/", "门户网站", 2)]
    assert [e.level for e in res.errors] == ["warning"] * 3   # the three missing optional columns
