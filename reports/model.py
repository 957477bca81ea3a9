"""What the report writers take: one audit's verdicts, measurements and findings, as plain data.

govaudit.pipeline.build_report fills these from the store; tests build them by hand.
"""
from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import config
from browser.capture import capturable
from indicators.findings import Finding, one_per_subject
from reports.settings import GROUP_FIELDS, ReportConfig, load_report_config
from scoring.ranking import rank
from scoring.verdict import Verdict
from store.evidence import finding_key

# How scoring.rank orders sites, stated wherever a rank is shown.
RANK_ORDER = ("无单项否决项的网站在前、按得分从高到低排列，有单项否决项的网站在后、按得分从高到低排列；"
              "得分相同名次并列；未能评估的网站不参加排名")


class SiteLike(Protocol):
    """A register row: govaudit.register.SiteRecord or store.Site."""
    code: str
    name: str
    home_url: str
    sponsor: str
    level: str
    region: str
    site_type: str


@dataclass
class SiteReport:
    site: SiteLike
    verdict: Verdict
    measurements: dict[str, Any]     # results.json measurement keys → value (None: not measured)
    findings: list[Finding] = field(default_factory=list)
    columns: list[dict] = field(default_factory=list)   # indicators.updates.column_judgements
    # reply-rate table: received, replied, reply_rate, avg_reply_days, overdue, unreadable
    # (None: no readable board, or the site was not crawled)
    interaction: dict[str, Any] | None = None
    cut_short: str = ""   # why the crawl of this site is incomplete (govaudit.pipeline.CUT_SHORT key)
    # errors while crawling it: {"count", "first_error", "url"} (None: none)
    crawl_errors: dict[str, Any] | None = None
    unchecked: int = 0    # link targets a budget left unchecked (未检测链接)
    # screenshots (截图取证): store.evidence.finding_key → the JPEG's path in the report folder
    evidence: dict[str, Path] = field(default_factory=dict)


@dataclass
class AuditSnapshot:
    """An earlier (or this) audit of the same sites, for the pass-rate-across-audits chart."""
    as_of: date
    qualified: dict[str, bool | None]      # site code → verdict
    label: str = ""                        # tells apart audits at the same monitoring point


@dataclass
class NoticeFile:
    """One rectification notice written for a site (the 整改通知 sheet lists them)."""
    site_code: str
    path: str                # relative to the report folder, e.g. notices/9901000001.docx
    problems: int
    deadline: date


@dataclass
class AuditReport:
    as_of: date
    ruleset_id: str
    rule_titles: dict[str, str]            # rule id → Chinese title
    rules_reading: dict[str, list[str]]    # measurement key → ids of the rules that read it
    sites: list[SiteReport]
    crawl_summary: dict[str, Any] | None = None   # Chinese label → value, shown on sheet 说明
    # full | incremental: whether the crawl re-read only the pages that changed (issue 20), and for
    # an incremental one its counts {sites, asked, unchanged, reused_without_asking}
    crawl_mode: str = "full"
    crawl_counts: dict | None = None
    rule_hints: dict[str, str] = field(default_factory=dict)  # rule id → 整改建议 (optional)
    sample_note: str | None = None       # how the sites were drawn (抽查), when they were
    recheck: Any = None                  # scoring.recheck.Recheck when this audit re-checks one
    ruleset_title: str = ""
    pass_text: str = ""                    # the pass line in words, from the ruleset
    rule_clauses: dict[str, str] = field(default_factory=dict)  # rule id → 依据条款
    veto_ids: list[str] = field(default_factory=list)           # ruleset order
    deduction_ids: list[str] = field(default_factory=list)
    settings: ReportConfig = field(default_factory=load_report_config)
    history: list[AuditSnapshot] = field(default_factory=list)  # oldest first, this audit last
    notices: list[NoticeFile] | None = None  # filled by the notice writer; None: none written
    charts: dict[str, Any] = field(default_factory=dict)       # chart name → PNG path
    ruleset_note: str = ""                 # an example ruleset, values marked 待核对 (shown with it)
    others: list["AuditReport"] = field(default_factory=list)  # same crawl, further rulesets
    # early-warning states (govaudit alerts/monitor), worst first: rows of the 预警 sheet
    warnings: list[list] = field(default_factory=list)


