"""A reviewer's word on judgement findings (govaudit review): the decisions in the store, the
review session (one finding at a time, or a file exported and imported), earlier sightings.

Judgement findings are those a ruleset rule marked `review: true` reads (serious errors in the
census ruleset). Until an official dismisses one it counts — the veto holds and every output marks
it 待人工确认 — so an unattended audit never hides a possible veto. A decision is kept by site, page
URL and term, with who and when, and applies to every later audit; a dismissed finding is no longer
raised, a confirmed one stays (marked 已确认 with the reviewer).
"""
from __future__ import annotations

from typing import Callable, Iterable

from sqlalchemy.engine import Engine

from scoring.review import DECISIONS, ReviewItem, items_of
from store.reviews import earlier_findings, record_decisions
from store.sites import all_sites
from store.verdicts import verdict_rows


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


def record(engine: Engine, items: Iterable[tuple[ReviewItem, str]], reviewer: str,
           note: str = "") -> int:
    """Store decisions ('confirmed' | 'dismissed') for items; a later decision replaces an earlier."""
    return record_decisions(engine, ((item.key, item.rule, decision) for item, decision in items),
                            reviewer, note)


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
# ---- the govaudit review session ---------------------------------------------------------------
def pending_items(engine: Engine, sites: Iterable[str] = (), include_confirmed: bool = False,
                  score_run_id: int | None = None) -> list[ReviewItem]:
    """The judgement findings of the latest (or given) score run."""
    from reports.review_file import ReviewError
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
    # the review file's reader and writer load openpyxl: only here, not in every command's start
    from reports.review_file import export_file, import_decisions, read_file
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
