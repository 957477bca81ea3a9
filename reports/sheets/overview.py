"""总体情况: the spot check at a glance — what was checked, how, the results and the commonest problems.

Built from small blocks, each a function (ws, report, row) -> last row, listed in BLOCKS; a later
feature (rectification status, sampling) adds its own block to the list.
"""
from __future__ import annotations

from collections import Counter
from typing import Callable

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from reports.model import (AWAITING, CUT_SHORT_MARK, RANK_ORDER, AuditReport, fired_rules,
                           incomplete_pass, not_checked, rule_title, shown_findings,
                           unchecked_groups)
from reports.sheets.style import (BOLD, PERCENT, SCORE, embed_chart, fit_rows, pairs, print_setup,
                                  table, title_rows)

TOP_PROBLEMS = 10


def basics(ws: Worksheet, report: AuditReport, row: int) -> int:
    cfg = report.settings
    return pairs(ws, row, "一、抽查基本情况", [
        ("监测时间点", report.as_of),
        ("评分规则", f"{report.ruleset_title}（{report.ruleset_id}）" if report.ruleset_title
         else report.ruleset_id),
        ("合格标准", report.pass_text),
        ("排名规则", RANK_ORDER + (f"；按{cfg.group_by}分组排名" if cfg.group_by else "")),
        ("抽查方式", report.sample_note or cfg.selection),
        ("检查方式", cfg.method_text)])


def _mean(scores: list[float]) -> float | None:
    # an unreachable site is unqualified without a score: not in the average
    return sum(scores) / len(scores) if scores else None


def results(ws: Worksheet, report: AuditReport, row: int) -> int:
    v = [sr.verdict for sr in report.sites]
    assessed = [x for x in v if x.qualified is not None]
    awaiting = [x for x in v if x.qualified is None and x.awaiting]
    qualified = sum(x.qualified is True for x in v)
    incomplete = sum(map(incomplete_pass, report.sites))
    last = pairs(ws, row, "二、抽查结果", [
        ("抽查网站数", len(v)), ("完成评估网站数", len(assessed)), ("合格网站数", qualified),
        *([(f"其中合格{CUT_SHORT_MARK}", f"{incomplete}（结论仅依据已抓取的页面，见排名、问题清单）")]
          if incomplete else []),
        ("不合格网站数", len(assessed) - qualified),
        *([(f"{AWAITING}网站数", f"{len(awaiting)}（单项否决依据待人工确认：govaudit review）")]
          if awaiting else []),
        ("未能评估网站数", len(v) - len(assessed) - len(awaiting)),
        ("合格率（合格 ÷ 完成评估）", qualified / len(assessed) if assessed else None),
        ("平均得分", _mean([x.score for x in assessed if x.score is not None])),
        ("未判定规则", unchecked_summary(report) or "无（每个网站的全部规则均已判定）")])
    ws.cell(last - 2, 2).number_format, ws.cell(last - 1, 2).number_format = PERCENT, SCORE
    return last


def unchecked_summary(report: AuditReport) -> str:
    """'8 个网站未判定 站点无法访问、首页可用性（可用性监测次数不足）；…' over all sites."""
    sites: dict[tuple[str, str], int] = {}
    for sr in report.sites:
        stems: dict[str, list[str]] = {}      # the reason without this site's own figures
        for why, rules in unchecked_groups(report, sr):
            stems.setdefault(why.split("（")[0].split("：")[0], []).extend(rules)
        for stem, rules in stems.items():
            key = ("、".join(rule_title(report, r) for r in rules), stem)
            sites[key] = sites.get(key, 0) + 1
    return "；".join(f"{n} 个网站未判定 {titles}（{why}）" for (titles, why), n in sites.items())


def vetoes(ws: Worksheet, report: AuditReport, row: int) -> int:
    counts = Counter(r for sr in report.sites for r in sr.verdict.vetoes)
    rows = [[rule_title(report, r), counts[r]] for r in report.veto_ids]
    ws.cell(row, 1).value = "三、单项否决情况"
    ws.cell(row, 1).font = BOLD
    return table(ws, row + 1, ("单项否决项", "网站数"), rows)


def problems(ws: Worksheet, report: AuditReport, row: int) -> int:
    """The rules that cost the most sites something, with how many findings stand behind them."""
    sites, finds = Counter(), Counter()
    for sr in report.sites:
        sites.update(fired_rules(sr.verdict))
        for f, rules in shown_findings(report, sr):
            if not not_checked(f):   # a page read in part is no dead link
                finds.update(rules)
    top = sorted(sites, key=lambda r: (-sites[r], -finds[r], r))[:TOP_PROBLEMS]
    ws.cell(row, 1).value = "四、主要问题（按涉及网站数）"
    ws.cell(row, 1).font = BOLD
    return table(ws, row + 1, ("问题类型", "涉及网站数", "问题条数"),
                 [[rule_title(report, r), sites[r], finds[r]] for r in top])


def crawl(ws: Worksheet, report: AuditReport, row: int) -> int:
    if not report.crawl_summary:
        return row - 2
    return pairs(ws, row, "五、抓取情况", [(str(k), v if isinstance(v, (int, float)) else str(v))
                                        for k, v in report.crawl_summary.items()])


def guide(ws: Worksheet, report: AuditReport, row: int) -> int:
    return pairs(ws, row, "各表说明", [
        ("排名", "全部网站的得分、等级、结果和扣分情况，不合格网站以红色标出。"),
        ("单项否决", "被单项否决的网站、否决依据和证据。"),
        ("扣分明细", "每个网站在各扣分指标上扣除的分值。"),
        ("问题清单", "逐条问题及其网址、证据和整改建议。"),
        ("分地区统计", "按所属地区统计的合格率和得分。"),
        ("栏目明细", "识别到的全部栏目、发现方式和更新判定。"),
        ("指标明细", "每个网站的全部监测数据。"),
        ("整改通知", "生成的整改通知书文件、问题数和整改期限。")])


BLOCKS: list[Callable[[Worksheet, AuditReport, int], int]] = [basics, results, vetoes, problems, crawl,
                                                               guide]


def write(ws: Worksheet, report: AuditReport) -> None:
    ws.title = "总体情况"
    row = title_rows(ws, f"{report.settings.issuing_office}政府网站抽查情况"
                         f"（监测时间点：{report.as_of.isoformat()}）", 4)
    for block in BLOCKS:
        row = block(ws, report, row + 1) + 1
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 56
    ws.column_dimensions["C"].width = 12
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=3):   # counts sit by their labels
        for c in row:
            if isinstance(c.value, (int, float)):
                c.alignment = Alignment(horizontal="left")
    fit_rows(ws, 2)
    embed_chart(ws, report, "score_distribution", "E3", width_px=560)
    embed_chart(ws, report, "problems_by_rule", "E26", width_px=560)
    print_setup(ws, one_page=True)      # the summary and its charts on one printed page
