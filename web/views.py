"""Page models, pure: store rows and a ruleset in, what a template shows out (Chinese, 北京时间)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from scoring.recheck import FIXED, NEW, OPEN, SITE_LEVEL, AuditedSite, compare, finding_key
from scoring.ruleset import Ruleset
from scoring.warnings import LEVELS

BEIJING = ZoneInfo("Asia/Shanghai")
AWAITING = "待确认"


def bj(at: datetime | None, with_time: bool = True) -> str:
    """A stored UTC time as 北京时间."""
    if at is None:
        return ""
    local = at.replace(tzinfo=timezone.utc).astimezone(BEIJING)
    return f"{local:%Y-%m-%d %H:%M}" if with_time else f"{local:%Y-%m-%d}"


def result_text(verdict, details: dict) -> str:
    if verdict is None:
        return "尚未检查"
    if verdict.qualified is None:
        return AWAITING if details.get("awaiting") else "未能评估"
    return "合格" if verdict.qualified else "不合格"


def web_url(url: str | None) -> bool:
    """Only http(s) addresses become links: a crawled URL is the site's text, never a script."""
    return bool(url) and url.lower().startswith(("http://", "https://"))


RESULT_CSS = {"合格": "pass", "不合格": "fail", AWAITING: "wait", "未能评估": "none", "尚未检查": "none"}


# ---- the office's grid ----------------------------------------------------------------------
@dataclass
class Cell:
    text: str
    css: str
    title: str


@dataclass
class GridRow:
    site: object
    result: str
    score: float | None
    rank: int | None
    as_of: str
    run: int | None             # the score run the verdict is from
    warn: int                   # the highest warning level of the site (0: 正常)
    cells: list[Cell]

    @property
    def warn_text(self) -> str:
        return LEVELS[self.warn]


def _cell(rule, verdict, warn: tuple[int, str] | None) -> Cell:
    level, detail = warn or (0, "")
    note = f"{LEVELS[level]}：{detail}" if level else ""
    if verdict is None:
        return Cell("", "none", "尚未检查")
    points = {d["rule"]: d["points"] for d in verdict.deductions or []}
    if rule.id in (verdict.vetoes or []):
        return Cell("否决", "veto", "；".join(x for x in ("单项否决", note) if x))
    if points.get(rule.id):
        return Cell(f"-{points[rule.id]:g}", f"deduct w{level}", "；".join(
            x for x in (f"扣 {points[rule.id]:g} 分", note) if x))
    if any((verdict.measurements or {}).get(m) is None for m in rule.measures()):
        return Cell(LEVELS[level] if level else "—", f"skip w{level}", note or "本次未能判定")
    if verdict.vetoes and rule.kind != "veto":
        return Cell(LEVELS[level] if level else "·", f"skip w{level}", note or "已有单项否决，本项未计分")
    return Cell(LEVELS[level] if level else "✓", f"ok w{level}", note or "未发现问题")


def grid(sites, verdicts: dict, states, ruleset: Ruleset) -> list[GridRow]:
    """One row per site: its latest verdict, one cell per rule, its warnings."""
    warn: dict[tuple[str, str], tuple[int, str]] = {}
    top: dict[str, int] = defaultdict(int)
    for s in states:                       # highest level first (store.pages.warning_states)
        warn.setdefault((s["site_code"], s["rule"]), (s["level"], f"{s['subject']} {s['detail']}"))
        top[s["site_code"]] = max(top[s["site_code"]], s["level"])
    rows = []
    for site in sites:
        sr, v, details = verdicts.get(site.code, (None, None, {}))
        rows.append(GridRow(site, result_text(v, details), v.score if v else None,
                            v.rank if v else None, f"{sr.as_of:%Y-%m-%d}" if sr else "",
                            sr.id if sr else None, top[site.code],
                            [_cell(r, v, warn.get((site.code, r.id))) for r in ruleset.rules()]))
    return rows


SORTS = {
    "rank": lambda r: (r.rank is None, r.rank or 0, r.site.code),
    "score": lambda r: (r.score is None, -(r.score or 0), r.site.code),
    "warn": lambda r: (-r.warn, r.site.code),
    "code": lambda r: r.site.code,
    "name": lambda r: r.site.name,
    "region": lambda r: (r.site.region, r.site.code),
    "result": lambda r: (r.result, r.site.code),
}


def filter_sort(rows: list[GridRow], region="", level="", site_type="", warn="", result="",
                sort="rank") -> list[GridRow]:
    if region:
        rows = [r for r in rows if r.site.region == region]
    if level:
        rows = [r for r in rows if r.site.level == level]
    if site_type:
        rows = [r for r in rows if r.site.site_type == site_type]
    if warn.isdigit():
        rows = [r for r in rows if r.warn >= int(warn)]
    if result:
        rows = [r for r in rows if r.result == result]
    key = sort.lstrip("-")
    return sorted(rows, key=SORTS.get(key, SORTS["rank"]), reverse=sort.startswith("-"))


# ---- a site's page ----------------------------------------------------------------------------
@dataclass
class Section:
    rule: str
    title: str
    head: str                    # 单项否决 / 扣 N 分 / 本项未计分
    css: str
    hint: str
    findings: list[dict] = field(default_factory=list)


def audited(site, verdict) -> AuditedSite:
    return AuditedSite(site.code, site.name, verdict.qualified, verdict.score,
                       list(verdict.vetoes or []), list(verdict.findings or []))


