"""notices/<网站标识码>.docx: one rectification notice (整改通知) per site that any rule cost something,
in official-letter form, written with python-docx.

Fonts follow official-document practice (GB/T 9704): title 方正小标宋, headings 黑体, body 仿宋_GB2312,
names from the report config. Each run names the official font as its East-Asian font and a font
every Windows/WPS install has (仿宋, 黑体, 宋体) as its Latin font, so a machine without the official
font still shows a close face.
"""
from __future__ import annotations

import copy
import hashlib
import io
import re
import time
import zlib
from datetime import date
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem
from docx.shared import Cm, Pt
from docx.table import _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

import config
from indicators.findings import Finding
from reports.cells import clean_text
from reports.files import one_at_a_time, write_atomically
from reports.labels import measurement_label
from reports.model import (ADVISORY, AWAITING_NOTE, BELOW_LINE, NO_SHOT, AuditReport, NoticeFile,
                           SiteReport, advisory_findings, awaiting_findings, below_line_findings,
                           crawl_errors_text, evidence_of, format_points, needs_notice, not_checked,
                           result_text, rule_measures, rule_title, shot_text, shown_findings,
                           site_attr, site_code, unchecked_text, veto_title)
from reports.workdays import add_working_days

FOLDER = "notices"
DEFAULT_FONTS = {"title": ["方正小标宋简体", "宋体"], "heading": ["黑体", "SimHei"],
                 "body": ["仿宋_GB2312", "仿宋"]}
TITLE_PT, BODY_PT, TABLE_PT = 22, 16, 10.5       # 二号, 三号, 五号
NUMERALS = "一二三四五六七八九十"


