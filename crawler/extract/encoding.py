"""Bytes → text for pages whose charset may be missing, wrong or only in a <meta> tag."""
from __future__ import annotations

import codecs
import re

# Labels that real Chinese sites use for GBK-family pages; all decode as GB18030 (the superset),
# so "gb2312" pages containing characters like 䶮 still come out right.
_GB_LABELS = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "gb_2312-80", "gb_2312",
              "csgb2312", "chinese", "euc-cn", "x-euc-cn", "windows-936"}

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
         (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)


def normalize_label(label: str | None) -> str | None:
    """A charset label → a Python codec name, or None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_LABELS:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in ("gb2312", "gbk") else name


def _try(body: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_body(body: bytes, content_type: str | None) -> tuple[str, str]:
    """(text, encoding): BOM, HTTP charset, <meta> charset, UTF-8, GB18030, charset-normalizer.

    A declared charset that does not decode the bytes is passed over (servers and templates often
    say "utf-8" for GBK pages). Then UTF-8 is tried; then, when a charset was declared, GB18030
    before any statistical guess — a GBK page labelled UTF-8 must not come out as cp949
    (무멩繫列 for 公告通知). A page that is UTF-8 but for a stray byte stays UTF-8. If nothing
    decodes cleanly the first declared charset is used with replacement characters. Never raises.
    """
    body = body or b""
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return body.decode(enc, errors="replace"), enc.replace("-sig", "")
    declared: list[str] = []
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m:
            declared.append(normalize_label(m.group(1)) or "")
    m = _META_CHARSET.search(body[:4096])
    if m:
        declared.append(normalize_label(m.group(1).decode("ascii", "replace")) or "")
    declared = [d for d in declared if d]
    for enc in declared + ["utf-8"]:
        text = _try(body, enc)
        if text is not None:
            return text, enc
    if _mostly_utf8(body):
        return body.decode("utf-8", errors="replace"), "utf-8"
    if declared:
        text = _try(body, "gb18030")
        if text is not None:
            return text, "gb18030"
    guess = _guess(body)
    if guess:
        text = _try(body, guess)
        if text is not None:
            return text, guess
    enc = declared[0] if declared else (guess or "gb18030")
    return body.decode(enc, errors="replace"), enc


def _mostly_utf8(body: bytes) -> bool:
    """UTF-8 with at most a few broken bytes (a truncated paste), not another encoding."""
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    wide = sum(1 for ch in text if ord(ch) > 0x7f) - bad
    return wide > 0 and bad * 50 <= wide


def _guess(body: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(body[:65536]).best()
    except Exception:  # noqa: BLE001 - a guess that fails is just no guess
        return None
    return normalize_label(best.encoding) if best is not None else None
