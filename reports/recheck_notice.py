"""recheck_notices/<网站标识码>.docx: the short re-check notice (复查通知) for every site whose problems
are not all fixed — what was fixed, what remains or is new, and a new deadline. Same letter form and
fonts as the rectification notice (reports.notices)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH

from scoring.recheck import FIXED, NEW, OPEN, UNVERIFIED, SiteRecheck
from reports.model import BELOW_LINE, AuditReport, NoticeFile
from reports.notices import TITLE_PT, _Writer, closing, cn_date, deadline, write_letters
from reports.recheck_xlsx import verdict_text

FOLDER = "recheck_notices"
HEADERS = ("序号", "复查情况", "问题网址", "问题说明")


def needs_recheck_notice(rc: SiteRecheck) -> bool:
    return bool(rc.open_problems) or rc.count(UNVERIFIED) > 0 or bool(rc.hints(OPEN, NEW))


def write_recheck_notices(report: AuditReport, out_dir: Path) -> list[NoticeFile]:
    issued = report.settings.notice_date or date.today()
    due = deadline(report, issued)
    return write_letters(
        Path(out_dir), FOLDER, due,
        ((rc.code, needs_recheck_notice(rc),
          lambda rc=rc: build_recheck_notice(report, rc, issued, due), len(rc.open_problems))
         for rc in report.recheck.sites))


def _rows(changes) -> list[list[str]]:
    return [[str(i), f"{c.status}：{c.title or '—'}", c.url, c.after or c.before]
            for i, c in enumerate(changes, 1)]


def _verdict(a) -> str:
    return verdict_text(a.qualified, a.score) + ("" if a.score is None else f"（{a.score:.1f} 分）")


def build_recheck_notice(report: AuditReport, rc: SiteRecheck, issued: date, due: date):
    cfg = report.settings
    recheck = report.recheck
    site = next((sr.site for sr in report.sites if sr.verdict.site_code == rc.code), None)
    sponsor = getattr(site, "sponsor", "") or rc.name
    w = _Writer(cfg.fonts)
    w.para(f"关于{rc.name}整改复查情况的通知", "title", size=TITLE_PT, indent=False,
           align=WD_ALIGN_PARAGRAPH.CENTER, space_after=28)
    w.para(f"{sponsor}：", indent=False)
    w.para(f"根据整改通知要求，{cfg.issuing_office}以{cn_date(recheck.after.as_of)}为监测时间点，"
           f"对你单位主办的“{rc.name}”（网站标识码：{rc.code}）进行了复查，"
           f"并与{cn_date(recheck.before.as_of)}的检查结果逐项比对。")
    w.para("一、复查结论", "heading")
    summary = (f"复查前检查结果为{_verdict(rc.before)}，复查结果为{_verdict(rc.after)}。"
               f"原有问题已整改 {rc.count(FIXED)} 项、未整改 {rc.count(OPEN)} 项，"
               f"复查新发现问题 {rc.count(NEW)} 项")
    if rc.rate is not None:
        summary += f"，整改率 {rc.rate:.0%}"
    below = [c for c in rc.changes if c.below_line]
    if below:
        summary += (f"。另有未达扣分线的问题（提示）已整改 {len(rc.hints(FIXED))} 项、"
                    f"仍存在 {len(rc.hints(OPEN))} 项、新增 {len(rc.hints(NEW))} 项")
    w.para(summary + "。")
    if rc.count(UNVERIFIED):
        w.para(f"复查时网站首页无法访问，原有 {rc.count(UNVERIFIED)} 项问题未能复查，视同未整改。")
    w.para("二、仍需整改的问题", "heading")
    rows = [c for c in rc.changes if c.status in (OPEN, NEW, UNVERIFIED) and not c.below_line]
    hints = rc.hints(OPEN, NEW)
    if rows:
        w.table(_rows(rows), HEADERS)
    if hints:
        w.para(f"另有以下问题尚未达到扣分线（{BELOW_LINE}），请一并整改，避免累积后被扣分或否决：")
        w.table(_rows(hints), HEADERS)
    closing(w, cfg, "请你单位对上述问题立即整改", issued, due)
    return w.doc