def site_attr(site: SiteLike, name: str) -> str:
    """A register field as text ('' when the object lacks it or holds None)."""
    value = getattr(site, name, "")
    return "" if value is None else str(value)


def site_code(sr: SiteReport) -> str:
    return site_attr(sr.site, "code") or sr.verdict.site_code


def ranked(report: AuditReport) -> list[SiteReport]:
    """Sites by rank; unranked (unassessed) sites last; ties and unranked by site code."""
    return sorted(report.sites, key=lambda sr: (sr.verdict.rank is None, sr.verdict.rank or 0,
                                                site_code(sr)))


def evidence_of(sr: SiteReport, f: Finding) -> Path | None:
    """The finding's screenshot in the report folder, if one was taken."""
    # vars(f), read only: the fields f.to_dict() gives without its deep copy (asdict was a tenth
    # of a notice's CPU: every table row asks this twice)
    return sr.evidence.get(finding_key(vars(f))) if sr.evidence else None


NO_SHOT = "无截图"


def shot_text(sr: SiteReport, f: Finding) -> str:
    """'evidence/<hash>.jpg' (relative to the report folder), '无截图' for a finding that gets a
    screenshot when one can be taken, '' for the others."""
    shot = evidence_of(sr, f)
    if shot is not None:
        return f"evidence/{shot.name}"
    return NO_SHOT if capturable(vars(f)) else ""


AWAITING = "待确认"   # passes on reviewed evidence; a veto waits for a reviewer (govaudit review)


def result_text(verdict: Verdict) -> str:
    if verdict.qualified is None:
        return AWAITING if verdict.awaiting else "未能评估"
    return "合格" if verdict.qualified else "不合格"


def fired_rules(verdict: Verdict) -> set[str]:
    """Rules that cost the site something: its vetoes and deductions with points above zero, and
    under an exclusive veto the rules that hold unscored (the site must fix those too)."""
    return set(verdict.vetoes) | {d.rule for d in verdict.deductions if d.points > 0} \
        | set(verdict.also)


# Findings about what could not be judged: listed whether or not a rule fired.
ALWAYS_SHOWN = frozenset({"insufficient_data", "unreadable_board", "unchecked_links",
                          "oversize_page", "unread_letter", "a11y_unchecked",
                          "unread_attachment"})


def not_checked(finding: Finding) -> dict | None:
    """{type, hint} of a finding that says what was not checked (config/findings.yaml not_checked),
    else None: such a finding is shown with these, never as the rule it would have fed."""
    return config.load_yaml("findings.yaml")["not_checked"].get(finding.kind)


def finding_rules(report: AuditReport, sr: SiteReport, finding: Finding) -> list[str]:
    """The fired rules that read the finding's measurement, in ruleset order; [] = not shown.
    A rule that could not be judged for want of data (kind insufficient_data) is always shown."""
    reading = list(dict.fromkeys(r for m in (finding.measure, *finding.counts_in)
                                 for r in report.rules_reading.get(m, [])))
    if finding.kind in ALWAYS_SHOWN:
        return reading
    fired = fired_rules(sr.verdict)
    return [r for r in reading if r in fired]


def shown_findings(report: AuditReport, sr: SiteReport) -> list[tuple[Finding, list[str]]]:
    """The site's findings that a fired rule charged, each with those rule ids; one per (rule,
    subject)."""
    out = []
    for f in sr.findings:
        rules = finding_rules(report, sr, f)
        if rules:
            out.append((f, rules))
    return one_per_subject(out)


BELOW_LINE = "提示：未达扣分线，建议整改"


