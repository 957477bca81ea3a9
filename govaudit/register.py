"""The site register (政府网站基本信息表): read a CSV or the first sheet of an .xlsx into site records.

Pure parsing: no network, no DB. Good rows always load; every bad row gets a Chinese message that
names the file, the row number as the user sees it in Excel, and the offending value.
"""
from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Literal
from urllib.parse import urlsplit

import config
from config.errors import UserError
from reports.cells import csv_unquote

# Headers of DOMAIN.md "Site register". Required ones stop the import when missing.
REQUIRED_HEADERS = ("网站名称", "网站标识码", "首页网址")
OPTIONAL_HEADERS = ("主办单位", "行政级别", "所属地区", "网站类型")
_FIELDS = {"网站名称": "name", "网站标识码": "code", "首页网址": "home_url", "主办单位": "sponsor",
           "行政级别": "level", "所属地区": "region", "网站类型": "site_type"}
HEADER_SEARCH_ROWS = 5  # a title row such as "XX省政府网站基本信息表" may precede the header

# Canonical 行政级别 / 网站类型 values and the spellings offices actually use. This is vocabulary of
# the register format itself (DOMAIN.md), not a census rule; compared after _norm_key().
# Canonical values and the variant spellings offices use: config/register.yaml.
_VALUES = config.load_yaml("register.yaml")
_LEVEL_VARIANTS = {k: tuple(v) for k, v in _VALUES["levels"].items()}
_TYPE_VARIANTS = {k: tuple(v) for k, v in _VALUES["site_types"].items()}
LEVELS = tuple(_LEVEL_VARIANTS)
SITE_TYPES = tuple(_TYPE_VARIANTS)
LIMITS = _VALUES["limits"]

# Characters Excel users leave around values: full-width spaces, NBSP, BOM, zero-width spaces.
_STRIP = " \t\r\n\u3000\u00a0\ufeff\u200b\u200c\u200d\u2060"
_LINE_BREAK = re.compile(r"[ \t\u3000]*[\r\n]+[ \t\u3000]*")


class RegisterError(UserError, ValueError):
    """The register cannot be read at all (missing file or required header); Chinese message."""


@dataclass
class RowError:
    row: int                                   # row number as shown in Excel; 0 for the whole file
    message: str                               # Chinese, names the file, the row and the value
    level: Literal["error", "warning"] = "error"  # error: row not loaded; warning: loaded anyway

    def __str__(self) -> str:
        return self.message


@dataclass
class SiteRecord:
    code: str
    name: str
    home_url: str
    sponsor: str
    level: str        # one of LEVELS, or the value as given (with a warning), or ""
    region: str
    site_type: str    # one of SITE_TYPES, or the value as given (with a warning), or ""
    row: int

    @property
    def is_portal(self) -> bool:
        return self.site_type == "门户网站"


@dataclass
class RegisterResult:
    sites: list[SiteRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)   # errors and warnings, in file order
    fields: set[str] = field(default_factory=set)   # SiteRecord fields the file has a column for

    @property
    def has_errors(self) -> bool:
        return any(e.level == "error" for e in self.errors)


# ---- public entry ----------------------------------------------------------------------------
def read_register(path: str | Path) -> RegisterResult:
    """Read the register at `path` (.csv in UTF-8/GB18030, or the first sheet of an .xlsx)."""
    p = Path(path)
    if not p.is_file():
        raise RegisterError(f"找不到网站名录文件：{p}")
    result = RegisterResult()
    rows = _read_rows(p, result.errors)
    header_row, columns = _find_header(p.name, rows)
    result.fields = set(columns)
    unknown = _unknown_headers(rows, header_row)
    for h in OPTIONAL_HEADERS:
        if _FIELDS[h] not in columns:
            # An absent column never blanks what the store holds (pipeline.import_register).
            near = _near(h, unknown)
            said = f"“{near}”不是名录的列名，是否应为“{h}”？该列未读取" if near else f"没有“{h}”列"
            result.errors.append(RowError(header_row, f"{p.name} 第 {header_row} 行（表头）：{said}；"
                                                      f"新网站的{h}为空，已登记网站的{h}保持不变",
                                          "warning"))
    first_row_of: dict[str, int] = {}
    for rownum, cells in rows:
        if rownum <= header_row or not any(cells):
            continue  # title rows, the header itself, empty rows
        values = {f: (cells[i] if i < len(cells) else "") for f, i in columns.items()}
        rec = _record(p.name, rownum, values, result.errors)
        if rec is None:
            continue
        if rec.code in first_row_of:
            result.errors.append(RowError(rownum, f"{p.name} 第 {rownum} 行：网站标识码 {rec.code} 与第 "
                                                  f"{first_row_of[rec.code]} 行重复，本行未导入"))
            continue
        first_row_of[rec.code] = rownum
        result.sites.append(rec)
    return result


