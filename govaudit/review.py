"""A reviewer's word on judgement findings (govaudit review).

Judgement findings are those a ruleset rule marked `review: true` reads (serious errors in the
census ruleset). Until an official dismisses one it counts — the veto holds and every output marks
it 待人工确认 — so an unattended audit never hides a possible veto. A decision is kept by site, page
URL and term, with who and when, and applies to every later audit; a dismissed finding is no longer
raised, a confirmed one stays (marked 已确认 with the reviewer).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy.engine import Engine

from config.errors import UserError
import store
from store.reviews import earlier_findings, record_decisions
from store.sites import all_sites
from store.verdicts import verdict_rows
from indicators.beijing import beijing
from indicators.findings import Finding
from reports.cells import csv_safe, csv_unquote

PENDING, CONFIRMED = "待人工确认", "已确认"
DISMISSED = "dismissed"
DECISIONS = {"confirmed": "确认", "dismissed": "排除"}
# What a reviewer may write in the 处理 column of an exported file.
_WORDS = {"确认": "confirmed", "是": "confirmed", "y": "confirmed", "yes": "confirmed",
          "排除": "dismissed", "误报": "dismissed", "否": "dismissed", "n": "dismissed",
          "no": "dismissed"}
HEADERS = ("网站标识码", "网站名称", "规则", "页面网址", "词语", "证据", "当前状态", "处理（确认/排除）",
           "审核人", "备注")


class ReviewError(UserError, ValueError):
    """A review file that cannot be used; Chinese, naming the file and row."""


@dataclass
class ReviewItem:
    site_code: str
    site_name: str
    rule: str              # rule title
    finding: Finding

    @property
    def key(self) -> tuple[str, str, str]:
        return review_key(self.site_code, self.finding)


def review_key(site_code: str, f: Finding) -> tuple[str, str, str]:
    return site_code, f.url, f.term or f.title


def earlier_sightings(engine: Engine, site_codes: Iterable[str], as_of, crawl_run_id: int,
                      kind: str = "hacked_page") -> dict[str, dict[tuple[str, str], str]]:
    """Per site, the findings of `kind` that audits of an earlier crawl (at the same or an earlier
    monitoring point) already made: (url, term) -> the earliest of those monitoring dates (ISO).
    A hacked page still there at a re-check was not handled in time."""
    codes = list(site_codes)
    found: dict[str, dict[tuple[str, str], str]] = {}
    for code, findings, when in earlier_findings(engine, codes, as_of, crawl_run_id):
        for f in findings or []:
            if f.get("kind") == kind:
                found.setdefault(code, {}).setdefault((f["url"], f.get("term", "")),
                                                      when.isoformat())
    return found


def apply_reviews(site_code: str, measurements: dict, findings: list[Finding],
                  review_measures: set[str], known: dict[tuple, store.Review]) -> list[Finding]:
    """Drop dismissed judgement findings (and take them off their count), mark the others
    待人工确认 or 已确认. A count is lowered only where it is the number of its findings."""
    per_measure: dict[str, int] = {}
    for f in findings:
        per_measure[f.measure] = per_measure.get(f.measure, 0) + 1
    countable = {m for m, n in per_measure.items() if measurements.get(m) == n}
    kept = []
    for f in findings:
        if f.measure not in review_measures:
            kept.append(f)
            continue
        decision = known.get(review_key(site_code, f))
        if decision is not None and decision.decision == DISMISSED:
            if f.measure in countable:
                measurements[f.measure] -= 1
            continue
        if decision is not None:
            f.review = CONFIRMED
            f.reviewer = f"{decision.reviewer} {beijing(decision.decided_at):%Y-%m-%d %H:%M}".strip()
        else:
            f.review, f.reviewer = PENDING, ""
        kept.append(f)
    return kept


def without_pending(measurements: dict, findings: list[Finding],
                    stands: Callable[[Finding], bool] = lambda f: False) -> dict:
    """The measurements with the findings still 待人工确认 taken off their counts: what a verdict
    may rest on until an official has looked (a count is lowered only where it is the number of
    its findings). A finding for which stands() holds counts without review."""
    pending: dict[str, int] = {}
    total: dict[str, int] = {}
    for f in findings:
        total[f.measure] = total.get(f.measure, 0) + 1
        if f.review == PENDING and not stands(f):
            pending[f.measure] = pending.get(f.measure, 0) + 1
    out = dict(measurements)
    for m, n in pending.items():
        if out.get(m) == total[m]:
            out[m] -= n
    return out


def record(engine: Engine, items: Iterable[tuple[ReviewItem, str]], reviewer: str,
           note: str = "") -> int:
    """Store decisions ('confirmed' | 'dismissed') for items; a later decision replaces an earlier."""
    return record_decisions(engine, ((item.key, item.rule, decision) for item, decision in items),
                            reviewer, note)


def items_of(rows, sites: dict, rule_titles: dict[str, str], reading: dict[str, list[str]],
             include_confirmed: bool = False) -> list[ReviewItem]:
    """The judgement findings of stored verdict rows, pending first."""
    out = []
    wanted = {PENDING, CONFIRMED} if include_confirmed else {PENDING}
    for row in sorted(rows, key=lambda r: r.site_code):
        site = sites.get(row.site_code)
        for raw in row.findings:
            f = Finding(**raw)
            if f.review in wanted:
                rule = "、".join(rule_titles.get(r, r) for r in reading.get(f.measure, [])) or f.measure
                out.append(ReviewItem(row.site_code, site.name if site else row.site_code, rule, f))
    return out


def interactive(items: list[ReviewItem], ask: Callable[[ReviewItem, int, int], str]) \
        -> list[tuple[ReviewItem, str]]:
    """One at a time: ask() returns 'y' (confirm), 'n' (dismiss), 's' (skip) or 'q' (quit)."""
    chosen = []
    for i, item in enumerate(items, 1):
        answer = ask(item, i, len(items))
        if answer == "q":
            break
        if answer in ("y", "n"):
            chosen.append((item, "confirmed" if answer == "y" else "dismissed"))
    return chosen


# ---- bulk review through a file ---------------------------------------------------------------
def export_file(items: list[ReviewItem], path: str | Path) -> Path:
    """CSV (UTF-8 with BOM, opens in Excel) or .xlsx, one row per finding; 处理 left empty."""
    path = Path(path)
    rows = [[it.site_code, it.site_name, it.rule, it.finding.url, it.finding.term or it.finding.title,
             it.finding.evidence, it.finding.review, "", "", ""] for it in items]
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from reports.cells import put_table
        wb = Workbook()
        wb.active.title = "人工确认"
        put_table(wb.active, HEADERS, rows)
        wb.save(path)
    else:
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(HEADERS)
            # Crawled text in a CSV: a leading = + - @ would run as a formula in Excel.
            w.writerows([[csv_safe(v) for v in values] for values in rows])
    return path


def read_file(path: str | Path) -> list[dict]:
    path = Path(path)
    try:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook
            ws = load_workbook(path, read_only=True, data_only=True).worksheets[0]
            table = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        else:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                table = list(csv.reader(fh))
    except UnicodeDecodeError:
        raise ReviewError(f"确认文件 {path} 不是 UTF-8 编码：请用 govaudit review --export 导出的文件，"
                          f"在 Excel 中另存为“CSV UTF-8”或 .xlsx")
    except (OSError, ValueError, KeyError) as exc:
        raise ReviewError(f"确认文件 {path} 无法读取：{exc}") from exc
    if not table or [h.strip() for h in table[0][:len(HEADERS)]] != list(HEADERS):
        raise ReviewError(f"确认文件 {path} 的表头不对：应为 {'、'.join(HEADERS)}"
                          f"（请使用 govaudit review --export 导出的文件）")
    return [dict(zip(HEADERS, [csv_unquote(c.strip()) for c in row]), _row=n)
            for n, row in enumerate(table[1:], start=2) if any(c.strip() for c in row)]


def import_decisions(rows: list[dict], items: list[ReviewItem], path: str | Path) \
        -> list[tuple[ReviewItem, str, str, str]]:
    """(item, decision, reviewer, note) for rows whose 处理 is filled; errors name the row."""
    by_key = {it.key: it for it in items}
    out, bad = [], []
    for row in rows:
        word = row.get("处理（确认/排除）", "").strip().lower()
        if not word:
            continue
        decision = _WORDS.get(word)
        key = (row.get("网站标识码", ""), row.get("页面网址", ""), row.get("词语", ""))
        if decision is None:
            bad.append(f"第 {row['_row']} 行：处理应填“确认”或“排除”，实际为“{word}”")
        elif key not in by_key:
            bad.append(f"第 {row['_row']} 行：最近一次评分中没有这条问题（{key[0]} {key[1]} {key[2]}）")
        else:
            out.append((by_key[key], decision, row.get("审核人", "").strip(), row.get("备注", "")))
    if bad:
        raise ReviewError(f"确认文件 {path} 中有无法处理的行，未作任何记录：\n" + "\n".join(bad))
    return out


# ---- the govaudit review session ---------------------------------------------------------------
def pending_items(engine: Engine, sites: Iterable[str] = (), include_confirmed: bool = False,
                  score_run_id: int | None = None) -> list[ReviewItem]:
    """The judgement findings of the latest (or given) score run."""
    from scoring.rulefile import load_ruleset
    from store.runs import score_run
    sr = score_run(engine, score_run_id)
    rows = verdict_rows(engine, sr.id, sites)
    site_rows = {x.code: x for x in all_sites(engine)}
    unknown = sorted(set(sites) - {r.site_code for r in rows})
    if unknown:
        raise ReviewError(f"网站标识码 {'、'.join(unknown)} 不在第 {sr.id} 次评分（监测时间点 "
                          f"{sr.as_of:%Y-%m-%d}）中，没有可确认的问题：请检查网站标识码")
    ruleset = load_ruleset(sr.ruleset)
    titles = {r.id: r.title for r in ruleset.rules()}
    reading = {m: ruleset.rules_reading(m) for m in ruleset.measures()}
    return items_of(rows, site_rows, titles, reading, include_confirmed)


def describe(item: ReviewItem, i: int, total: int) -> str:
    f = item.finding
    return (f"[{i}/{total}] {item.site_code} {item.site_name}  {item.rule}（{f.review}"
            + (f"，{f.reviewer}" if f.reviewer else "") + "）\n"
            f"  页面：{f.url}\n  标题：{f.title}\n  证据：{f.evidence}")


def session(engine: Engine, sites: Iterable[str], reviewer: str | None, export_path: str | None,
            import_path: str | None, include_confirmed: bool,
            ask: Callable[[str, list[str] | None], str], say: Callable[[str], None]) -> list:
    """govaudit review: export, import, or ask one finding at a time. Returns what was recorded
    as (item, decision) pairs; ask(prompt, choices) reads the user's answer (choices None: free)."""
    items = pending_items(engine, sites, include_confirmed)
    if export_path:
        export_file(items, export_path)
        say(f"已导出 {len(items)} 条待确认问题到 {export_path}：在“处理”列填写“确认”或“排除”，"
            f"再运行 govaudit review --import {export_path}")
        return []
    if import_path:
        chosen = import_decisions(read_file(import_path), items, import_path)
        for item, decision, who, note in chosen:
            record(engine, [(item, decision)], who or reviewer or "", note)
        pairs = [(item, decision) for item, decision, _, _ in chosen]
    else:
        if not items:
            say("没有待人工确认的问题")
            return []
        who = reviewer or ask("审核人姓名", None)

        def one(item: ReviewItem, i: int, total: int) -> str:
            say(describe(item, i, total))
            return ask("是否确认为问题？y 确认 / n 排除（误报）/ s 跳过 / q 退出", ["y", "n", "s", "q"])
        pairs = interactive(items, one)
        record(engine, pairs, who)
    n = {d: sum(1 for _, x in pairs if x == d) for d in DECISIONS}
    say(f"已记录：确认 {n['confirmed']} 条，排除 {n['dismissed']} 条")
    return pairs