# What a run could not measure (a self-check has no week of probes) is no problem of the site's:
# never 新增 or 已整改.
NOT_A_PROBLEM = frozenset({"insufficient_data"})


def _key(kind: str, measure: str, url: str, rules) -> tuple:
    return finding_key({"kind": kind, "measure": measure, "url": url},
                       rules[0] if kind in SITE_LEVEL and rules else "")


def statuses(site, earlier, later, shown: str) -> tuple[dict[tuple, str], list]:
    """The re-check status of the findings of the verdict `shown` ('earlier' or 'later'), by
    scoring.recheck's finding key, and the changes the shown verdict does not hold: the problems
    fixed since the earlier audit (shown='later'), or those only a later self-check found (新增)."""
    site_re, = compare([audited(site, earlier)], [audited(site, later)])
    not_shown = NEW if shown == "earlier" else FIXED
    status, apart = {}, []
    for c in site_re.changes:
        if c.kind in NOT_A_PROBLEM:
            continue
        if c.status == not_shown:
            apart.append(c)
        else:
            status[_key(c.kind, c.measure, c.url, c.rules)] = c.status
    return status, apart


def sections(verdict, ruleset: Ruleset, status: dict, limit: int,
             shot_of=lambda finding: None) -> list[Section]:
    """The verdict's findings grouped by the rule that charges them (vetoes, then deductions, then
    rules that hold but were not scored), each with its re-check status when there is one and its
    screenshot (shot_of(finding) → store.evidence.Shot or None)."""
    points = {d["rule"]: d["points"] for d in verdict.deductions or [] if d["points"] > 0}
    order = [*(verdict.vetoes or []), *points]
    groups: dict[str, list[dict]] = defaultdict(list)
    for f in verdict.findings or []:
        rules = f.get("rules") or ruleset.rules_reading(f.get("measure", "")) or ["其他问题"]
        rid = next((r for r in rules if r in order), rules[0])
        key = _key(f.get("kind", ""), f.get("measure", ""), f.get("url", ""),
                   [rid] if f.get("rules") else [])
        groups[rid].append(dict(f, status=status.get(key, ""), shot=shot_of(f)))
    out = []
    for rid in [*order, *(r for r in groups if r not in order)]:
        title = ruleset.title_of(rid)
        hint = ruleset.rule(rid).hint if rid in ruleset.rule_ids() else ""
        head, css = (("单项否决", "veto") if rid in (verdict.vetoes or [])
                     else (f"扣 {points[rid]:g} 分", "deduct") if rid in points
                     else ("本项未计分", "skip") if rid in ruleset.rule_ids()
                     else ("本规则集不计分，供参考", "skip"))
        found = groups.get(rid, [])
        out.append(Section(rid, title, head, css, hint, found[:limit]))
        if len(found) > limit:
            out[-1].findings.append({"more": len(found) - limit})
    return out


@dataclass
class Event:
    at: datetime
    kind: str
    text: str
    css: str = ""

    @property
    def when(self) -> str:
        return bj(self.at)


def timeline(probes, changes, crawls, judged, selfchecks, limit: int) -> list[Event]:
    """Probes (one line per Beijing day), warning changes, crawls, audits and self-checks, newest
    first."""
    events = []
    days: dict[str, list] = defaultdict(list)
    for p in probes:
        days[bj(p.at, with_time=False)].append(p)
    for day, ps in days.items():
        failed = [p for p in ps if not p.ok]
        text = f"首页监测 {len(ps)} 次，失败 {len(failed)} 次"
        if failed:
            text += f"（首次 {bj(failed[0].at)[11:]} {failed[0].detail or failed[0].outcome}）"
        events.append(Event(max(p.at for p in ps), "监测", text, "fail" if failed else "pass"))
    for c in changes:
        up = c["new"] > c["old"]
        events.append(Event(c["at"], "预警", f"{c['subject']}：{LEVELS[c['old']]} → {LEVELS[c['new']]}"
                            f"  {c['detail']}", f"w{c['new']}" if up else "pass"))
    for sc in crawls:
        state = {"ok": "完成", "down": "首页无法访问", "running": "未完成"}.get(sc.status, sc.status)
        events.append(Event(sc.finished_at or sc.started_at, "抓取",
                            f"抓取{state}：页面 {sc.pages}，链接 {sc.links}"
                            + (f"，出错 {sc.errors} 次" if sc.errors else ""),
                            "pass" if sc.status == "ok" else "fail"))
    for sr, v, details in judged:
        res = result_text(v, details)
        score = "" if v.score is None else f" {v.score:g} 分"
        rank = "" if v.rank is None else f"，第 {v.rank} 名"
        events.append(Event(sr.created_at, "评分", f"第 {sr.id} 次评分（监测时间点 {sr.as_of:%Y-%m-%d}，"
                            f"{sr.ruleset}）：{res}{score}{rank}", RESULT_CSS[res]))
    for at, res, score in selfchecks:
        events.append(Event(at, "自查", f"自查：{res}" + ("" if score is None else f" {score:g} 分"),
                            RESULT_CSS.get(res, "")))
    return sorted(events, key=lambda e: e.at, reverse=True)[:limit]


STATUS_CSS = {FIXED: "pass", OPEN: "fail", NEW: "fail"}
