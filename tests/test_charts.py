"""Charts: PNG files with Chinese drawn by a real CJK font; a font lacking a character is refused."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib
import pytest
from PIL import Image

from reports import charts
from reports.model import AuditSnapshot
from tests.test_reports import make_report


def test_font_draws_chinese():
    family, path = charts.cjk_font()
    assert not charts._covers(path, "政府网站合格率各地区得分分布主要问题")
    assert Path(path).is_file() and family


def test_charts_written(tmp_path):
    report = make_report()
    written = charts.write_charts(report, tmp_path)
    assert sorted(written) == ["pass_rate_by_region", "problems_by_rule", "score_distribution"]
    for path in written.values():
        with Image.open(path) as img:
            assert img.format == "PNG" and img.width >= 1000


def test_figures_freed_as_drawn(tmp_path):
    """A figure is a reference cycle holding its pixel buffer (≈ 37 MB for a 100-region chart):
    each is collected once saved, and the collector is left as it was."""
    import gc
    from matplotlib.figure import Figure
    gc.collect()
    gc.disable()                     # no automatic collection can do it for write_charts
    try:
        written = charts.write_charts(make_report(), tmp_path)
        alive = [o for o in gc.get_objects() if isinstance(o, Figure)]
    finally:
        gc.enable()
    assert len(written) == 3 and alive == [] and gc.get_freeze_count() == 0


def test_region_chart_beyond_chart_regions_draws_the_lowest(tmp_path):
    """More regions than chart_regions: the ones with the lowest pass rates, in the sheet's
    order, and the title says how many there are in all."""
    import copy
    import dataclasses
    report = make_report()
    # one region per site: 乙区 0% (vetoed), 丙区 unassessed (no pass rate), 甲区 100%
    regions = {"4401000001": "甲区", "4401000002": "乙区", "4401000003": "丙区"}
    for sr in report.sites:
        sr.site = dataclasses.replace(sr.site, region=regions[sr.verdict.site_code])
    report.sites.append(copy.copy(report.sites[1]))            # 丁区: another failed site
    report.sites[-1].site = dataclasses.replace(report.sites[-1].site, region="丁区")
    every, title = charts.charted_regions(report)
    assert title == "各地区合格率" and [s.region for s in every] == ["丁区", "乙区", "甲区"]
    report.settings = copy.copy(report.settings)
    report.settings.chart_regions = 2
    shown, title = charts.charted_regions(report)
    assert title == "各地区合格率（合格率最低的 2 个地区，共 3 个）"
    assert [(s.region, s.pass_rate) for s in shown] == [("丁区", 0.0), ("乙区", 0.0)]
    assert charts.pass_rate_by_region(report, tmp_path / "r.png").is_file()


def test_history_chart_needs_two_audits(tmp_path):
    report = make_report()
    codes = ["4401000001", "4401000002", "4401000003"]
    report.history = [AuditSnapshot(dt.date(2026, 11, 22), dict(zip(codes, (True, False, None))))]
    assert charts.pass_rate_history(report, tmp_path / "h.png") is None
    report.history.insert(0, AuditSnapshot(dt.date(2026, 8, 22), dict(zip(codes, (False, False, True)))))
    assert charts.pass_rate_history(report, tmp_path / "h.png").is_file()


def test_missing_glyphs_stop_with_a_message(tmp_path, monkeypatch):
    latin = str(Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf")
    monkeypatch.setattr(charts, "cjk_font", lambda: ("DejaVu Sans", latin))
    with pytest.raises(charts.ChartError, match="字体 DejaVu Sans 缺少以下字符，图表无法正确显示"):
        charts.write_charts(make_report(), tmp_path)
    assert not list(tmp_path.iterdir())


def test_without_machine_fonts_the_mplfonts_noto_font_is_used(monkeypatch):
    """A fresh machine has no CJK font: the one mplfonts (installed by `pip install -e .`) ships."""
    monkeypatch.setattr(charts, "CJK_FAMILIES", ())
    monkeypatch.setattr(charts, "FALLBACK_FAMILIES", ())
    family, path = charts.cjk_font.__wrapped__()
    assert Path(path).name == "NotoSansCJKsc-Regular.otf" and "mplfonts" in path
    assert family == "Noto Sans CJK SC"


def test_no_font_at_all_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(charts, "CJK_FAMILIES", ())
    monkeypatch.setattr(charts, "FALLBACK_FAMILIES", ())
    monkeypatch.setattr(charts, "MPLFONTS_FILE", "fonts/absent.otf")
    with pytest.raises(charts.ChartError, match="找不到可显示中文的字体"):
        charts.cjk_font.__wrapped__()


def test_history_chart_beyond_history_regions_draws_the_lowest_at_the_latest_audit(tmp_path):
    """More regions than history_regions: one line each for the regions with the lowest pass rate
    at the latest audit (a region not judged then comes last), and the title says how many in all
    (a hundred lines had run the legend off the picture)."""
    import copy
    import dataclasses
    report = make_report()
    regions = {"4401000001": "甲区", "4401000002": "乙区", "4401000003": "丙区"}
    for sr in report.sites:
        sr.site = dataclasses.replace(sr.site, region=regions[sr.verdict.site_code])
    codes = ["4401000001", "4401000002", "4401000003"]
    report.history = [AuditSnapshot(dt.date(2026, 8, 22), dict(zip(codes, (False, True, True)))),
                      AuditSnapshot(dt.date(2026, 11, 22), dict(zip(codes, (True, False, None))))]
    lines, title = charts.history_lines(report)
    assert title == "各地区合格率变化（历次抽查）"
    assert {n: r[0] for n, r in lines.items()} == {"丙区": 100.0, "乙区": 100.0, "甲区": 0.0}
    report.settings = copy.copy(report.settings)
    report.settings.history_regions = 2
    lines, title = charts.history_lines(report)
    assert title == "各地区合格率变化（历次抽查；合格率最低的 2 个地区，共 3 个）"
    assert {n: r for n, r in lines.items()} == {"甲区": [0.0, 100.0], "乙区": [100.0, 0.0]}
    report.settings.history_regions = 1
    assert list(charts.history_lines(report)[0]) == ["乙区"]
    assert charts.pass_rate_history(report, tmp_path / "h.png").is_file()