def cn_number(k: int) -> str:
    """A section number as a notice writes it: 1 → 一, 10 → 十, 11 → 十一, 23 → 二十三."""
    tens, ones = divmod(k, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + ("十" if tens else "") + (NUMERALS[ones - 1] if ones else "")
TABLE_HEADERS = ("序号", "栏目/链接名称", "问题网址", "问题说明")
COLUMN_WIDTHS = (Cm(1.2), Cm(3.4), Cm(6.8), Cm(4.2))    # 15.6 cm: the type area between margins
PICTURE_WIDTH = Cm(14)        # a screenshot under its finding: 9 cm high, two findings to a page


# What a file may be called as is: word characters, dots and dashes, at most 64, not hidden.
_PLAIN_NAME = re.compile(r"(?!\.)[\w.-]{1,64}")


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def deadline(report: AuditReport, issued: date) -> date:
    cfg = report.settings
    return add_working_days(issued, cfg.deadline_working_days, cfg.holidays, cfg.workdays)


def notice_title(sr: SiteReport) -> str:
    return f"关于{site_attr(sr.site, 'name')}存在问题的整改通知"


def file_name(code: str) -> str:
    """The notice's file name: the code itself when it is a plain lower-case name (census codes are
    digits), else a cut, cleaned form plus a hash of the code, so that no two codes share a file
    (A/B and A_B; AB and ab on Windows) and no name is too long for the file system."""
    if _PLAIN_NAME.fullmatch(code) and code == code.lower():
        return code + ".docx"
    digest = hashlib.sha1(code.encode("utf-8")).hexdigest()[:10]
    stem = re.sub(r"[^\w.-]", "_", code)[:40].lstrip(".")
    return f"{stem}-{digest}.docx"


def write_notices(report: AuditReport, out_dir: Path) -> list[NoticeFile]:
    """Write a notice for every site that needs one; remove a stale one of a site that no longer does."""
    issued = report.settings.notice_date or date.today()
    due = deadline(report, issued)
    return write_letters(
        Path(out_dir), FOLDER, due,
        ((site_code(sr), needs_notice(sr), lambda sr=sr: build_notice(report, sr, issued, due),
          len(shown_findings(report, sr))) for sr in report.sites))


def write_letters(out_dir: Path, folder_name: str, due: date, letters) -> list[NoticeFile]:
    """letters: (site code, needed?, build → Document, findings listed) each. One document in
    memory at a time; a site's stale letter is removed when it no longer needs one."""
    global _TEMPLATES, _PACKED
    folder = out_dir / folder_name
    written = []
    with one_at_a_time() as free:
        _TEMPLATES, _PACKED = {}, {}
        try:
            for code, needed, build, count in letters:
                path = folder / file_name(code)
                if not needed:
                    path.unlink(missing_ok=True)
                    continue
                data = _docx_bytes(build())
                free()
                write_atomically(path, data)
                written.append(NoticeFile(code, f"{folder_name}/{path.name}", count, due))
        finally:
            _TEMPLATES = _PACKED = None
            free()                   # the templates too: a document is a reference cycle
    return written


# While write_letters runs: fonts → (the letter page, built once: python-docx's default template with
# the page, Normal style and footer set; the run and paragraph properties made for it), every letter
# starting from a copy. None outside it: a template kept would hold its XML tree for good.
_TEMPLATES: dict[tuple, tuple] | None = None
# While write_letters runs: id of a template's part (every part a letter shares with it, see
# _Writer) → its zip member (bytes, deflated bytes), filled as first saved; None outside it.
_PACKED: dict[int, tuple[bytes, bytes] | None] | None = None


def _docx_bytes(doc: Document) -> bytes:
    """The .docx of `doc`: what doc.save() writes (python-docx's PackageWriter: the same members
    in the same order, deflated alike), with the parts shared with the template serialised and
    deflated once for all letters. Document.save re-serialised and deflated them for each letter
    (styles.xml and stylesWithEffects.xml alone are 0.8 MB): most of a save's CPU."""
    package = doc.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    buf = io.BytesIO()
    with ZipFile(buf, "w", compression=ZIP_DEFLATED) as archive:
        _member(archive, CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob)
        _member(archive, PACKAGE_URI.rels_uri.membername, package.rels.xml)
        for part in parts:
            shared = _PACKED is not None and id(part) in _PACKED
            if shared and _PACKED[id(part)] is None:
                _PACKED[id(part)] = _packed(part.blob), (_packed(part.rels.xml)
                                                         if len(part.rels) else None)
            blob, rels = _PACKED[id(part)] if shared else (part.blob, part.rels.xml
                                                            if len(part.rels) else None)
            _member(archive, part.partname.membername, blob)
            if rels is not None:
                _member(archive, part.partname.rels_uri.membername, rels)
    return buf.getvalue()


class _Packed(bytes):
    """A member's bytes with their deflated form, as zipfile's compressor makes it."""
    deflated: bytes


def _packed(data: bytes) -> _Packed:
    out = _Packed(data)
    deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)   # zipfile's own
    out.deflated = deflate.compress(data) + deflate.flush()
    return out


class _Deflated:
    """Stands in for zipfile's compressor of a member whose deflated bytes are known."""

    def __init__(self, deflated: bytes):
        self.deflated = deflated

    def compress(self, data: bytes) -> bytes:
        out, self.deflated = self.deflated, b""
        return out

    def flush(self) -> bytes:
        return b""


def _member(archive: ZipFile, name: str, data: bytes) -> None:
    """archive.writestr(name, data); data a _Packed: its deflated bytes written as they are."""
    if not isinstance(data, _Packed):
        archive.writestr(name, data)
        return
    info = ZipInfo(name, date_time=time.localtime(time.time())[:6])   # what writestr makes
    info.compress_type, info.external_attr = archive.compression, 0o600 << 16
    info.file_size = len(data)
    with archive.open(info, mode="w") as dest:
        # zipfile's private compressor: without it (another Python), data is deflated anew, alike
        if getattr(dest, "_compressor", None) is not None:
            dest._compressor = _Deflated(data.deflated)
        dest.write(data)


