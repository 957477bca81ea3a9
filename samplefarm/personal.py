"""Personal data planted on 江北市人民政府 (9901000001): numbers published in clear and masked, on
an article page and in a .docx and a .pdf attachment, with the audit's expected counts.

LEAKS are the numbers a correct audit reports (each once, masked); the wrong-check-digit ID and
the masked numbers must not be reported. tests/test_personal_data.py greps every output file for
each of these numbers.
"""
from __future__ import annotations

import io
from functools import lru_cache

from samplefarm.model import Item, Link

ARTICLE = ["经审核，以下人员符合城乡居民最低生活保障条件，现予公示。",
           "申请人王某某，身份证号码 350102198703152313，联系电话 13959112345。",
           "申请人李某某，身份证号码 35**************12，联系电话 138****1234。",
           "申请人陈某某，身份证号码 350102198703152318（号码校验位有误，待核实）。",
           "申请人林某某（1987 年登记），身份证号码 350102870315231。",
           "公示期间如有异议，请与县民政局联系，详见附件。"]
DOCX_PATH, PDF_PATH = "/attach/0/2026111901.docx", "/attach/0/2026111902.pdf"
DOCX_LINES = ["低保对象补贴发放名单", "姓名：张某某　联系电话：15880012345",
              "补贴发放账户：6222021234567890128"]
PDF_LINE = "Contact telephone 18650054321 (street office)"
# The numbers in clear the audit must find, and the masked ones it counts apart.
LEAKS = ["350102198703152313", "13959112345", "350102870315231", "15880012345",
         "6222021234567890128", "18650054321"]
NOT_LEAKS = ["350102198703152318"]          # wrong check digit: no real ID number
MASKED = ["35**************12", "138****1234"]


def plant(item: Item) -> None:
    """The 公示 article with the numbers, and its two attachments."""
    item.body = list(ARTICLE)
    item.links += [Link(DOCX_PATH, "附件1：补贴发放名单.docx"), Link(PDF_PATH, "附件2：联系方式.pdf")]


FILES = {DOCX_PATH: "leaks.docx", PDF_PATH: "leaks.pdf"}


@lru_cache(maxsize=None)
def blob(name: str) -> tuple[str, bytes]:
    """(Content-Type, bytes) of a planted attachment."""
    if name == "leaks.docx":
        import docx
        doc = docx.Document()
        for line in DOCX_LINES:
            doc.add_paragraph(line)
        buf = io.BytesIO()
        doc.save(buf)
        return ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                buf.getvalue())
    if name == "leaks.pdf":
        return "application/pdf", _pdf(PDF_LINE)
    raise KeyError(name)


def _pdf(line: str) -> bytes:
    """A one-page PDF saying `line` in Helvetica (ASCII): enough for a PDF text reader."""
    stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
