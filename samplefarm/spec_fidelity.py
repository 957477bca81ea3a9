"""Sample sites for real-site fidelity (issue 5): where the column tree and the homepage items hide
on real government sites. Truth: truth_fidelity.yaml (hand-written). Hosts 127.0.1.10-14.

  (10) channel pages (频道页), two levels deep; a stale and a blank column reachable only through them
  (11) a 网站地图 that is the only route to three columns, and lists one that is gone
  (12) a navigation-entry homepage (导航页): the second-level pages carry the homepage items
  (13) an old county site built of tables (<td class="STYLE2" id="qh1">, id="memu", gl_left, td.bt)
  (14) a homepage publishing through a headline, a captioned carousel, a ticker and tab panes
"""
from __future__ import annotations

from samplefarm.model import Block, Col, Item, Link, Site
from samplefarm.spec import D, Maker

REGION = "华阳省江北市"


def _channels() -> Site:
    m = Maker("白沙县", "白沙县人民政府办公室")
    cols = [
        # A channel page (blocks of sub-columns) belongs to no leaf category, 新闻 in its name or not.
        Col("xwzx", "新闻中心", "/xwzx/", None, kind="hub", nav=True),
        Col("bsyw", "白沙要闻", "/xwzx/bsyw/", "news", items=m.run("news", "2026-11-20", 12, 2),
            group="新闻中心", hidden=True),
        # Stale (newest 2026-10-01) and only a block on the 新闻中心 channel page leads to it.
        Col("xzdt", "乡镇动态", "/xwzx/xzdt/", "news", items=m.run("news", "2026-10-01", 6, 7),
            group="新闻中心", hidden=True),
        Col("zwgk", "政务公开", "/zwgk/", None, kind="hub", nav=True),
        Col("tzgg", "通知公告", "/zwgk/tzgg/", "notice", items=m.run("notice", "2026-11-16", 8, 12),
            group="政务公开", hidden=True),
        Col("zcwj", "政策文件", "/zwgk/zcwj/", "policy", items=m.run("policy", "2026-09-10", 6, 20),
            group="政务公开", hidden=True),
        # A channel page below the 政务公开 channel page: its blocks are two channel levels deep.
        Col("xxgk", "政府信息公开", "/zwgk/xxgk/", None, kind="hub", group="政务公开"),
        Col("rsxx", "人事信息", "/zwgk/xxgk/rsxx/", "personnel",
            items=m.run("personnel", "2026-03-01", 4, 60), group="政府信息公开", hidden=True),
        # Blank, and reachable only from the second-level channel page.
        Col("ghjh", "规划计划", "/zwgk/xxgk/ghjh/", "plan", kind="blank", text="暂无信息",
            group="政府信息公开", hidden=True),
        Col("czyjs", "财政预决算", "/zwgk/xxgk/czyjs/", None, items=m.run("notice", "2026-08-31", 3, 30),
            group="政府信息公开", hidden=True),
        Col("zjbs", "走进白沙", "/zjbs/", None, kind="static", nav=True,
            text="白沙县位于江北市南部，辖6个镇、4个乡，县域面积九百平方公里，常住人口约二十一万。"),
    ]
    return Site(
        code="9905000001", name="白沙县人民政府", place="白沙县", org="白沙县人民政府办公室",
        level="县级", region=REGION + "白沙县", site_type="门户网站", host=10,
        domain="www.baisha.gov.cn", style="trs", date_fmt="iso", columns=cols,
        nav=["xwzx", "zwgk", "zjbs"],
        blocks=[Block("bsyw", 6, more=False), Block("tzgg", 5, more=False)],
        theme={"nav": '<div class="nav">', "crumb": "position", "block_head": "b"},
        uid_base=1000000,
    ).build()


def _sitemap() -> Site:
    m = Maker("江北市统计局", "江北市统计局")
    cols = [
        Col("gzdt", "工作动态", "/gzdt/", "news", items=m.run("news", "2026-11-19", 10, 3), nav=True),
        Col("tzgg", "通知公告", "/tzgg/", "notice", items=m.run("notice", "2026-10-20", 6, 20), nav=True),
        # Only the 网站地图 lists these three.
        Col("zcjd", "政策解读", "/zwgk/zcjd/", "policy", items=m.run("policy", "2026-03-01", 4, 30)),
        Col("rsxx", "人事信息", "/zwgk/rsxx/", "personnel", kind="blank", text="栏目建设中"),
        Col("jgzn", "机构职能", "/jgzn/", "functions", kind="static",
            text="江北市统计局负责组织领导和协调全市统计工作，监督检查统计法律法规的实施。"),
    ]
    return Site(
        code="9905000002", name="江北市统计局", place="江北市统计局", org="江北市统计局",
        level="地市级", region=REGION, site_type="部门网站", host=11, domain="tjj.jiangbei.gov.cn",
        style="trs", date_fmt="iso", columns=cols, nav=["gzdt", "tzgg"],
        blocks=[Block("gzdt", 6), Block("tzgg", 4)],
        sitemap=["gzdt", "tzgg", "zcjd", "rsxx", "jgzn"],
        sitemap_dead=[Link("/zwgk/lsyg/", "历史专栏")],             # gone: 404
        footer_links=[Link("/wzdt/index.html", "网站地图")],
        theme={"nav": '<div class="nav">', "crumb": "position"},
        uid_base=1100000,
    ).build()