class _Writer:
    """A python-docx Document with the official-letter page, fonts and paragraph helpers."""

    def __init__(self, fonts: dict[str, list[str]]):
        self.fonts = {**DEFAULT_FONTS, **(fonts or {})}
        self._table_style: str | None = None
        key = tuple(sorted((kind, tuple(names)) for kind, names in self.fonts.items()))
        made = None if _TEMPLATES is None else _TEMPLATES.get(key)
        if made is None:
            self._made: dict[tuple, object] = {}
            self.doc = Document()
            self._letter_page()
            if _TEMPLATES is None:
                return
            made = _TEMPLATES[key] = (self.doc, self._made)
            _PACKED.update((id(part), None) for part in self.doc.part.package.iter_parts()
                           if part is not self.doc.part)
        template, self._made = made
        # Every part but the body's is only read while a notice is built: the copy shares them
        # with the template and copies the document part (its XML, its relationships) alone.
        # Parsing python-docx's default template and setting the page up was a third of a
        # notice's CPU; a full deepcopy of the Document saves little of it.
        main = template.part
        shared = {id(part): part for part in main.package.iter_parts() if part is not main}
        self.doc = copy.deepcopy(template, shared)

    def _letter_page(self) -> None:
        sec = self.doc.sections[0]
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = Cm(21), Cm(29.7)          # A4
        sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)        # GB/T 9704 margins
        sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
        normal = self.doc.styles["Normal"]
        self._font(normal.font, normal.element.get_or_add_rPr(), "body", BODY_PT)
        self._page_number(sec.footer.paragraphs[0])

    def _font(self, font, rpr, kind: str, size: float, bold: bool = False) -> None:
        official, *fallback = self.fonts[kind]
        font.name = fallback[0] if fallback else official     # Latin text (ascii/hAnsi)
        font.size, font.bold = Pt(size), bold
        rfonts = rpr.get_or_add_rFonts()
        rfonts.set(qn("w:eastAsia"), official)
        rfonts.set(qn("w:hint"), "eastAsia")

    def _props(self, key: tuple, build) -> object:
        """A copy of the run or paragraph properties (w:rPr, w:pPr) that build() makes on a
        scratch element, built once per key: python-docx setting them one by one on every run
        and paragraph was most of a notice's CPU."""
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = build()
        return copy.deepcopy(made)

    def run(self, paragraph, text: str, kind: str = "body", size: float = BODY_PT, bold=False):
        def build():
            scratch = Run(OxmlElement("w:r"), paragraph)
            self._font(scratch.font, scratch._element.get_or_add_rPr(), kind, size, bold)
            return scratch._element.rPr
        text = clean_text(text)
        r = paragraph.add_run()
        if text and "\t" not in text and "\n" not in text and "\r" not in text:
            r._r.add_t(text)     # what Run.text makes of it, without its character-by-character loop
        elif text:
            r.text = text        # tabs and line breaks become w:tab and w:br
        r._element.insert(0, self._props(("r", kind, size, bold), build))  # rPr comes first
        return r

    def para(self, text: str = "", kind: str = "body", *, size: float = BODY_PT, indent=True,
             align=None, bold=False, space_after: float = 0):
        def build():
            scratch = Paragraph(OxmlElement("w:p"), None)
            fmt = scratch.paragraph_format
            fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
            fmt.space_before, fmt.space_after = Pt(0), Pt(space_after)
            if indent:
                fmt.first_line_indent = Pt(size * 2)                  # two characters
            if align is not None:
                scratch.alignment = align
            return scratch._p.pPr
        p = self.doc.add_paragraph()
        p._p.insert(0, self._props(("p", size, indent, align, space_after), build))
        if kind == "heading" or bold:          # a heading never stands alone at a page's foot
            p.paragraph_format.keep_with_next = True
        if text:
            self.run(p, text, kind, size, bold)
        return p

    def _page_number(self, p) -> None:
        """Footer '— N —' centred: a PAGE field, as Word and WPS number pages."""
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.run(p, "— ", size=14)
        r = self.run(p, "", size=14)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                           ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            else:
                el = OxmlElement("w:instrText" if text.strip() == "PAGE" else "w:t")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            r._element.append(el)
        self.run(p, " —", size=14)

    def table(self, rows: list[list[str]], headers: tuple[str, ...] = TABLE_HEADERS,
              pictures: list[Path | None] | None = None) -> None:
        """pictures: a screenshot to show under each row, in a row of its own across the table."""
        t = self.doc.add_table(rows=1, cols=len(headers))
        if self._table_style is None:     # looking the style up costs more than a small table
            self._table_style = self.doc.part.get_style_id(self.doc.styles["Table Grid"],
                                                           WD_STYLE_TYPE.TABLE)
        t._tbl.tblStyle_val = self._table_style
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        # Fixed widths in the grid and every cell: Word reads the cells, LibreOffice/WPS the grid.
        # Set on the grid first, add_row gives each new cell its column's width.
        t.autofit = False
        for column, cell, width in zip(t.columns, t.rows[0].cells, COLUMN_WIDTHS):
            column.width = cell.width = width
        for cell, head in zip(t.rows[0].cells, headers):
            self._cell(cell, head, "heading")
        self._repeat_header(t.rows[0])
        blank = []

        def add_row():
            """t.add_row(): the first one made by python-docx, every later one a copy of it as it
            was made (parsing each new cell and setting its width was most of a row's CPU)."""
            if not blank:
                row = t.add_row()
                blank.append(copy.deepcopy(row._tr))
                return row
            tr = copy.deepcopy(blank[0])
            t._tbl.append(tr)            # where add_tr puts it: the rows are the table's last children
            return _Row(tr, t)
        for values, picture in zip(rows, pictures or [None] * len(rows)):
            for cell, v in zip(add_row().cells, values):
                self._cell(cell, v, "body")
                if picture is not None:      # a finding and its picture on one page
                    cell.paragraphs[0].paragraph_format.keep_with_next = True
            if picture is not None:
                self._picture(add_row(), picture)

    def _picture(self, row, picture: Path) -> None:
        cell = row.cells[0].merge(row.cells[-1])
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run().add_picture(str(picture), width=PICTURE_WIDTH)
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))   # never half a picture

    def _cell(self, cell, text: str, kind: str) -> None:
        def build():
            scratch = Paragraph(OxmlElement("w:p"), None)
            scratch.paragraph_format.space_after = Pt(0)
            return scratch._p.pPr
        p = cell.paragraphs[0]
        p._p.insert(0, self._props(("cell",), build))
        self.run(p, text, kind, TABLE_PT)

    @staticmethod
    def _repeat_header(row) -> None:
        # The table header repeats on every page the table runs over.
        trpr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        trpr.append(el)


