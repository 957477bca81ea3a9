"""crawler.extract.encoding: BOM, header, <meta>, UTF-8, guess; gb2312 labels decode as GB18030."""
from __future__ import annotations

from pathlib import Path

from crawler.extract.encoding import decode_body, normalize_label

FIX = Path(__file__).parent / "fixtures" / "extract"


def test_gb2312_meta_only_page_with_gb18030_characters():
    body = (FIX / "gbk_column.html").read_bytes()
    text, enc = decode_body(body, "text/html")
    assert enc == "gb18030"
    assert "<title>镇务公开_某某县刘䶮镇人民政府</title>" in text
    assert "刘䶮镇召开㻏村环境整治推进会" in text
    assert "\ufffd" not in text


def test_header_label_gb2312_upper_case():
    body = "<p>刘䶮镇</p>".encode("gb18030")
    assert decode_body(body, "text/html; charset=GB2312") == ("<p>刘䶮镇</p>", "gb18030")
    assert decode_body(body, 'text/html;charset="gbk"') == ("<p>刘䶮镇</p>", "gb18030")


def test_bom_wins_over_labels():
    body = "\ufeff<meta charset=gbk><p>政务公开</p>".encode("utf-8")
    assert decode_body(body, "text/html; charset=gbk") == ("<meta charset=gbk><p>政务公开</p>", "utf-8")
    body16 = "<p>通知公告</p>".encode("utf-16")       # with its BOM
    assert decode_body(body16, None) == ("<p>通知公告</p>", "utf-16")


def test_header_before_meta_and_wrong_header_passed_over():
    utf8 = '<meta charset="gb2312"><p>通知公告</p>'.encode("utf-8")
    # The header is right: UTF-8 wins over the meta tag.
    assert decode_body(utf8, "text/html; charset=utf-8")[1] == "utf-8"
    gbk = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>通知公告</p>'.encode("gbk")
    # A server default "utf-8" that cannot decode the bytes: the meta charset is used.
    text, enc = decode_body(gbk, "text/html; charset=utf-8")
    assert (enc, text.endswith("<p>通知公告</p>")) == ("gb18030", True)


def test_unlabelled_utf8_and_unlabelled_gbk():
    assert decode_body("<p>工作动态</p>".encode("utf-8"), None) == ("<p>工作动态</p>", "utf-8")
    text, enc = decode_body(("<html><body><p>某某县人民政府关于印发二〇二六年重点工作任务的通知，"
                             "各乡镇人民政府、县政府各部门：现将有关事项通知如下。</p></body></html>")
                            .encode("gb18030"), "text/html")
    assert enc == "gb18030"
    assert "重点工作任务的通知" in text


def test_never_raises():
    text, enc = decode_body(b"\xff\xfe\x00", "text/html; charset=nonsense-label")
    assert isinstance(text, str)
    assert decode_body(b"", None) == ("", "utf-8")
    # Undecodable under every candidate: replacement characters, not an exception.
    text, _ = decode_body(b"<p>\x81</p>", "text/html; charset=utf-8")
    assert text.startswith("<p>") and text.endswith("</p>")


def test_normalize_label():
    assert [normalize_label(x) for x in ("GB2312", "gbk", "x-gbk", "cp936", "GB18030", "UTF8",
                                          "latin1", "no-such", None)] == \
        ["gb18030", "gb18030", "gb18030", "gb18030", "gb18030", "utf-8", "iso8859-1", None, None]


def test_gbk_page_declaring_utf8_is_read_as_gb18030_not_cp949():
    # The declared UTF-8 fails; a statistical guess called these bytes cp949 (무멩繫列).
    body = '<html><head><meta charset="UTF-8"><title>公告通知</title></head><body>公告通知</body></html>' \
        .encode("gbk")
    text, enc = decode_body(body, "text/html")
    assert (enc, "<title>公告通知</title>" in text) == ("gb18030", True)
    # A UTF-8 page with one stray byte stays UTF-8 rather than becoming GB18030 mojibake.
    body = ('<meta charset="utf-8"><p>' + "政府信息公开" * 20).encode() + b"\xff</p>"
    text, enc = decode_body(body, None)
    assert enc == "utf-8" and text.count("政府信息公开") == 20