def normalize_level(value: str) -> str | None:
    """The canonical 行政级别 for a variant spelling, or None when it is not recognised."""
    return _lookup(_LEVEL_VARIANTS, value)


def normalize_site_type(value: str) -> str | None:
    """The canonical 网站类型 (门户网站/部门网站) for a variant spelling, or None."""
    return _lookup(_TYPE_VARIANTS, value)


def clean(value: object) -> str:
    """A cell value as stripped text (also full-width spaces and zero-width characters).

    A line break typed inside a cell (Alt+Enter) is dropped: names and codes are one line.
    """
    return "" if value is None else _LINE_BREAK.sub("", str(value).strip(_STRIP))


# ---- one row ---------------------------------------------------------------------------------
_HEADER_OF = {f: h for h, f in _FIELDS.items()}
# Control and format characters (NUL, ESC, RTL marks …) and path separators: a code names files.
_BAD_CODE_CHAR = re.compile(r"[/\\\x00-\x1f\x7f]")


def code_problem(code: str) -> str | None:
    """Why a 网站标识码 cannot be used (Chinese), or None. The census code is 10 characters; an
    office's own codes are allowed, within config/register.yaml limits."""
    if len(code) > LIMITS["code_max_chars"]:
        return f"网站标识码超过 {LIMITS['code_max_chars']} 个字符（共 {len(code)} 个）"
    if _BAD_CODE_CHAR.search(code) or any(unicodedata.category(c) in ("Cc", "Cf") for c in code):
        return f"网站标识码“{_shown(code)}”含控制字符或路径分隔符（/ \\）"
    return None


def _shown(value: str, limit: int = 40) -> str:
    """A value as it may be quoted in a message: control characters visible, long ones cut."""
    text = "".join(c if unicodedata.category(c) not in ("Cc", "Cf") else repr(c)[1:-1] for c in value)
    return text if len(text) <= limit else text[:limit] + "…"


def _record(fname: str, row: int, v: dict[str, str], errors: list[RowError]) -> SiteRecord | None:
    too_long = [f for f, value in v.items() if len(value) > LIMITS["cell_max_chars"]]
    if too_long:
        errors.append(RowError(row, f"{fname} 第 {row} 行：{'、'.join(_HEADER_OF[f] for f in too_long)}"
                                    f"超过 {LIMITS['cell_max_chars']} 个字符"
                                    f"（共 {max(len(v[f]) for f in too_long)} 个），本行未导入"))
        return None
    code, name, url = v.get("code", ""), v.get("name", ""), v.get("home_url", "")
    ok = True
    if code and (problem := code_problem(code)):
        errors.append(RowError(row, f"{fname} 第 {row} 行：{problem}"
                                    f"{f'（网站名称：{_shown(name)}）' if name else ''}，本行未导入"))
        return None
    who = f"网站标识码 {code} " if code else f"网站“{name}”" if name else ""
    if not code:
        ok = False
        errors.append(RowError(row, f"{fname} 第 {row} 行：缺少网站标识码"
                                    f"{f'（网站名称：{name}）' if name else ''}，本行未导入"))
    if not name:
        ok = False
        errors.append(RowError(row, f"{fname} 第 {row} 行：{who}缺少网站名称，本行未导入"))
    if not url:
        ok = False
        errors.append(RowError(row, f"{fname} 第 {row} 行：{who}缺少首页网址，本行未导入"))
    else:
        fixed = fix_url(url)
        if fixed is None:
            ok = False
            errors.append(RowError(row, f"{fname} 第 {row} 行：{who}首页网址“{url}”无效"
                                        f"（应为 http:// 或 https:// 开头、含域名的网址），本行未导入"))
        elif fixed != url:
            errors.append(RowError(row, f"{fname} 第 {row} 行：首页网址“{url}”缺少 http://，"
                                        f"已按“{fixed}”处理", "warning"))
            url = fixed
    if not ok:
        return None
    level = _canonical(fname, row, "行政级别", v.get("level", ""), normalize_level, LEVELS, errors)
    stype = _canonical(fname, row, "网站类型", v.get("site_type", ""), normalize_site_type, SITE_TYPES,
                       errors)
    return SiteRecord(code=code, name=name, home_url=url, sponsor=v.get("sponsor", ""), level=level,
                      region=v.get("region", ""), site_type=stype, row=row)