def build_notice(report: AuditReport, sr: SiteReport, issued: date, due: date) -> Document:
    cfg = report.settings
    w = _Writer(cfg.fonts)
    v = sr.verdict
    name, code = site_attr(sr.site, "name"), site_code(sr)
    w.para(notice_title(sr), "title", size=TITLE_PT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER,
           space_after=28)
    w.para(f"{site_attr(sr.site, 'sponsor') or name}：", indent=False)
    w.para(f"根据政府网站抽查工作安排，{cfg.issuing_office}以{cn_date(report.as_of)}为监测时间点，"
           f"对你单位主办的“{name}”（网站标识码：{code}，首页网址：{site_attr(sr.site, 'home_url')}）"
           f"进行了检查。{cfg.method_text}。评分依据：{report.ruleset_title or report.ruleset_id}。")
    w.para("一、检查结论", "heading")
    verdict = f"经检查，该网站检查结果为{result_text(v)}"
    if v.score is not None:
        verdict += f"，得分 {v.score:.1f} 分"
    verdict += "。"
    if v.vetoes:
        verdict += f"存在单项否决问题：{'、'.join(veto_title(report, sr, r) for r in v.vetoes)}。"
    charged = [d for d in v.deductions if d.points > 0]
    if charged:
        verdict += "扣分情况：" + "，".join(f"{d.title or rule_title(report, d.rule)}扣 {format_points(d.points)} 分"
                                        for d in charged) + "。"
    if sr.crawl_errors:
        verdict += (f"本次抓取不完整（{crawl_errors_text(sr.crawl_errors)}），"
                    "以上结论仅依据已抓取的页面。")
    unchecked = unchecked_text(report, sr)
    if unchecked:
        verdict += f"以下规则因缺少监测数据本次未能判定，检查结果不含这些规则：{unchecked}。"
    if v.awaiting:
        verdict += (f"另有疑似{'、'.join(rule_title(report, r) for r in v.awaiting)}问题{AWAITING_NOTE}，"
                    f"见下文。")
    w.para(verdict)
    w.para("二、存在问题", "heading")
    found = shown_findings(report, sr)
    fired = [*v.vetoes, *(d.rule for d in charged), *v.also]
    for n, rule in enumerate(fired):
        if rule in v.vetoes:
            kind = "单项否决"
        elif rule in v.also:   # held, not scored: the exclusive veto decided alone
            kind = f"{rule_title(report, v.vetoes[0])}，本项未计分"
        else:
            kind = next(f"扣 {format_points(d.points)} 分" for d in charged if d.rule == rule)
        w.para(f"（{cn_number(n + 1)}）{rule_title(report, rule)}（{kind}）", bold=True)
        facts = _measured(report, sr, rule)
        if facts:
            w.para(f"监测数据：{facts}。")
        rows = [f for f, rules in found if rules[0] == rule and not not_checked(f)]   # under its first rule
        if rows:
            _findings_table(w, sr, rows)
        listed = sum(1 for _, rules in found if rule in rules[1:])
        if listed:
            w.para(f"另有 {listed} 条问题同属本项，已在上文列出。")
        hint = report.rule_hints.get(rule)
        if hint:
            w.para(f"整改建议：{hint}")
    # What could not be judged (a board behind a login, too few probes) is said too, and what
    # waits for a reviewer: listed apart, never under a veto.
    parts = [(BELOW_LINE, [f for f, _ in below_line_findings(report, sr)]),
             ("未能自动检查的事项", [f for f, rules in found
                                    if not set(rules) & set(fired) or not_checked(f)]),
             ("待人工确认的问题（不作为否决依据）", [f for f, _ in awaiting_findings(report, sr)])]
    for check, rows in _by_check(advisory_findings(report, sr)).items():
        parts.append((f"{check}（{ADVISORY}）", rows))
    n = len(fired)
    for head, rows in parts:
        if rows:
            w.para(f"（{cn_number(n + 1)}）{head}", bold=True)
            _findings_table(w, sr, rows)
            for hint in dict.fromkeys(own["hint"] for f in rows if (own := not_checked(f))):
                w.para(f"说明：{hint}")
            n += 1
    closing(w, cfg, "请你单位对照上述问题逐项整改", issued, due)
    return w.doc


