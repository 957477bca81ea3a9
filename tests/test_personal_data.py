"""个人信息未脱敏: the pure detectors (GB 11643 check digit, birth date and region; mobile prefixes;
Luhn), masked forms, the office's allowed numbers and contexts, attachment text, and the site scan."""
from __future__ import annotations

import io
from datetime import date

import pytest

import config
from crawler.extract.attachment import attachment_text, extension
from indicators.observations import PageText, SiteObservations
from indicators.personal import (find_numbers, id_check_digit, luhn, mask, masked_numbers,
                                 scan_site, valid_id)
from samplefarm import personal

CFG = config.load_yaml("personal_data.yaml")
AS_OF = date(2026, 11, 22)


def kinds(text, cfg=CFG):
    return [(h.kind, h.number) for h in find_numbers(text, cfg, AS_OF)]


def test_gb11643_check_digit_birth_date_and_region():
    assert id_check_digit("11010519491231002") == "X"
    assert valid_id("11010519491231002X", CFG["id_card"], AS_OF)
    assert not valid_id("110105194912310021", CFG["id_card"], AS_OF)      # wrong check digit
    assert not valid_id("990105194912310029", CFG["id_card"], AS_OF)      # no such province
    bad_day = "35010219870230" + "231"                                     # 30 February
    assert not valid_id(bad_day + id_check_digit(bad_day), CFG["id_card"], AS_OF)
    future = "35010220300101" + "231"
    assert not valid_id(future + id_check_digit(future), CFG["id_card"], AS_OF)
    assert valid_id("350102870315231", CFG["id_card"], AS_OF)             # 15-digit, 1987-03-15
    assert not valid_id("350102871315231", CFG["id_card"], AS_OF)         # month 13


def test_find_numbers_in_clear_and_not():
    text = ("身份证 11010519491231002x，校验错 110105194912310021，电话 139-5911-2345，"
            "座机 0591-87050000，号段不存在 12012345678，卡号 6222021234567890128，"
            "卡号校验错 6222021234567890127，长串 135911234567890，文号 20261120123456")
    assert kinds(text) == [("id_card", "11010519491231002X"), ("mobile", "13959112345"),
                           ("bank_card", "6222021234567890128")]
    # an 18-digit valid ID is not also a card; digits inside a longer run are no number
    assert kinds("X11010519491231002X1 和 913501001395911234567") == []


def test_full_width_digits_are_read(tmp_path):
    from indicators.personal import normalise
    assert kinds(normalise("电话：１３９５９１１２３４５")) == [("mobile", "13959112345")]


def test_masked_numbers_are_told_apart():
    text = "联系电话 138****1234，身份证 35**************12，350102********2313，短 12**34"
    assert masked_numbers(text) == ["138****1234", "35**************12", "350102********2313"]
    assert kinds(text) == []
    assert mask("13959112345", "mobile") == "139****2345"
    assert mask("350102198703152313", "id_card") == "35**************13"
    assert mask("6222021234567890128", "bank_card") == "6222***********0128"
    assert luhn("4111111111111111") and not luhn("4111111111111112")


def test_service_numbers_and_allowed_contexts_pass():
    cfg = dict(CFG, service_numbers=["13959112345"], allowed_contexts=["拟录用人员公示"])
    text = "服务热线 13959112345。拟录用人员公示：张三，电话 15880012345。李四 18650054321"
    assert kinds(text, cfg) == kinds(text) and len(kinds(text)) == 3   # found either way …
    obs = SiteObservations("1", "http://a/", True, pages={"http://a/x": PageText(text=text)})
    values, findings = scan_site(obs, cfg, AS_OF)
    assert values["personal_data_leaks"] == 1                            # … only one reported
    assert findings[0].term == "手机号码 186****4321"


def test_scan_site_one_finding_per_number_masked_everywhere():
    leak = "350102198703152313"
    pages = {"http://a/b.html": PageText(title="公示", text=f"王某 {leak} 电话 13959112345 编号 1234567"),
             "http://a/": PageText(title="首页", text=f"王某 {leak}")}
    obs = SiteObservations("1", "http://a/", True, pages=pages,
                           attachments={"http://a/f.docx": PageText(title="名单", text="13959112345")})
    values, findings = scan_site(obs, CFG, AS_OF)
    assert values == {"personal_data_leaks": 2, "personal_data_masked": 0}
    by_term = {f.term: f for f in findings}
    assert set(by_term) == {"居民身份证号码 35**************13", "手机号码 139****2345"}
    assert by_term["居民身份证号码 35**************13"].url == "http://a/"     # homepage first
    assert "另见 1 个" in by_term["居民身份证号码 35**************13"].evidence
    assert by_term["手机号码 139****2345"].url == "http://a/b.html"          # pages before attachments
    for f in findings:
        blob = repr(f.to_dict())
        assert leak not in blob and "13959112345" not in blob and "1234567" not in blob