def below_line_findings(report: AuditReport, sr: SiteReport) -> list[tuple[Finding, list[str]]]:
    """Problems no rule charged because their count stays under its line (three blank columns
    below the veto's five, a dead link on a vetoed site…): listed apart as 提示, each with the rules
    that read it, so a site fixes them before they count. Kinds from config/findings.yaml."""
    if sr.verdict.score is None:
        return []
    kinds = set(config.load_yaml("findings.yaml")["below_line"])
    charged = {(f.url, f.title) for f, _ in shown_findings(report, sr)}
    out = [(f, report.rules_reading.get(f.measure, [])) for f in sr.findings
           if f.kind in kinds and not finding_rules(report, sr, f)
           and (f.url, f.title) not in charged]     # a blank column charged as stale is listed
    return one_per_subject(out)


ADVISORY = "提示：本规则集不计分，建议整改"


def advisory_findings(report: AuditReport, sr: SiteReport) -> list[tuple[Finding, str]]:
    """Problems of a check the ruleset has no rule for (census-2015 and personal data in clear):
    measured and listed apart as 提示, each with its check's title (config/findings.yaml)."""
    titles = config.load_yaml("findings.yaml").get("advisory") or {}
    return [(f, titles[f.kind]) for f in sr.findings
            if f.kind in titles and not report.rules_reading.get(f.measure)]


def rule_title(report: AuditReport, rule_id: str) -> str:
    return report.rule_titles.get(rule_id) or rule_id


def grade(report: AuditReport, verdict: Verdict) -> str | None:
    """The ruleset's own grade bands first (evaluation rulesets), else the report config's."""
    return verdict.grade or report.settings.grade(verdict.score, verdict.qualified)


def group_order(field_name: str) -> list[str]:
    """Canonical order of a register field's values (省级 before 地市级 …), from config/register.yaml."""
    values = config.load_yaml("register.yaml")
    key = {"level": "levels", "site_type": "site_types"}.get(field_name)
    return list(values.get(key) or []) if key else []


def grouped(report: AuditReport) -> list[tuple[str, list[tuple[SiteReport, int | None]]]]:
    """(group value, [(site, rank within the group)]) in group order; one group '' when the report
    config sets no group_by. Ranks within a group follow the same order as the overall rank."""
    if not report.settings.group_by:
        return [("", [(sr, sr.verdict.rank) for sr in ranked(report)])]
    attr = GROUP_FIELDS[report.settings.group_by]
    groups: dict[str, list[SiteReport]] = {}
    for sr in report.sites:
        groups.setdefault(site_attr(sr.site, attr) or "（未填写）", []).append(sr)
    order = group_order(attr)
    out = []
    for name in sorted(groups, key=lambda g: (order.index(g) if g in order else len(order), g)):
        members = groups[name]
        pairs = [(sr, copy(sr.verdict)) for sr in members]   # rank() sets .rank: work on copies
        site_of = {id(v): sr for sr, v in pairs}
        ordered = rank([v for _, v in pairs])
        out.append((name, [(site_of[id(v)], v.rank) for v in ordered]))
    return out


def format_points(points: float) -> str:
    """4.4 → '4.4', 5.0 → '5', 0.30000000000000004 → '0.3'."""
    return f"{round(points, 2):g}"


def deduction_text(report: AuditReport, sr: SiteReport, sep: str = "；") -> str:
    """'链接可用性 -4.4；首页更新量 -5' for the deductions that cost points."""
    return sep.join([*(f"{d.title or rule_title(report, d.rule)} -{format_points(d.points)}"
                       for d in sr.verdict.deductions if d.points > 0),
                     *(f"加分：{d.title or d.rule} +{format_points(d.points)}"
                       for d in sr.verdict.bonus)])


def veto_text(report: AuditReport, sr: SiteReport, sep: str = "；") -> str:
    return sep.join(veto_title(report, sr, r) for r in sr.verdict.vetoes)


def rule_measures(report: AuditReport, rule_id: str) -> list[str]:
    """The measurements a rule reads (the inverse of rules_reading)."""
    return [m for m, rules in report.rules_reading.items() if rule_id in rules]


def unassessed_reason(sr: SiteReport) -> str:
    """Why a site is not assessed, or why its assessment rests on an incomplete crawl."""
    if sr.verdict.qualified is None:
        return sr.verdict.note or "未能评估"
    return sr.verdict.note if sr.verdict.pending or sr.cut_short else ""   # rules waiting for a
    # person's check, or a crawl cut short


