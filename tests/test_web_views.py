"""The web pages' models, pure: grid cells from a verdict and the warning states, filters and sorts,
re-check status of each finding, and the timeline's days in 北京时间."""
from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace as NS

from scoring.rulefile import load_ruleset
from web import views

RS = load_ruleset("census-2015")


def site(code, region="华阳省江北市清河县", level="县级", kind="门户网站"):
    return NS(code=code, name=f"网站{code}", region=region, level=level, site_type=kind)


def verdict(code, qualified, score, rank, vetoes=(), deductions=(), measurements=None, findings=()):
    full = {m: 1 for m in RS.measures()}
    return NS(site_code=code, qualified=qualified, score=score, rank=rank, vetoes=list(vetoes),
              deductions=[{"rule": r, "points": p} for r, p in deductions],
              measurements={**full, **(measurements or {})}, findings=list(findings))


def run(i):
    return NS(id=i, as_of=date(2026, 11, 22), created_at=datetime(2026, 11, 23, 8, 0))


def cells(row):
    return {r.id: (c.text, c.css) for r, c in zip(RS.rules(), row.cells)}


def test_grid_cells_say_veto_points_unjudged_and_warning():
    sites = [site("1"), site("2", region="华阳省江北市白沙县"), site("3")]
    verdicts = {"1": (run(1), verdict("1", False, 80, 3, vetoes=["homepage_not_updated"],
                                      deductions=[("link_availability", 1.2)]), {}),
                "2": (run(1), verdict("2", True, 93, 1, deductions=[("survey", 5)],
                                      measurements={"availability_probes": None}), {})}
    states = [{"site_code": "2", "rule": "columns_not_updated", "level": 2, "subject": "超期未更新栏目",
               "detail": "7 个"}]
    rows = views.grid(sites, verdicts, states, RS)
    one, two, three = (cells(r) for r in rows)
    assert one["homepage_not_updated"] == ("否决", "veto")
    assert one["link_availability"] == ("-1.2", "deduct w0")
    assert one["survey"] == ("·", "skip w0")                    # a veto: nothing else scored
    assert one["columns_not_updated"] == ("✓", "ok w0")
    assert two["site_unreachable"] == ("—", "skip w0")          # no probes: not judged
    assert two["columns_not_updated"] == ("预警", "ok w2")
    assert set(three.values()) == {("", "none")}
    assert [(r.result, r.warn_text) for r in rows] == [("不合格", "正常"), ("合格", "预警"),
                                                       ("尚未检查", "正常")]
    assert [r.site.code for r in views.filter_sort(rows, sort="score")] == ["2", "1", "3"]
    assert [r.site.code for r in views.filter_sort(rows, sort="-score")] == ["3", "1", "2"]
    assert [r.site.code for r in views.filter_sort(rows, region="华阳省江北市白沙县")] == ["2"]
    assert [r.site.code for r in views.filter_sort(rows, warn="2")] == ["2"]
    assert [r.site.code for r in views.filter_sort(rows, result="不合格")] == ["1"]


def dead(url):
    return {"kind": "dead_link", "measure": "dead_links_other", "url": url, "evidence": "HTTP 404",
            "title": ""}


def test_each_finding_is_fixed_open_or_new_by_what_it_is_about():
    s = site("1")
    audit = verdict("1", True, 90, 1, deductions=[("link_availability", 0.2)],
                    findings=[dead("http://a/1"), dead("http://a/2")])
    check = verdict("1", True, 90, 1, deductions=[("link_availability", 0.2)],
                    findings=[dead("http://a/2"), dead("http://a/3"),
                              {"kind": "insufficient_data", "measure": "availability_probes",
                               "url": "http://a/", "evidence": "可用性监测次数不足"}])
    status, new = views.statuses(s, audit, check, shown="earlier")
    assert status == {("dead_link", "dead_links_other", "http://a/1"): "已整改",
                      ("dead_link", "dead_links_other", "http://a/2"): "未整改"}
    assert [(c.status, c.url) for c in new] == [("新增", "http://a/3")]   # not the unmeasured rule
    status, fixed = views.statuses(s, audit, check, shown="later")
    assert [(c.status, c.url) for c in fixed] == [("已整改", "http://a/1")]
    section, = views.sections(audit, RS, views.statuses(s, audit, check, "earlier")[0], limit=1)
    assert (section.title, section.head) == ("链接可用性", "扣 0.2 分")
    assert [(f.get("url"), f.get("status"), f.get("more")) for f in section.findings] == [
        ("http://a/1", "已整改", None), (None, None, 1)]


def test_timeline_days_are_beijing_days_newest_first():
    probe = lambda h, ok: NS(at=datetime(2026, 11, 21, h, 0), ok=ok, outcome="refused",  # noqa: E731
                             detail="连接被拒绝")
    events = views.timeline([probe(15, True), probe(16, False), probe(17, True)], [], [], [], [],
                            limit=10)
    assert [(e.when, e.text) for e in events] == [
        ("2026-11-22 01:00", "首页监测 2 次，失败 1 次（首次 00:00 连接被拒绝）"),
        ("2026-11-21 23:00", "首页监测 1 次，失败 0 次")]


def test_only_web_addresses_become_links():
    assert views.web_url("http://127.0.1.3/a.html") and views.web_url("HTTPS://x/")
    assert not views.web_url("javascript:alert(1)") and not views.web_url("") and not views.web_url(None)
