"""charts/*.png: score distribution, pass rate by region, problems by rule and, once the same sites
have been audited more than once, pass rate by region across audits.

Chinese text needs a CJK font or matplotlib draws boxes. We take one installed on the machine, else
the Noto Sans CJK SC that the mplfonts package (a dependency) ships; every character a chart will draw
is checked against the font first, and a missing one stops with a message instead of a box.
"""
from __future__ import annotations

import importlib.util
import math
from collections import Counter
from functools import lru_cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from reports.errors import ReportError
from reports.files import one_at_a_time, write_atomically
from reports.model import CUT_SHORT_MARK, AuditReport, fired_rules, incomplete_pass, rule_title, site_attr
from reports.sheets.regions import region_group, region_stats

# Machine fonts drawn with Simplified Chinese glyph shapes, best first (Source Han = Noto CJK).
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC",
                "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "SimHei")
# Used only after mplfonts' font: they cover Chinese with Japanese glyph shapes (matplotlib reads
# only the first face of Debian's NotoSansCJK .ttc, which is the JP one).
FALLBACK_FAMILIES = ("Noto Sans CJK JP", "Droid Sans Fallback")
MPLFONTS_FILE = "fonts/NotoSansCJKsc-Regular.otf"   # what mplfonts ships (besides serif/mono faces)
PROBE = "政府网站合格率得分分布"
DPI = 150
GOOD, BAD, INK = "#4472C4", "#C00000", "#404040"
INCOMPLETE = "#F4B183"   # 合格 on a crawl cut short: apart from the plain passes


class ChartError(ReportError):
    """No font can draw the chart's Chinese text; the message says what to install."""


@lru_cache(maxsize=8)
def _glyphs(path: str) -> frozenset[int]:
    """The code points the font file has a glyph for: read once a file, not once a chart (a CJK
    font's map has 65,000 entries: 8 ms)."""
    return frozenset(FT2Font(path).get_charmap())


def _covers(path: str, text: str) -> set[str]:
    """Characters of `text` the font file has no glyph for."""
    glyphs = _glyphs(path)
    return {ch for ch in set(text) if not ch.isspace() and ord(ch) not in glyphs}


@lru_cache(maxsize=1)
def cjk_font() -> tuple[str, str]:
    """(family, file) of a font that draws Chinese: the machine's own, else mplfonts' Noto Sans CJK SC."""
    by_name = {f.name: f.fname for f in font_manager.fontManager.ttflist
               if f.style == "normal" and f.weight in (400, "normal", "regular")}
    candidates = [(n, by_name[n]) for n in CJK_FAMILIES if n in by_name]
    spec = importlib.util.find_spec("mplfonts")
    if spec and spec.origin:
        path = str(Path(spec.origin).parent / MPLFONTS_FILE)
        if Path(path).is_file():
            font_manager.fontManager.addfont(path)
            candidates.append((font_manager.FontProperties(fname=path).get_name(), path))
    candidates += [(n, by_name[n]) for n in FALLBACK_FAMILIES if n in by_name]
    for family, path in candidates:
        if not _covers(path, PROBE):
            return family, path
    raise ChartError("找不到可显示中文的字体，图表无法生成：请用 README 中的安装命令重新安装（pip install -e . "
                     "会安装带 Noto Sans CJK 字体的 mplfonts 包），或在系统中安装中文字体（如 fonts-noto-cjk）。")


def _figure(texts: list[str], size=(8, 4.5)) -> Figure:
    family, path = cjk_font()
    missing = _covers(path, "".join(texts))
    if missing:
        raise ChartError(f"字体 {family} 缺少以下字符，图表无法正确显示：{''.join(sorted(missing))}"
                         "（请安装覆盖这些字符的中文字体）")
    matplotlib.rcParams.update({"font.family": [family], "axes.unicode_minus": False})
    fig = Figure(figsize=size, dpi=DPI, layout="constrained")
    return fig


def _save(fig: Figure, path: Path) -> Path:
    import io
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return write_atomically(path, buf.getvalue())