CUT_SHORT_MARK = "（抓取不完整）"   # after the 结果 of a site whose crawl was cut short (issue 10)


def crawl_errors_text(e: dict[str, Any] | None) -> str:
    """'抓取时出错 3 次，首个错误：…（URL）' for SiteReport.crawl_errors; '' when there were none."""
    return f"抓取时出错 {e['count']} 次，首个错误：{e['first_error']}（{e['url']}）" if e else ""


def incomplete_pass(sr: SiteReport) -> bool:
    """合格 on a crawl cut short: counted apart wherever sites are counted, as 排名 marks it (a pass
    resting on the pages that could be read is not a pass on the whole site)."""
    return sr.verdict.qualified is True and bool(sr.cut_short)


def result_cell(sr: SiteReport) -> str:
    return result_text(sr.verdict) + (CUT_SHORT_MARK if sr.cut_short else "")


def needs_notice(sr: SiteReport) -> bool:
    """A site gets a rectification notice when any rule cost it something."""
    return bool(fired_rules(sr.verdict))


# ---- reviewer's word (govaudit review): judgement findings and their marks ---------------------
PENDING = "待人工确认"


def review_mark(f: Finding) -> str:
    """'待人工确认', '已确认（张三 2026-11-25 10:00）' or '' for findings that are not judgements."""
    if f.review == PENDING or not f.review:
        return f.review
    return f"{f.review}（{f.reviewer}）" if f.reviewer else f.review


def veto_title(report: AuditReport, sr: SiteReport, rule_id: str) -> str:
    """A veto's title; one resting only on findings nobody has reviewed yet says so (待人工确认).
    A finding also counted in another measurement the rule reads stands on that one without
    review (a hacked page found again at a re-check: 没有及时有效处置)."""
    reads = set(rule_measures(report, rule_id))
    charged = [f for f in sr.findings if rule_id in finding_rules(report, sr, f)]
    waiting = charged and all(f.review == PENDING and not reads & set(f.counts_in) for f in charged)
    return rule_title(report, rule_id) + (f"（{PENDING}）" if waiting else "")


def pending_rules(report: AuditReport, sr: SiteReport) -> list[str]:
    """Rules reading a finding nobody has confirmed or dismissed yet (fired or not: an unreviewed
    judgement is no ground for a veto, so its rule may be waiting to fire)."""
    out: list[str] = []
    for f in sr.findings:
        if f.review == PENDING:
            out += [r for r in report.rules_reading.get(f.measure, []) if r not in out]
    return out


def awaiting_findings(report: AuditReport, sr: SiteReport) -> list[tuple[Finding, list[str]]]:
    """Unreviewed judgement findings no fired rule charged: listed apart, 待人工确认，不作为否决依据."""
    advisory = {id(f) for f, _ in advisory_findings(report, sr)}   # listed as 提示, with the mark
    return [(f, report.rules_reading.get(f.measure, [])) for f in sr.findings
            if f.review == PENDING and not finding_rules(report, sr, f) and id(f) not in advisory]


AWAITING_NOTE = f"{PENDING}，不作为否决依据"


# ---- rules a verdict does not rest on ---------------------------------------------------------
def unchecked_groups(report: AuditReport, sr: SiteReport) -> list[tuple[str, list[str]]]:
    """(why, [rule ids]) for the rules this site's verdict could not judge, reasons in first-seen
    order; [] for a site not assessed at all (its reason says so) or judged on every rule."""
    if sr.verdict.qualified is None and not sr.verdict.awaiting:
        return []
    groups: dict[str, list[str]] = {}
    for rid, why in sr.verdict.unchecked.items():
        groups.setdefault(why, []).append(rid)
    return list(groups.items())


def unchecked_text(report: AuditReport, sr: SiteReport, sep: str = "；") -> str:
    """'站点无法访问、首页可用性（可用性监测次数不足（实际 无，要求 >= 20））' — empty when none."""
    return sep.join(f"{'、'.join(rule_title(report, r) for r in rules)}（{why}）"
                    for why, rules in unchecked_groups(report, sr))
