"""The text of an attachment (.docx, .xlsx, .pdf; .doc, .wps, .xls, .et where readable), for the
personal-data scan. Pure: bytes → text, at most `max_chars` characters; '' when unreadable.

.docx with python-docx, .xlsx with openpyxl, .pdf with pdfplumber. The old binary Office formats
(and WPS's .wps/.et, which are the same compound files) have no maintained pure-Python reader:
their text runs are read straight from the bytes (Word 97 keeps its text as UTF-16LE or as
8-bit runs), which finds numbers and most Chinese text and never fails on a damaged file.
"""
from __future__ import annotations

import io
import re
import zipfile

READERS = ("docx", "xlsx", "pdf", "doc", "wps", "xls", "et")
_UTF16 = re.compile(rb"(?:[\x20-\x7e][\x00]|[\x00-\xff][\x4e-\x9f]|[\x00-\xff][\x30\xff]){4,}")
_ASCII = re.compile(rb"[\x20-\x7e]{6,}")


def extension(url: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0]
    return path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""


def attachment_text(body: bytes, ext: str, max_chars: int = 200_000, max_pages: int = 50) -> str:
    """What the file says, whitespace-collapsed; '' for a file its reader cannot open."""
    try:
        if ext == "docx":
            text = _docx(body)
        elif ext == "xlsx":
            text = _xlsx(body, max_chars)
        elif ext == "pdf":
            text = _pdf(body, max_pages, max_chars)
        elif ext in READERS:
            text = _binary(body)
        else:
            return ""
    except Exception:   # noqa: BLE001 - a damaged or disguised file has no text, not an error
        return ""
    return re.sub(r"\s+", " ", text).strip()[:max_chars]


def _docx(body: bytes) -> str:
    import docx
    doc = docx.Document(io.BytesIO(body))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _xlsx(body: bytes, max_chars: int) -> str:
    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    parts, size = [], 0
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                line = " ".join(_cell(v) for v in row if v is not None)
                parts.append(line)
                size += len(line)
                if size > max_chars:
                    return "\n".join(parts)
    finally:
        wb.close()
    return "\n".join(parts)


def _cell(value) -> str:
    # A phone number typed into a cell is stored as a number: 13812345678.0 reads 13812345678.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _pdf(body: bytes, max_pages: int, max_chars: int) -> str:
    import pdfplumber
    parts, size = [], 0
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        for page in pdf.pages[:max_pages]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > max_chars:
                break
    return "\n".join(parts)


def _binary(body: bytes) -> str:
    if zipfile.is_zipfile(io.BytesIO(body)):   # a .doc that is really a .docx (common on real sites)
        for reader in (_docx, lambda b: _xlsx(b, 200_000)):
            try:
                return reader(body)
            except Exception:   # noqa: BLE001
                continue
        return ""
    runs = [m.group(0).decode("utf-16-le", "ignore") for m in _UTF16.finditer(body)]
    runs += [m.group(0).decode("ascii") for m in _ASCII.finditer(body)]
    return "\n".join(runs)
