"""分地区统计: per 所属地区, sites checked, qualified, pass rate and scores; the pass-rate chart."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl.worksheet.worksheet import Worksheet

import config
from reports.model import CUT_SHORT_MARK, AuditReport, SiteReport, incomplete_pass, site_attr
from reports.sheets.style import BOLD, embed_chart, finish, table, title_rows

HEADERS = ("所属地区", "网站数", "完成评估", "合格", "不合格", "未能评估", "合格率", "平均得分", "最高分", "最低分")
INCOMPLETE = f"其中合格{CUT_SHORT_MARK}"   # after 合格, only in a report that has such a site
UNKNOWN = "（未填写）"


@dataclass
class RegionStats:
    region: str
    sites: list[SiteReport] = field(default_factory=list)

    @property
    def assessed(self) -> int:
        return sum(sr.verdict.qualified is not None for sr in self.sites)

    @property
    def scores(self) -> list[float]:
        # an unreachable site is assessed (unqualified) but has no score
        return [sr.verdict.score for sr in self.sites if sr.verdict.score is not None]

    @property
    def qualified(self) -> int:
        return sum(sr.verdict.qualified is True for sr in self.sites)

    @property
    def incomplete(self) -> int:
        return sum(map(incomplete_pass, self.sites))

    @property
    def pass_rate(self) -> float | None:
        """Qualified share of the assessed sites (unassessed sites are not in the denominator)."""
        return self.qualified / self.assessed if self.assessed else None

    def row(self, incomplete: bool = False) -> list:
        s = self.scores
        n = self.assessed
        return [self.region, len(self.sites), n, self.qualified,
                *([self.incomplete] if incomplete else []), n - self.qualified,
                len(self.sites) - n, self.pass_rate, sum(s) / len(s) if s else None,
                max(s, default=None), min(s, default=None)]


def region_group(region: str) -> str:
    """The city a 所属地区 belongs to (华阳省江北市清河县 → 华阳省江北市), by the administrative units
    in config/register.yaml; a province's own sites (华阳省) are '华阳省（省本级）'."""
    if not region:
        return UNKNOWN
    cfg = config.load_yaml("register.yaml")
    words = "|".join(map(re.escape, sorted(cfg["region_units"], key=len, reverse=True)))
    units = re.findall(rf".+?(?:{words})", region)
    if not units or "".join(units) != region:
        return region                         # not written as units: grouped as written
    if units[0].endswith(tuple(cfg["province_units"])):
        return "".join(units[:2]) if len(units) > 1 else f"{units[0]}（省本级）"
    return units[0]


def region_stats(report: AuditReport) -> list[RegionStats]:
    by: dict[str, RegionStats] = {}
    for sr in report.sites:
        name = region_group(site_attr(sr.site, "region"))
        by.setdefault(name, RegionStats(name)).sites.append(sr)
    return [by[k] for k in sorted(by)]


def write(ws: Worksheet, report: AuditReport) -> None:
    stats = region_stats(report)
    total = RegionStats("合计", list(report.sites))
    incomplete = total.incomplete > 0
    headers = HEADERS[:4] + ((INCOMPLETE,) if incomplete else ()) + HEADERS[4:]
    top = title_rows(ws, "分地区统计", len(headers),
                     "按所属地区的市（州）统计，市本级与所辖县（区）合为一行，省本级单列；"
                     "合格率 = 合格网站数 ÷ 完成评估网站数（未能评估的网站不计入）。"
                     + (f"“{INCOMPLETE}”：合格但抓取不完整的网站（含在合格数中），结论仅依据已抓取的页面。"
                        if incomplete else ""))
    last = table(ws, top, headers, [*(s.row(incomplete) for s in stats), total.row(incomplete)])
    for c in ws[last]:
        c.font = BOLD
    finish(ws, top, len(headers), last, freeze="B")
    embed_chart(ws, report, "pass_rate_by_region", f"B{last + 3}")
    embed_chart(ws, report, "pass_rate_history", f"B{last + 3 + 20}")   # when there are two audits