def score_distribution(report: AuditReport, path: Path) -> Path | None:
    """Assessed sites per 10-point score band, qualified and unqualified stacked."""
    # scored sites only: a site vetoed as unreachable is unqualified without a score
    assessed = [sr for sr in report.sites if sr.verdict.score is not None]
    if not assessed:
        return None
    bands = [f"{lo}–{lo + 10}" if lo < 90 else "90–100" for lo in range(0, 100, 10)]
    band = lambda s: min(int(s // 10), 9)
    good = Counter(band(sr.verdict.score) for sr in assessed
                   if sr.verdict.qualified and not incomplete_pass(sr))
    bad = Counter(band(sr.verdict.score) for sr in assessed if not sr.verdict.qualified)
    cut = Counter(band(sr.verdict.score) for sr in assessed if incomplete_pass(sr))
    title, xl, yl, cut_label = "得分分布", "得分区间", "网站数", f"合格{CUT_SHORT_MARK}"
    fig = _figure([title, xl, yl, "合格不合格", cut_label, *bands])
    ax = fig.subplots()
    xs = range(10)
    ax.bar(xs, [bad[i] for i in xs], color=BAD, label="不合格")
    ax.bar(xs, [good[i] for i in xs], bottom=[bad[i] for i in xs], color=GOOD, label="合格")
    if cut:
        ax.bar(xs, [cut[i] for i in xs], bottom=[bad[i] + good[i] for i in xs], color=INCOMPLETE,
               hatch="//", edgecolor=INK, linewidth=0, label=cut_label)
    ax.set_xticks(list(xs), bands, fontsize=8)
    ax.set(title=title, xlabel=xl, ylabel=yl)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, path)


def charted_regions(report: AuditReport) -> tuple[list, str]:
    """The regions the pass-rate chart draws, in the sheet's order, and the chart's title: every
    region with a pass rate, or beyond report.settings.chart_regions the ones with the lowest pass
    rates (ties: the sheet's order). A bar is 0.5 inch: a register where every site is its own
    region would otherwise draw, at 1,000 sites, a 75,000-pixel chart (≈ 0.5 GB to render)."""
    stats = [s for s in region_stats(report) if s.pass_rate is not None]
    most = report.settings.chart_regions
    if len(stats) <= most:
        return stats, "各地区合格率"
    lowest = {id(s) for s in sorted(stats, key=lambda s: s.pass_rate)[:most]}
    return ([s for s in stats if id(s) in lowest],
            f"各地区合格率（合格率最低的 {most} 个地区，共 {len(stats)} 个）")


def pass_rate_by_region(report: AuditReport, path: Path) -> Path | None:
    stats, title = charted_regions(report)
    if not stats:
        return None
    names = [s.region for s in stats]
    xl = "合格率（合格 ÷ 完成评估）"
    fig = _figure([title, xl, *names, f"个网站其中合格{CUT_SHORT_MARK}"], size=(8, max(3, 0.5 * len(stats) + 1.5)))
    ax = fig.subplots()
    ys = range(len(stats))
    ax.barh(ys, [s.pass_rate * 100 for s in stats], color=GOOD)
    # The passes on a crawl cut short, drawn apart at the end of the bar and named in its label.
    if any(s.incomplete for s in stats):
        ax.barh(ys, [s.incomplete / s.assessed * 100 for s in stats],
                left=[(s.qualified - s.incomplete) / s.assessed * 100 for s in stats],
                color=INCOMPLETE, hatch="//", edgecolor=INK, linewidth=0)
    for y, s in zip(ys, stats):
        ax.text(s.pass_rate * 100 + 1, y, f"{s.pass_rate:.0%}（{s.qualified}/{s.assessed}"
                + (f"，其中 {s.incomplete} 个抓取不完整" if s.incomplete else "") + "）",
                va="center", fontsize=9, color=INK)
    if any(s.incomplete for s in stats):
        from matplotlib.patches import Patch
        ax.legend(handles=[Patch(color=GOOD, label="合格"),
                           Patch(facecolor=INCOMPLETE, hatch="//", edgecolor=INK, linewidth=0,
                                 label=f"合格{CUT_SHORT_MARK}")],
                  frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_yticks(list(ys), names)
    ax.invert_yaxis()
    ax.set(title=title, xlabel=xl, xlim=(0, 115))
    ax.xaxis.set_major_formatter("{x:.0f}%")
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, path)


def problems_by_rule(report: AuditReport, path: Path) -> Path | None:
    """Sites each rule cost something (vetoes red, deductions blue), most frequent first."""
    counts = Counter(r for sr in report.sites for r in fired_rules(sr.verdict))
    if not counts:
        return None
    rules = sorted(counts, key=lambda r: (-counts[r], r))
    names = [rule_title(report, r) for r in rules]
    title, xl = "主要问题（涉及网站数）", "网站数"
    fig = _figure([title, xl, *names, "单项否决扣分"], size=(8, max(3, 0.45 * len(rules) + 1.5)))
    ax = fig.subplots()
    ys = range(len(rules))
    colors = [BAD if r in report.veto_ids else GOOD for r in rules]
    ax.barh(ys, [counts[r] for r in rules], color=colors)
    ax.set_yticks(list(ys), names)
    ax.invert_yaxis()
    ax.set(title=title, xlabel=xl)
    ax.xaxis.get_major_locator().set_params(integer=True)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=BAD, label="单项否决"), Patch(color=GOOD, label="扣分")],
              frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, path)