def _entry() -> Site:
    m = Maker("青山区", "青山区人民政府办公室")
    cols = [
        Col("qsyw", "青山要闻", "/sy/qsyw/", "news", items=m.run("news", "2026-11-21", 12, 2), nav=True),
        Col("tzgg", "通知公告", "/sy/tzgg/", "notice", items=m.run("notice", "2026-11-02", 6, 15),
            nav=True),
        Col("zwgk", "政务公开", "/zwgk/", None, kind="hub", nav=True),
        Col("zcwj", "政策文件", "/zwgk/zcwj/", "policy", items=m.run("policy", "2026-11-12", 5, 40),
            group="政务公开"),
        Col("rsxx", "人事信息", "/zwgk/rsxx/", "personnel", items=m.run("personnel", "2026-06-30", 3, 90),
            group="政务公开"),
    ]
    return Site(
        code="9905000003", name="江北市青山区人民政府", place="青山区", org="青山区人民政府办公室",
        level="县级", region=REGION + "青山区", site_type="门户网站", host=12,
        domain="www.qingshan.gov.cn", style="trs", date_fmt="iso", columns=cols,
        nav=["qsyw", "tzgg", "zwgk"],
        blocks=[Block("qsyw", 8), Block("tzgg", 5)],
        entry=[Link("/sy/index.html", "政府门户"), Link("/zwgk/", "政务公开"),
               Link("{ext}/zwfw/", "办事大厅")],
        theme={"nav": '<div class="nav">', "crumb": "position", "home": "/sy/index.html"},
        uid_base=1200000,
    ).build()


def _tables() -> Site:
    m = Maker("樟湖县", "樟湖县人民政府办公室")
    cols = [
        Col("zjzh", "走进樟湖", "/zjzh/", None, kind="static", nav=True,
            text="樟湖县地处江北市东南，因古樟成林、湖泊密布得名，辖9个乡镇，常住人口约二十八万。"),
        Col("gzdt", "工作动态", "/xwzx/gzdt/", "news", items=m.run("news", "2026-11-18", 10, 3,
                                                                    article="visible"), nav=True),
        Col("zwgk", "政务公开", "/zwgk/", None, kind="hub", nav=True),
        Col("tzgg", "通知公告", "/zwgk/tzgg/", "notice",
            items=m.run("notice", "2026-11-10", 8, 10, article="visible"), group="政务公开"),
        Col("zcwj", "政策文件", "/zwgk/zcwj/", "policy",
            items=m.run("policy", "2026-07-15", 6, 25, article="visible"), group="政务公开"),
        # Stale: newest 2025-06-01, more than a year before the monitoring point.
        Col("rsxx", "人事信息", "/zwgk/rsxx/", "personnel",
            items=m.run("personnel", "2025-06-01", 3, 60, article="visible"), group="政务公开"),
        Col("ghjh", "规划计划", "/zwgk/ghjh/", "plan", kind="blank", text="暂无信息", group="政务公开"),
        Col("zmhd", "政民互动", "/zmhd/", None,
            items=m.run("consultation", "2026-11-05", 4, 20, article="visible"), nav=True),
    ]
    return Site(
        code="9905000004", name="樟湖县人民政府", place="樟湖县", org="樟湖县人民政府办公室",
        level="县级", region=REGION + "樟湖县", site_type="门户网站", host=13,
        domain="www.zhanghu.gov.cn", style="table", date_fmt="iso", columns=cols,
        nav=["zjzh", "zwgk", "gzdt", "zmhd"],
        blocks=[Block("gzdt", 7), Block("tzgg", 6)],
        site_meta=False,
        uid_base=1300000,
    ).build()


def _home_items() -> Site:
    m = Maker("江北市发展和改革委员会", "江北市发展和改革委员会")
    # The headline: dated only by the article's PubDate meta (no date in its URL or on the homepage).
    yw = [Item("江北市召开优化营商环境大会部署明年重点改革任务", D("2026-11-21"), list_fmt="none",
               article="meta", url_dated=False)] + m.run("news", "2026-11-17", 8, 3)
    # Carousel slides: dated only on their article pages (two fresh, one older than 14 days).
    tpxw = [Item("市领导调研重点项目建设现场", D("2026-11-19"), url_dated=False, article="visible"),
            Item("全市秋冬季大气污染防治现场会召开", D("2026-11-09"), url_dated=False, article="both"),
            Item("江北港二期工程顺利通过竣工验收", D("2026-10-28"), url_dated=False, article="both")]
    # The ticker: dated only by the date in each article URL.
    tzgg = m.run("notice", "2026-11-18", 6, 5, article="none")
    cols = [
        Col("yw", "发改要闻", "/xwzx/yw/", "news", items=yw, nav=True),
        Col("tpxw", "图片新闻", "/xwzx/tpxw/", "news", items=tpxw, nav=True),
        Col("tzgg", "通知公告", "/tzgg/", "notice", items=tzgg, nav=True),
        # Tab panes: only their tab headings (and the articles) lead to these two.
        Col("bmdt", "部门动态", "/xwzx/bmdt/", "news", items=m.run("news", "2026-11-20", 8, 2)),
        Col("qxdt", "区县动态", "/xwzx/qxdt/", "news", items=m.run("news", "2026-11-12", 8, 4)),
    ]
    return Site(
        code="9905000005", name="江北市发展和改革委员会", place="市发改委", org="江北市发展和改革委员会",
        level="地市级", region=REGION, site_type="部门网站", host=14, domain="fgw.jiangbei.gov.cn",
        style="trs", date_fmt="iso", columns=cols, nav=["yw", "tpxw", "tzgg"],
        headline=("yw", 0), focus=[("tpxw", 0), ("tpxw", 1), ("tpxw", 2)],
        ticker=[("tzgg", 0), ("tzgg", 1), ("tzgg", 2)], tabs=[(["bmdt", "qxdt"], 5)],
        theme={"nav": '<div class="nav">', "crumb": "position", "focus": "caption"},
        uid_base=1400000,
    ).build()


SITES = [_channels, _sitemap, _entry, _tables, _home_items]
