"""Sample sites for the paging forms, script-written attachments and mislabelled encodings real
CMSs emit (issue 5, lists). Truth: truth_lists.yaml (hand-written). Hosts 127.0.1.50-51.

  (50) TRS site served as GBK bytes whose pages declare <meta charset="UTF-8">; its 工作动态 list
       is paged by the template's own countPage/nextPage script (no createPageHTML) and carries a
       dead link on its last page only; a 通知公告 article writes its attachments by script
       (var hasFJ='<a href=…>'), one of them gone; every page ends with a 栏目 menu whose class
       names nothing (<div class="dhlm"><ul><li><a>…), and 规划计划 says only 暂无信息 above it.
  (51) JCMS site whose list keeps its first 45 records in a JS array (InitData51010=[…]) paged by
       $('#51010').jpage({…proxyUrl, ajaxParam…}); a removed article is linked only from the
       records the pager fetches (52nd of 60).
"""
from __future__ import annotations

from samplefarm.model import Block, Col, Item, Link, Site
from samplefarm.spec import D, Maker

REGION = "华阳省江北市"


def _trs_inline() -> Site:
    m = Maker("江北市财政局", "江北市财政局")
    tzgg = m.run("notice", "2026-11-10", 8, 12)
    tzgg[0].links += [Link("/tzgg/202611/P020261110_001.doc", "附件1：实施细则.doc", tag="fj"),
                      Link("/tzgg/202611/P020261110_002.xlsx", "附件2：申报表.xlsx", tag="fj")]  # gone
    cols = [
        # 25 items, 10 a page: index.html, index_1.html, index_2.html (the dead link is on the last).
        Col("gzdt", "工作动态", "/gzdt/", "news", paging="trs_inline", per_page=10,
            items=m.run("news", "2026-11-20", 25, 3), nav=True,
            page_links={3: [Link("/gzdt/201901/t20190110_1.html", "2019年财政工作会议召开")]}),
        Col("tzgg", "通知公告", "/tzgg/", "notice", items=tzgg, nav=True),
        Col("zcwj", "政策文件", "/zcwj/", "policy", items=m.run("policy", "2026-04-30", 6, 30), nav=True),
        # Says only 暂无信息 — under the 栏目 menu every page carries.
        Col("ghjh", "规划计划", "/ghjh/", "plan", kind="blank", text="暂无信息", nav=True),
    ]
    return Site(
        code="9905500001", name="江北市财政局", place="江北市财政局", org="江北市财政局",
        level="地市级", region=REGION, site_type="部门网站", host=50, domain="czj.jiangbei.gov.cn",
        style="trs", encoding="gbk-as-utf8", date_fmt="iso", columns=cols,
        nav=["gzdt", "tzgg", "zcwj", "ghjh"], blocks=[Block("gzdt", 6), Block("tzgg", 5)],
        files={"/tzgg/202611/P020261110_001.doc": "doc"},
        theme={"nav": '<div class="nav">', "crumb": "position",
               "column_menu": [("江北市政务服务网", "{ext}/zwfw/")]},
        uid_base=5000000,
    ).build()


def _jpage() -> Site:
    m = Maker("江北市商务局", "江北市商务局")
    gzdt = m.run("news", "2026-11-19", 59, 2) + [
        Item("我市召开2019年商务工作会议", D("2026-08-07"), href="/art/2019/1/8/art_5101_7.html")]
    cols = [
        Col("gzdt", "工作动态", "/col/col5101/index.html", "news", paging="jpage", items=gzdt,
            nav=True, colid=5101),
        Col("tzgg", "通知公告", "/col/col5102/index.html", "notice", paging="hanweb",
            items=m.run("notice", "2026-10-30", 12, 9), nav=True, colid=5102),
    ]
    return Site(
        code="9905500002", name="江北市商务局", place="江北市商务局", org="江北市商务局",
        level="地市级", region=REGION, site_type="部门网站", host=51, domain="swj.jiangbei.gov.cn",
        style="hanweb", date_fmt="iso", columns=cols, nav=["gzdt", "tzgg"],
        blocks=[Block("gzdt", 8), Block("tzgg", 5)],
        uid_base=5100000,
    ).build()


SITES = [_trs_inline, _jpage]