def history_lines(report: AuditReport) -> tuple[dict[str, list[float]], str]:
    """The pass-rate history chart's lines, region → pass rate (%, NaN where none was judged) at
    each audit, and its title: every region, or beyond report.settings.history_regions the ones
    with the lowest rate at the latest audit (ties and regions not judged then: by name). A line
    and a legend entry each: a hundred of them ran the legend off the picture."""
    region = {sr.verdict.site_code: region_group(site_attr(sr.site, "region")) for sr in report.sites}
    lines = {}
    for name in sorted(set(region.values())):
        rates = []
        for a in report.history:
            judged = [q for c, q in a.qualified.items() if region.get(c) == name and q is not None]
            rates.append(100 * sum(judged) / len(judged) if judged else float("nan"))
        lines[name] = rates
    title, most = "各地区合格率变化（历次抽查）", report.settings.history_regions
    if len(lines) <= most:
        return lines, title
    latest = sorted(lines, key=lambda n: (math.isnan(lines[n][-1]), lines[n][-1], n))[:most]
    return ({n: lines[n] for n in lines if n in latest},
            f"{title[:-1]}；合格率最低的 {most} 个地区，共 {len(lines)} 个）")


def pass_rate_history(report: AuditReport, path: Path) -> Path | None:
    """Pass rate per region at each audit of the same sites; only once there are two audits."""
    if len(report.history) < 2:
        return None
    lines, title = history_lines(report)
    labels = [a.label or a.as_of.isoformat() for a in report.history]
    yl = "合格率"
    fig = _figure([title, yl, "监测时间点", *lines, *labels])
    ax = fig.subplots()
    for name, rates in lines.items():
        ax.plot(range(len(labels)), rates, marker="o", label=name)
    # audits by position, not by date: two audits may share a monitoring point (a re-check)
    ax.set_xticks(range(len(labels)), labels)
    ax.set(title=title, ylabel=yl, xlabel="监测时间点", ylim=(0, 105), xlim=(-0.3, len(labels) - 0.7))
    ax.yaxis.set_major_formatter("{x:.0f}%")
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, path)


CHARTS = {"score_distribution": score_distribution, "pass_rate_by_region": pass_rate_by_region,
          "problems_by_rule": problems_by_rule, "pass_rate_history": pass_rate_history}


def write_charts(report: AuditReport, folder: Path) -> dict[str, Path]:
    """Every chart the data allows, as folder/<name>.png; returns name → path."""
    out = {}
    with one_at_a_time() as free:
        for name, draw in CHARTS.items():
            path = draw(report, folder / f"{name}.png")
            free()
            if path is not None:
                out[name] = path
    return out