def test_attachment_text_docx_pdf_xlsx_and_old_binary():
    _, docx_bytes = personal.blob("leaks.docx")
    assert "15880012345" in attachment_text(docx_bytes, "docx")
    assert "6222021234567890128" in attachment_text(docx_bytes, "doc")   # a .doc that is a .docx
    _, pdf_bytes = personal.blob("leaks.pdf")
    assert "18650054321" in attachment_text(pdf_bytes, "pdf")
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["张三", 13959112345])                            # typed as a number
    buf = io.BytesIO()
    wb.save(buf)
    assert "张三 13959112345" in attachment_text(buf.getvalue(), "xlsx")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40 + "联系电话13959112345".encode("utf-16-le")
    assert "13959112345" in attachment_text(ole, "wps")
    assert attachment_text(b"not a zip", "docx") == "" and attachment_text(b"x", "zip") == ""
    assert attachment_text(docx_bytes, "docx", max_chars=5) == "低保对象补"
    assert extension("http://a/b/c.PDF?x=1") == "pdf" and extension("http://a/b.c/d") == ""


@pytest.mark.parametrize("number", personal.LEAKS)
def test_farm_planted_leaks_are_found(number):
    text = " ".join(personal.ARTICLE + personal.DOCX_LINES + [personal.PDF_LINE])
    assert number in {n for _, n in kinds(text)}
    assert personal.NOT_LEAKS[0] not in {n for _, n in kinds(text)}
    assert sorted(masked_numbers(text)) == sorted(personal.MASKED)


def _docx(lines: list[str], pad: int = 0) -> bytes:
    """A .docx saying `lines`, made `pad` bytes bigger by an incompressible picture inside."""
    import os
    import zipfile

    import docx
    doc = docx.Document()
    for line in lines:
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    if pad:
        with zipfile.ZipFile(buf, "a", zipfile.ZIP_STORED) as z:
            z.writestr("word/media/image1.bin", os.urandom(pad))
    return buf.getvalue()


def test_attachments_over_the_size_limit_are_said_unread(tmp_path):
    """crawl.yaml attachment_text.max_bytes: an attachment over it — its size announced, or not
    (then counted as it arrives) — is fetched only as far as its answer, its text is never read
    (the number in it is not found), and a finding says so: not checked, never charged. One under
    the limit is read in the same crawl."""
    import store
    from govaudit import pipeline
    from indicators.assemble import load_observations
    from indicators.measure import measure
    from store import runs
    from tests.loopback import Answer, page_server

    limit = 50_000
    ctype = {"Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    small, big = _docx(["联系电话：13959112345"]), _docx(["联系电话：15880012345"], pad=2 * limit)
    home = ('<html><head><meta charset="utf-8"><title>测试县人民政府</title></head><body><h1>测试县人民政府</h1>'
            '<p><a href="/files/small.docx">附件1：名单.docx</a> <a href="/files/big.docx">附件2：汇总表.docx</a> '
            '<a href="/files/stream.docx">附件3：明细表.docx</a></p></body></html>')
    pages = {"/": home, "/files/small.docx": Answer(body=small, headers=ctype),
             "/files/big.docx": Answer(body=big, headers=ctype),
             "/files/stream.docx": Answer(body=big, headers=ctype, length=False)}
    db = str(tmp_path / "store.sqlite")
    with page_server("127.0.1.78", pages) as srv:
        register = tmp_path / "register.csv"
        register.write_text("网站名称,网站标识码,首页网址,主办单位,行政级别,所属地区,网站类型\n"
                            f"测试县人民政府,9999000078,{srv.url},测试县人民政府办公室,县级,华阳省,门户网站\n",
                            encoding="utf-8")
        engine = store.connect(db)
        pipeline.import_register(engine, register)
        run = pipeline.start_crawl_run(engine, pipeline.registered_sites(engine), dict(
            allow_net=["127.0.0.0/8"], a11y=False, workers=1, timeout=5,
            attachment_text={**config.load_yaml("crawl.yaml")["attachment_text"], "max_bytes": limit}))
        assert pipeline.run_crawl(engine, run, db) == 0
    sc = runs.site_crawls(engine, run.id)[0]
    values, findings = measure(load_observations(engine, sc, taxonomy=config.load_yaml("taxonomy.yaml")),
                               AS_OF)
    assert (values["personal_data_leaks"], values["broken_attachments"]) == (1, 0)
    assert [f.term for f in findings if f.kind == "personal_data_leak"] == ["手机号码 139****2345"]
    unread = sorted((f.url, f.evidence) for f in findings if f.kind == "unread_attachment")
    assert unread == [
        (srv.url + "files/big.docx", f"附件过大（{len(big):,} 字节，超过读取上限 {limit:,} 字节），"
                                     "未读取其中文字，未检查是否含有未脱敏的个人信息"),
        (srv.url + "files/stream.docx", f"附件过大（超过读取上限 {limit:,} 字节），"
                                        "未读取其中文字，未检查是否含有未脱敏的个人信息")]
    engine.dispose()