def closing(w: _Writer, cfg, ask: str, issued: date, due: date) -> None:
    """三、整改要求 with the deadline and reply requirement, the contact line and the signature."""
    w.para("三、整改要求", "heading")
    # The 落款 (office and date) keeps with the last lines of the body: each paragraph from the
    # requirement on keeps with the next, so no page holds only the signature or only the date.
    ending = [w.para(f"{ask}，整改期限为 {cfg.deadline_working_days} 个工作日"
                     f"（不含周末和法定节假日），截止日期为{cn_date(due)}。"
                     + cfg.reply.replace("{deadline}", cn_date(due)))]
    if cfg.contact:
        ending.append(w.para(cfg.contact))
    ending.append(w.para())
    ending.append(w.para(cfg.issuing_office, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT))
    ending.append(w.para(cn_date(issued), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT))
    for p in ending:
        p.paragraph_format.keep_together = True
    for p in ending[:-1]:
        p.paragraph_format.keep_with_next = True


def _measured(report: AuditReport, sr: SiteReport, rule: str) -> str:
    m = sr.measurements or {}
    return "；".join(f"{measurement_label(k)} {m[k]}" for k in rule_measures(report, rule)
                    if m.get(k) is not None)


def _by_check(pairs) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f, check in pairs:
        out.setdefault(check, []).append(f)
    return out


def _findings_table(w: _Writer, sr: SiteReport, rows: list[Finding]) -> None:
    """One row per finding, its screenshot (截图取证) under it; 无截图 said where none was taken."""
    w.table([[str(i), f.title or (not_checked(f) or {}).get("type") or "—", f.url, _evidence(sr, f)]
             for i, f in enumerate(rows, 1)], pictures=[evidence_of(sr, f) for f in rows])


def _evidence(sr: SiteReport, f: Finding) -> str:
    if f.review and f.kind in (config.load_yaml("findings.yaml").get("advisory") or {}):
        text = f"{f.evidence}（{f.review}）"
    else:
        text = f"{f.evidence}（所在页面：{f.source_url}）" if f.source_url else f.evidence
    return text + (f"（{NO_SHOT}）" if shot_text(sr, f) == NO_SHOT else "")