def _canonical(fname, row, header, value, normalize, allowed, errors) -> str:
    if not value:
        return ""
    canon = normalize(value)
    if canon is None:
        errors.append(RowError(row, f"{fname} 第 {row} 行：{header}“{value}”无法识别"
                                    f"（应为 {'、'.join(allowed)} 之一），已按原值保留", "warning"))
        return value
    return canon


_HOST = re.compile(r"^[\w.-]+$")  # \w: letters of any script (中文域名), digits, underscore
# "mailto:..." or "javascript:..." carry a scheme of their own; "www.x.cn:8080" does not.
_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\d)")


def fix_url(url: str) -> str | None:
    """The URL to crawl: as given, with 'http://' added when the scheme is missing; None if invalid."""
    if url.startswith("//"):
        url = "http:" + url
    elif "://" not in url and not _OTHER_SCHEME.match(url):
        url = "http://" + url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a non-numeric port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or re.search(r"\s", url) or "@" in parts.netloc:
        return None
    if parts.netloc.startswith("["):     # IPv6 literal
        return url if host else None
    if not _HOST.match(host) or not ("." in host.strip(".") or host == "localhost"):
        return None
    return url


# ---- headers ---------------------------------------------------------------------------------
def _norm_key(value: str) -> str:
    """Compare headers and variants ignoring spaces, '*' required marks, full-width brackets."""
    s = clean(value).translate(str.maketrans("（）", "()"))
    return re.sub(r"[\s*＊:：]", "", s)


def _unknown_headers(rows: list[tuple[int, list[str]]], header_row: int) -> list[str]:
    cells = next(c for n, c in rows if n == header_row)
    return [c for c in cells if c and _header_name(c) is None]


def _near(header: str, candidates: list[str]) -> str | None:
    """The unknown header that is probably a misspelling of `header` (所在地区 for 所属地区)."""
    keys = {_norm_key(c): c for c in candidates}
    match = difflib.get_close_matches(header, list(keys), n=1, cutoff=0.6)
    return keys[match[0]] if match else None


def _header_name(cell: str) -> str | None:
    key = _norm_key(cell)
    key = re.sub(r"\((必填|选填|可选|必须|注.*)\)$", "", key)  # "网站标识码（必填）"
    return key if key in _FIELDS else None


def _find_header(fname: str, rows: list[tuple[int, list[str]]]) -> tuple[int, dict[str, int]]:
    """The header row number and {field: column index}; RegisterError if required headers are missing."""
    best: tuple[int, dict[str, int]] | None = None
    for rownum, cells in rows[:HEADER_SEARCH_ROWS]:
        cols: dict[str, int] = {}
        for i, cell in enumerate(cells):
            h = _header_name(cell)
            if h and _FIELDS[h] not in cols:
                cols[_FIELDS[h]] = i
        if all(_FIELDS[h] in cols for h in REQUIRED_HEADERS):
            return rownum, cols
        if cols and (best is None or len(cols) > len(best[1])):
            best = (rownum, cols)
    if best is None:
        raise RegisterError(f"网站名录 {fname} 的前 {HEADER_SEARCH_ROWS} 行中找不到表头"
                            f"（必需表头：{'、'.join(REQUIRED_HEADERS)}）")
    missing = [h for h in REQUIRED_HEADERS if _FIELDS[h] not in best[1]]
    unknown = _unknown_headers(rows, best[0])
    guesses = "".join(f"；“{near}”是否应为“{h}”？" for h in missing if (near := _near(h, unknown)))
    raise RegisterError(f"网站名录 {fname} 缺少必需的表头：{'、'.join(missing)}"
                        f"（表头在第 {best[0]} 行；必需表头：{'、'.join(REQUIRED_HEADERS)}{guesses}）")


