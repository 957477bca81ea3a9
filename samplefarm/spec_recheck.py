"""The farm after rectification (整改后): what the sites changed between the audit and the re-check.

`govaudit demo --recheck` and tests/test_cycle.py serve the farm a second time with these changes, at
the same monitoring point (the farm's pages carry fixed dates), and compare the two audits:
  9901230001 清河县  publishes three fresh 县政要闻 items (the homepage veto and that stale column are
                     fixed; the homepage still has fewer than 10 updates) and removes the dead link to
                     /zwgk/xxgkml/index.html; it also fills its blank 专题专栏, a problem below
                     the veto line (one blank column of the five) that no rule charged;
  9901230101 柳林镇  removes the dead 乡村振兴专题 link, but adds a new dead 乡村旅游专题 link;
  9901000012 生态环境局  is down during the re-check, so none of its problems can be re-checked;
  every other site is unchanged, so its problems remain.
"""
from __future__ import annotations

from datetime import date

from samplefarm.model import Item, Link, Site

FIXED_LINK_QINGHE = "/zwgk/xxgkml/index.html"
FILLED_BLANK_QINGHE = "ztzl"           # the column's key; its page is /ztzl/
FIXED_LINK_LIULIN = "/ztzl/xczx/"
NEW_DEAD_LINK_LIULIN = "/ztzl/lyzt/"
DOWN_AT_RECHECK = "9901000012"


def rectify(sites: list[Site]) -> list[Site]:
    by_code = {s.code: s for s in sites}
    qinghe = by_code.get("9901230001")
    if qinghe:
        qinghe.col("xzyw").items[:0] = [
            Item(title, date(2026, 11, day), article="visible") for title, day in (
                ("清河县召开整改工作推进会", 20), ("县政府常务会议研究部署冬季重点工作", 18),
                ("清河县开展政府网站内容保障专项检查", 16))]
        topics = qinghe.col(FILLED_BLANK_QINGHE)
        topics.kind, topics.text = "list", ""
        topics.items = [Item("清河县政府网站整改工作专题", date(2026, 11, 19), article="visible")]
        qinghe.home_links = [l for l in qinghe.home_links if l.href != FIXED_LINK_QINGHE]
        hub = qinghe.col("zwgk")
        hub.page_links = {n: [l for l in links if l.href != FIXED_LINK_QINGHE]
                          for n, links in hub.page_links.items()}
        qinghe.build()
    liulin = by_code.get("9901230101")
    if liulin:
        liulin.home_links = [l for l in liulin.home_links if l.href != FIXED_LINK_LIULIN]
        liulin.home_links.append(Link(NEW_DEAD_LINK_LIULIN, "乡村旅游专题"))
    if DOWN_AT_RECHECK in by_code:
        by_code[DOWN_AT_RECHECK].down = True
    return sites
