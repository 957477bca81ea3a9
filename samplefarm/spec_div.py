"""Sample sites of a county CMS family drawn with <div>s (issue 24, items 6-10; render_div.py).
Truth: truth_div.yaml (hand-written). Hosts 127.0.1.60-62.

  (60) 清河县人民政府: <div> rows; 工作动态 paged by `var maxPageNum` beside three hidden
       index_958_N.html links (8 pages), 通知公告 by a 末页 link after a script 下一页 with
       共20条记录 1/4页 (a removed article linked from page 3 only), 政策文件 by a page-number
       <select>; its 政务公开 menu entry owns a drop-down; breadcrumbs after an icon with
       <span>></span> separators.
  (61) 清河县教育局: <p> rows; 教育动态 shows no dates anywhere but on its articles, which were
       republished on 2026-11-18 (their PubDate meta) and say they were published in October:
       the homepage has no update in 14 days (网站不更新) and 教育动态 is stale; 通知公告 is paged
       list-2.html, list-3.html by 共15条记录 1/3页, a 首页 link to list-1.html, a script 下一页 and
       a 末页 link (a removed article linked from page 2 only); breadcrumbs are
       <dd><strong>当前位置：</strong>首页 &gt;&gt; ….
  (62) 清河县财政局: <span> rows; 财政动态 paged by maxPageNum (6 pages); breadcrumbs are adjacent
       <li><a> crumbs whose separators CSS draws.
Every page has a login greeting in a display:none block and a logo linking /default.html.
"""
from __future__ import annotations

from samplefarm.model import Block, Col, Link, Site
from samplefarm.spec import D, Maker

REGION = "华阳省江北市清河县"


def _county() -> Site:
    m = Maker("清河县", "清河县人民政府")
    tzgg = m.run("notice", "2026-11-12", 20, 9)
    zcwj = m.run("policy", "2026-10-20", 10, 12)
    cols = [
        Col("zwgk", "政务公开", "/zwgk/", None, kind="hub", nav=True, group="政务公开"),
        # 40 items, 5 a page: index_958.html … index_958_8.html; pages 2-4 linked (hidden).
        Col("gzdt", "工作动态", "/zwgk/gzdt/", "news", paging="maxpage", per_page=5, colid=958,
            items=m.run("news", "2026-11-20", 40, 3), group="政务公开"),
        # 20 items, 6 a page: list_2.html … list_4.html; the removed article is on page 3.
        Col("tzgg", "通知公告", "/zwgk/tzgg/", "notice", paging="last", per_page=6, items=tzgg,
            group="政务公开",
            page_links={3: [Link("/zwgk/tzgg/201905/t20190510_1.html", "关于2019年春耕备耕的通知")]}),
        Col("zcwj", "政策文件", "/zwgk/zcwj/", "policy", paging="select", per_page=4, items=zcwj,
            group="政务公开"),
        Col("rsxx", "人事信息", "/rsxx/", "personnel", items=m.run("personnel", "2026-09-01", 6, 40),
            nav=True),
    ]
    return Site(
        code="9908000001", name="清河县人民政府", place="清河县", org="清河县人民政府",
        level="县级", region=REGION, site_type="门户网站", host=60, domain="www.qinghe.gov.cn",
        style="div", date_fmt="iso", columns=cols, nav=["zwgk", "rsxx"],
        blocks=[Block("gzdt", 6), Block("tzgg", 5)],
        theme={"rows": "div", "crumb": "icon"}, uid_base=6000000,
    ).build()


def _education() -> Site:
    m = Maker("清河县", "清河县教育局")
    jydt = m.run("news", "2026-10-30", 12, 5, list_fmt="none", url_dated=False)
    for it in jydt:
        it.republished = D("2026-11-18")    # the PubDate meta: the day the CMS copied them over
    cols = [
        Col("jydt", "教育动态", "/jydt/", "news", items=jydt, nav=True),
        # 15 items, 5 a page: list.html, list-2.html, list-3.html; page 2 is linked nowhere (a
        # script 下一页) and alone links a removed article.
        Col("tzgg", "通知公告", "/tzgg/list.html", "notice", paging="hyphen", per_page=5,
            items=m.run("notice", "2026-11-02", 15, 10), nav=True,
            page_links={2: [Link("/tzgg/201806/t20180601_1.html", "关于2018年暑期学生安全教育的通知")]}),
    ]
    return Site(
        code="9908000002", name="清河县教育局", place="清河县", org="清河县教育局",
        level="县级", region=REGION, site_type="部门网站", host=61, domain="jyj.qinghe.gov.cn",
        style="div", date_fmt="iso", columns=cols, nav=["jydt", "tzgg"],
        blocks=[Block("jydt", 6, date_style="none"), Block("tzgg", 5)],
        theme={"rows": "p", "crumb": "dd"}, uid_base=6100000,
    ).build()


def _finance() -> Site:
    m = Maker("清河县", "清河县财政局")
    cols = [
        Col("czdt", "财政动态", "/czdt/", "news", paging="maxpage", per_page=5, colid=962,
            items=m.run("news", "2026-11-21", 30, 2), nav=True),
        Col("zcfg", "政策法规", "/zcfg/", "policy", items=m.run("policy", "2026-08-10", 8, 20),
            nav=True),
    ]
    return Site(
        code="9908000003", name="清河县财政局", place="清河县", org="清河县财政局",
        level="县级", region=REGION, site_type="部门网站", host=62, domain="czj.qinghe.gov.cn",
        style="div", date_fmt="iso", columns=cols, nav=["czdt", "zcfg"],
        blocks=[Block("czdt", 8), Block("zcfg", 5)],
        theme={"rows": "span", "crumb": "li"}, uid_base=6200000,
    ).build()


SITES = [_county, _education, _finance]