def _lookup(variants: dict[str, tuple[str, ...]], value: str) -> str | None:
    key = _norm_key(value)
    for canon, names in variants.items():
        if key in (_norm_key(n) for n in names):
            return canon
    return None


# ---- files -----------------------------------------------------------------------------------
def _read_rows(p: Path, errors: list[RowError]) -> list[tuple[int, list[str]]]:
    """All rows as (row number as the user sees it, stripped cell texts)."""
    with open(p, "rb") as fh:
        magic = fh.read(4)
    suffix = p.suffix.lower()
    if suffix == ".xls" and magic != b"PK\x03\x04":
        raise RegisterError(f"网站名录 {p.name} 是旧版 Excel（.xls）格式，无法读取："
                            f"请在 Excel 中另存为 .xlsx 或 CSV UTF-8 后再导入")
    if suffix in (".xlsx", ".xlsm") or magic == b"PK\x03\x04":
        _check_size(p, _unzipped_size(p))
        return list(_xlsx_rows(p))
    _check_size(p, p.stat().st_size)
    return _csv_rows(p, errors)


def _unzipped_size(p: Path) -> int:
    """What an .xlsx expands to, from the zip's own directory, before openpyxl reads any of it (a
    413 KB file once expanded to a 400 MB cell)."""
    try:
        with zipfile.ZipFile(p) as z:
            return sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise RegisterError(f"网站名录 {p.name} 无法作为 Excel 文件读取：{exc}") from None


def _check_size(p: Path, size: int) -> None:
    limit = LIMITS["file_max_mb"] * 1024 * 1024
    if size > limit:
        raise RegisterError(f"网站名录 {p.name} 有 {size / 1048576:.0f} MB（xlsx 按解压后计），超过 "
                            f"{LIMITS['file_max_mb']} MB 上限：请检查文件，或把名录拆成几个文件分别导入")


def _csv_rows(p: Path, errors: list[RowError]) -> list[tuple[int, list[str]]]:
    data = p.read_bytes()
    try:
        # Excel's "Unicode 文本" export is UTF-16 with a BOM (and tab-separated, see below).
        text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise RegisterError(f"网站名录 {p.name} 的编码无法识别：请另存为“CSV UTF-8”格式") from None
        # Excel on Chinese Windows saves "CSV (逗号分隔)" in GBK; GB18030 is its superset.
        errors.append(RowError(0, f"{p.name} 不是 UTF-8 编码，已按 GB18030（中文 Windows 版 Excel 的默认"
                                  f"编码）读取；建议另存为“CSV UTF-8”格式", "warning"))
    # One CSV record is one Excel row, even when a quoted cell holds a line break.
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for n, rec in enumerate(reader, start=1):
            # A cell govaudit wrote with a leading apostrophe (never a formula) reads as written.
            rows.append((n, [csv_unquote(clean(c)) for c in rec]))
    except csv.Error:   # a cell beyond the csv module's field limit (128 KB)
        raise RegisterError(f"网站名录 {p.name} 第 {len(rows) + 1} 行有一格超过 "
                            f"{LIMITS['cell_max_chars']} 个字符，无法导入：请检查该行") from None
    return rows


def _xlsx_rows(p: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is a user error here
        raise RegisterError(f"网站名录 {p.name} 无法作为 Excel 文件读取：{exc}") from None
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # some tools write a wrong <dimension>; read every cell there is
        for n, row in enumerate(ws.iter_rows(min_row=1), start=1):
            yield n, [_xlsx_text(c) for c in row]
    finally:
        wb.close()


def _xlsx_text(cell) -> str:
    """Cell text as the user sees it: codes typed as numbers keep no '.0' and their leading zeros."""
    v = getattr(cell, "value", None)
    if isinstance(v, bool) or v is None:
        return clean(v)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int):
        fmt = getattr(cell, "number_format", "") or ""
        # A custom format like "0000000000" is how Excel shows leading zeros of a numeric code.
        if re.fullmatch(r"0+", fmt):
            return str(v).zfill(len(fmt))
        return str(v)
    return clean(v)
