"""The sample farm's sites, as data. truth.yaml states what a correct audit finds in them.

Every date is absolute and chosen against AS_OF = 2026-11-22:
  news window [2026-11-08, 2026-11-22], notice/policy [2026-05-22, …], personnel/plan [2025-11-22, …].
Boundary dates (11-08, 05-22, 2025-11-22 fresh; 11-07, 05-21, 2025-11-21 stale) are planted on purpose.
"""
from __future__ import annotations

from datetime import date, timedelta

from samplefarm import content, personal
from samplefarm.model import (REFUSED_URL, Block, Col, Item, Link, Site, Special)

AS_OF = date(2026, 11, 22)
# The demo and the end-to-end test probe every homepage this many times (interval 0) before the
# crawl, stamped from 08:00 UTC on the monitoring point (PROBE_HOUR): on a site failing every 10th
# homepage request that is 4 failures (10%, site_unreachable), every 40th: 1 (2.5%, 10 points).
PROBES = 40
PROBE_HOUR = 8
D = date.fromisoformat


class Maker:
    """Generates runs of items with titles from the category pools, newest first."""

    def __init__(self, place: str, org: str):
        self.place, self.org, self.i = place, org, 0

    def run(self, cat: str, newest: str, n: int, step: int, **kw) -> list[Item]:
        d0 = D(newest)
        out = []
        for k in range(n):
            out.append(Item(content.title(cat, self.i, self.place, self.org),
                            d0 - timedelta(days=step * k), **kw))
            self.i += 1
        return out

    def undated(self, cat: str, n: int) -> list[Item]:
        out = []
        for _ in range(n):
            out.append(Item(content.title(cat, self.i, self.place, self.org), None,
                            list_fmt="none", article="none", url_dated=False))
            self.i += 1
        return out


def answered(items: list[Item], days: int = 3) -> list[Item]:
    """Board messages each answered `days` after posting (every reply on or before AS_OF)."""
    for it in items:
        it.reply = it.date + timedelta(days=days)
    return items


def _link(items: list[Item], index: int, *links: Link) -> None:
    items[index].links.extend(links)


# ---- (1) 省级门户, TRS, GBK with only a <meta charset=gb2312>: healthy --------------------------
def _s1() -> Site:
    m = Maker("全省", "省政府办公厅")
    hyyw = ([Item("省政府召开全省安全生产电视电话会议", D("2026-01-10"), pinned=True)]
            + m.run("news", "2026-11-21", 44, 2)
            + [Item("省政府与䶮山集团签署战略合作协议", D("2026-11-16"))])
    bmdt = m.run("news", "2026-11-20", 25, 3)
    _link(bmdt, 3, Link("{ext}/news/2019/0101/c123.html", "华阳新闻网相关报道"))   # external 404
    sxdt = [Item("㻏川县召开冬季供暖保障工作会议", D("2026-11-08"))] + m.run("news", "2026-11-03", 11, 5)
    zcwj = m.run("policy", "2026-10-28", 20, 9)
    _link(zcwj, 0, Link("/zwgk/zcwj/202610/P020261028_001.pdf", "附件：实施方案.pdf"))
    cols = [
        Col("hyyw", "华阳要闻", "/ywdt/hyyw/", "news", paging="trs", per_page=20, items=hyyw,
            group="要闻动态", nav=True),
        Col("bmdt", "部门动态", "/ywdt/bmdt/", "news", paging="trs", per_page=20, items=bmdt,
            group="要闻动态"),
        Col("sxdt", "市县动态", "/ywdt/sxdt/", "news", items=sxdt, group="要闻动态"),
        Col("zwgk", "政务公开", "/zwgk/", None, kind="hub", nav=True),
        Col("tzgg", "通知公告", "/zwgk/tzgg/", "notice", paging="trs", items=m.run("notice", "2026-11-19", 30, 6),
            group="政务公开"),
        Col("zxfb", "最新发布", "/zwgk/zxfb/", "notice", items=m.run("notice", "2026-11-21", 6, 4),
            group="政务公开", meta_type="通知公告"),
        Col("zcwj", "政策文件", "/zwgk/zcwj/", "policy", paging="trs", items=zcwj, group="政务公开"),
        Col("zcjd", "政策解读", "/zwgk/zcjd/", "policy", items=m.run("policy", "2026-05-22", 8, 20),
            group="政务公开"),
        Col("rsrm", "人事任免", "/zwgk/rsrm/", "personnel", items=m.run("personnel", "2025-11-22", 6, 40),
            group="政务公开"),
        Col("ghjh", "规划计划", "/zwgk/ghjh/", "plan", items=m.run("plan", "2026-02-14", 5, 60),
            group="政务公开"),
        Col("hdjl", "互动交流", "/hdjl/", None, kind="hub", nav=True),
        Col("szxx", "省长信箱", "/hdjl/szxx/", "consultation", table=True,
            items=answered(m.run("consultation", "2026-11-18", 8, 10)), group="互动交流"),
        Col("yjzj", "意见征集", "/hdjl/yjzj/", "survey", items=m.run("survey", "2026-10-30", 4, 30),
            group="互动交流"),
        Col("zxft", "在线访谈", "/hdjl/zxft/", "interview", items=m.run("interview", "2026-09-15", 3, 60),
            group="互动交流"),
        Col("zjhy", "走进华阳", "/zjhy/", None, kind="hub", nav=True),
        Col("sqgk", "省情概况", "/zjhy/sqgk/", "overview", kind="static", group="走进华阳",
            text="华阳省位于我国东部沿海，辖12个设区市、96个县（市、区），全省常住人口约四千六百万。"
                 "全省地势西高东低，山地丘陵约占七成，素有“七山一水二分田”之称。"),
        Col("lxwm", "联系我们", "/zjhy/lxwm/", "static", kind="static", group="走进华阳",
            text="华阳省人民政府办公厅政务公开办公室，地址：华阳市中山路1号，邮政编码：310000。",
            static_links=[Link("mailto:zwgk@huayang.gov.cn", "zwgk@huayang.gov.cn"),
                          Link("tel:0000-87050000", "0000-87050000")]),
        Col("bszn", "办事指南", "/bsfw/bszn/", "guide", items=m.undated("guide", 6)),
    ]
    return Site(
        code="9900000001", name="华阳省人民政府", place="全省", org="华阳省人民政府办公厅",
        level="省级", region="华阳省", site_type="门户网站", host=1, domain="www.huayang.gov.cn", style="trs",
        encoding="gb18030", date_fmt="iso", columns=cols,
        nav=["hyyw", "zwgk", ("办事服务", "{ext}/zwfw/"), "hdjl", "zjhy"],
        blocks=[Block("hyyw", 7), Block("bmdt", 6), Block("tzgg", 6), Block("zcwj", 5),
                Block("zxfb", 4), Block("bszn", 5)],
        friends=[("华阳新闻网", "{ext}/"), ("中国政府网", "{ext}/zwfw/")],
        specials={"/wzsm/index.html": Special("flaky503", "第一次请求 503，之后 200")},
        extra_pages={"/wzsm/index.html": "网站声明"},
        footer_links=[Link("/wzsm/index.html", "网站声明")],
        files={"/zwgk/zcwj/202610/P020261028_001.pdf": "pdf"},
        theme={"nav": '<div class="nav">', "side": "sub-nav", "crumb": "position"},
        uid_base=100000,
    ).build()


# ---- (2) 地市级门户, Hanweb/JCMS, datastore + dataproxy: ≥5 news+notice/policy stale → veto ------
def _s2() -> Site:
    m = Maker("江北市", "市政府办公室")
    jbyw = m.run("news", "2026-11-21", 56, 2) + [
        Item("我市召开2019年春季植树造林工作会议", D("2019-03-05"),
             href="/art/2019/3/5/art_4512_9.html")]                 # dead, only in dataproxy group 2
    _link(jbyw, 2, Link("{ext}/news/2026/1120/c456.html", "华阳新闻网报道"))   # external, fine
    gsgg = m.run("notice", "2026-03-15", 10, 12)
    personal.plant(gsgg[3])                     # a 公示 with ID and phone numbers, two attachments
    tzgg = m.run("notice", "2026-05-21", 49, 4) + [
        Item("关于做好2019年度统计报表报送工作的通知（附件）", D("2019-03-05"),
             href="/attach/0/2019030512345.doc")]                  # broken attachment, record 50
    cols = [
        Col("jbyw", "江北要闻", "/col/col4512/index.html", "news", paging="hanweb", items=jbyw,
            group="新闻中心", nav=True, colid=4512),
        Col("bmdt", "部门动态", "/col/col4513/index.html", "news", paging="hanweb",
            items=m.run("news", "2026-11-07", 20, 4), group="新闻中心", colid=4513),
        Col("qxdt", "区县动态", "/col/col4514/index.html", "news", paging="hanweb",
            items=m.run("news", "2026-09-30", 18, 5), group="新闻中心", colid=4514),
        Col("tpxw", "图片新闻", "/col/col4515/index.html", "news", paging="hanweb",
            items=m.run("news", "2026-11-18", 6, 4), group="新闻中心", colid=4515),
        Col("zwgk", "政务公开", "/col/col4520/index.html", None, kind="hub", nav=True, colid=4520),
        Col("tzgg", "通知公告", "/col/col4521/index.html", "notice", paging="hanweb", items=tzgg,
            group="政务公开", colid=4521),
        Col("gsgg", "公示公告", "/col/col4522/index.html", "notice", paging="hanweb",
            items=gsgg, group="政务公开", colid=4522),
        Col("zcwj", "政策文件", "/col/col4523/index.html", "policy", paging="hanweb",
            items=m.run("policy", "2026-11-12", 15, 10), group="政务公开", colid=4523),
        Col("zcjd", "政策解读", "/col/col4524/index.html", "policy", paging="hanweb",
            items=m.run("policy", "2025-12-01", 9, 20), group="政务公开", colid=4524),
        Col("gfxwj", "规范性文件", "/col/col4525/index.html", "policy", paging="hanweb",
            items=m.undated("policy", 7), group="政务公开", colid=4525),
        Col("rsxx", "人事信息", "/col/col4526/index.html", "personnel", paging="hanweb",
            items=m.run("personnel", "2025-11-21", 4, 60), group="政务公开", colid=4526),
        Col("ghjh", "规划计划", "/col/col4527/index.html", "plan", paging="hanweb",
            items=m.run("plan", "2026-01-20", 3, 90), group="政务公开", colid=4527),
        Col("hdjl", "互动交流", "/col/col4540/index.html", None, kind="hub", nav=True, colid=4540),
        Col("szxx", "市长信箱", "/col/col4541/index.html", "consultation", paging="hanweb",
            items=answered(m.run("consultation", "2026-11-15", 10, 9)), group="互动交流", colid=4541),
        Col("zxft", "在线访谈", "/col/col4542/index.html", "interview", paging="hanweb",
            items=m.run("interview", "2026-06-18", 2, 90), group="互动交流", colid=4542),
        Col("zjjb", "走进江北", "/col/col4550/index.html", None, kind="static", nav=True, colid=4550,
            text="江北市地处华阳省北部，东临大海，西接丘陵，辖3个区、4个县，总面积约八千平方公里。"
                 "江北历史悠久，是国家历史文化名城。"),
    ]
    return Site(
        code="9901000001", name="江北市人民政府", place="江北市", org="江北市人民政府办公室",
        level="地市级", region="华阳省江北市", site_type="门户网站", host=2, domain="www.jiangbei.gov.cn", style="hanweb",
        date_fmt="iso", columns=cols,
        nav=["jbyw", "zwgk", ("政务服务", "{ext}/zwfw/"), "hdjl", "zjjb"],
        blocks=[Block("jbyw", 8), Block("tpxw", 4), Block("tzgg", 6), Block("zcwj", 5)],
        home_links=[Link("/picture/0/2411201530158.jpg", "专题图片", "img")],   # broken image
        friends=[("华阳省人民政府", "http://127.0.1.1:{port}/"), ("华阳新闻网", "{ext}/")],
        theme={"nav": '<div id="menu">', "side": "leftnav", "crumb": "dqwz"},
        files=dict(personal.FILES), leaks=list(personal.LEAKS), masked=list(personal.MASKED),
        uid_base=200000,
    ).build()


# ---- (3) 县级门户: homepage has nothing dated in the last 14 days → veto -------------------------
def _s3() -> Site:
    m = Maker("清河县", "县政府办公室")
    xzyw = m.run("news", "2026-11-05", 24, 3, article="visible")
    _link(xzyw, 2, Link("/xwzx/201712/t20171201_33.html", "相关阅读：我县召开冬季安全生产工作会议"))
    _link(xzyw, 4, Link("/xwzx/xzyw/201806/t20180620_8821.html", "相关阅读：县领导调研防汛工作"))
    tzgg = ([Item("关于开展2025年度全县安全生产大检查的通知", D("2025-11-20"), pinned=True)]
            + m.run("notice", "2026-10-16", 11, 14))
    cols = [
        Col("xzyw", "县政要闻", "/xwzx/xzyw/", "news", paging="trs", per_page=12, items=xzyw,
            group="新闻中心", nav=True),
        Col("xzdt", "乡镇动态", "/xwzx/xzdt/", "news", items=m.run("news", "2026-11-02", 15, 5, article="none"),
            group="新闻中心"),
        Col("zwgk", "政务公开", "/zwgk/", None, kind="hub", nav=True,
            page_links={1: [Link("/zwgk/xxgkml/index.html", "信息公开目录")]}),
        Col("tzgg", "通知公告", "/zwgk/tzgg/", "notice", items=tzgg, group="政务公开"),
        Col("zcwj", "政策文件", "/zwgk/zcwj/", "policy", items=m.undated("policy", 6), group="政务公开"),
        Col("rsrm", "人事任免", "/zwgk/rsrm/", "personnel", items=m.run("personnel", "2026-04-10", 5, 50),
            group="政务公开"),
        Col("ghjh", "规划计划", "/zwgk/ghjh/", "plan", items=m.run("plan", "2025-09-30", 4, 100),
            group="政务公开"),
        Col("xzxx", "县长信箱", "/hdjl/xzxx/", "consultation", table=True, nav=True,
            items=answered(m.run("consultation", "2026-11-12", 6, 12))),
        Col("xqgk", "县情概况", "/zjqh/xqgk/", "overview", kind="static", nav=True,
            text="清河县位于江北市西部，县域面积一千二百平方公里，辖8个镇、3个乡，常住人口约三十五万。"
                 "境内清河自西向东穿城而过，是省级生态县。"),
        Col("ztzl", "专题专栏", "/ztzl/", None, kind="blank", text="栏目建设中", nav=True),
    ]
    return Site(
        code="9901230001", name="清河县人民政府", place="清河县", org="清河县人民政府办公室",
        level="县级", region="华阳省江北市清河县", site_type="门户网站", host=3, domain="www.qinghe.gov.cn", style="trs",
        date_fmt="cn", columns=cols,
        nav=["xzyw", "zwgk", "xzxx", "xqgk", "ztzl"],
        blocks=[Block("xzyw", 7, "partial"), Block("tzgg", 6, "partial"), Block("xzdt", 5, "none")],
        home_links=[Link("/zwgk/xxgkml/index.html", "信息公开目录")],
        specials={"/xwzx/201712/t20171201_33.html": Special("410"),
                  "/xwzx/xzyw/201806/t20180620_8821.html": Special("soft404", "信息已删除")},
        friends=[("江北市人民政府", "http://127.0.1.2:{port}/")],
        theme={"nav": '<div class="daohang">', "side": "left-sub", "crumb": "dqwz"},
        uid_base=300000,
    ).build()


# ---- (4) 部门网站, Hanweb: ≥5 blank columns → veto ----------------------------------------------
def _s4() -> Site:
    m = Maker("市生态环境局", "市生态环境局")
    gzdt = m.run("news", "2026-11-20", 20, 2)
    _link(gzdt, 3, Link("/art/2018/6/1/art_6101_88.html", "相关阅读：2018年环境状况公报"))
    cols = [
        Col("gzdt", "工作动态", "/col/col6101/index.html", "news", paging="hanweb", items=gzdt, nav=True,
            colid=6101),
        Col("xxgk", "信息公开", "/col/col6100/index.html", None, kind="hub", nav=True, colid=6100),
        Col("tzgg", "通知公告", "/col/col6102/index.html", "notice", paging="hanweb",
            items=m.run("notice", "2026-09-15", 10, 15), group="信息公开", colid=6102),
        Col("zcjd", "政策解读", "/col/col6103/index.html", "policy", kind="blank", paging="hanweb",
            group="信息公开", colid=6103),                                  # empty datastore
        Col("rsxx", "人事信息", "/col/col6104/index.html", "personnel", kind="blank", text="栏目建设中",
            group="信息公开", colid=6104),
        Col("ghjh", "规划计划", "/col/col6105/index.html", "plan", kind="blank", text="暂无内容",
            group="信息公开", colid=6105),
        Col("hjzl", "环境质量", "/col/col6106/index.html", None, kind="blank", text="暂无信息",
            group="信息公开", colid=6106),
        Col("hpsp", "环评审批", "/col/col6107/index.html", None, kind="blank", text="暂无信息",
            group="信息公开", colid=6107),
        Col("xzcf", "行政处罚", "/col/col6108/index.html", None, paging="hanweb",
            items=m.run("notice", "2026-08-20", 6, 20), group="信息公开", colid=6108),
        Col("jzxx", "局长信箱", "/col/col6110/index.html", "consultation", paging="hanweb", nav=True,
            items=answered(m.run("consultation", "2026-10-28", 5, 20)), colid=6110),
        Col("jgzn", "机构职能", "/col/col6109/index.html", "functions", kind="static", nav=True, colid=6109,
            text="江北市生态环境局是市政府工作部门，负责建立健全生态环境基本制度，"
                 "统筹协调和监督管理全市重大生态环境问题，承担环境污染防治的监督管理责任。"),
    ]
    return Site(
        code="9901000012", name="江北市生态环境局", place="市生态环境局", org="江北市生态环境局",
        level="地市级", region="华阳省江北市", site_type="部门网站", host=4, domain="sthjj.jiangbei.gov.cn", style="hanweb",
        date_fmt="slash", columns=cols,
        nav=["gzdt", "xxgk", "jzxx", "jgzn"],
        blocks=[Block("gzdt", 8), Block("tzgg", 5)],
        home_links=[Link("http://127.0.1.7:{port}/", "清河县教育局")],      # the down site: refused
        specials={"/art/2018/6/1/art_6101_88.html": Special("redirect404")},
        site_meta=False,
        theme={"nav": '<ul id="menu">', "side": "subnav", "crumb": "dqwz"},
        uid_base=400000,
    ).build()


# ---- (5) 部门网站, TRS: dead links of every kind, crawler traps, stale personnel/plan -------------
def _s5() -> Site:
    m = Maker("市交通运输局", "市交通运输局")
    gzdt = m.run("news", "2026-11-21", 40, 2)
    _link(gzdt, 1, Link("/jtdt/map.html", "交通地图"))                        # also on the homepage
    for k in (2, 5, 8):                                                       # one target, 3 pages
        _link(gzdt, k, Link("/zwgk/old/t20180506_112.html", "相关文件"))
    _link(gzdt, 6, Link("/slow/report.html", "年度统计报告"))                  # sleeps 30 s
    _link(gzdt, 9, Link("/gzdt/content_8812.html", "相关阅读"))               # 200 "信息已删除"
    _link(gzdt, 12, Link("{ext}/news/2019/0101/c123.html", "华阳新闻网报道"))  # external 404
    tzgg = m.run("notice", "2026-11-10", 43, 9) + [
        Item("关于公布2019年度道路运输企业质量信誉考核结果的通知", D("2019-05-10"),
             href="/tzgg/201905/t20190510_777.html"),                        # 410, list page 3
        Item("关于做好2019年春运工作的通知（附件）", D("2019-03-12"), href="./P020190312_abc.doc"),
    ]
    _link(tzgg, 0, Link("/tzgg/202611/P020261110_001.doc", "附件1：申请表.doc"),
          Link("/tzgg/202611/P020261110_003.xls", "附件2：汇总表.xls"))
    _link(tzgg, 3, Link("/tzgg/202610/P020261014_002.pdf", "附件：实施细则.pdf"))
    cols = [
        Col("gzdt", "工作动态", "/gzdt/", "news", paging="trs", per_page=20, items=gzdt, nav=True,
            page_links={2: [Link("/images/2018/pic_01.jpg", "", "img")]}),
        Col("jtkx", "交通快讯", "/jtkx/", "news",
            items=m.run("news", "2026-11-19", 8, 5, list_fmt="none", article="none")),
        Col("tzgg", "通知公告", "/tzgg/", "notice", paging="trs", table=True, items=tzgg, nav=True),
        Col("xxgk", "信息公开", "/xxgk/", None, kind="hub", nav=True),
        Col("zcfg", "政策法规", "/xxgk/zcfg/", "policy", items=m.run("policy", "2026-07-01", 10, 20),
            group="信息公开"),
        Col("rsxx", "人事信息", "/xxgk/rsxx/", "personnel", items=m.run("personnel", "2025-10-15", 5, 60),
            group="信息公开"),
        Col("ghjh", "规划计划", "/xxgk/ghjh/", "plan", items=m.run("plan", "2025-03-01", 4, 120),
            group="信息公开",
            page_links={1: [Link("/xxgk/ghjh/old_plan.html", "2018年度工作计划（已归档）")]}),
        Col("hdjl", "互动交流", "/hdjl/index.jsp", "consultation", table=True, nav=True,
            meta_type="互动交流", session="jsessionid",
            items=answered(m.run("consultation", "2026-11-06", 6, 15)),
            page_links={1: [Link("/hdjl/index.jsp?sid=@@SID@@", "刷新"),
                            Link("/hdjl/write.jsp;jsessionid=@@JSID@@", "我要写信")]}),
        Col("jgzn", "机构职能", "/jgzn/", "functions", kind="static", nav=True,
            text="江北市交通运输局负责全市公路、水路交通运输行业管理，拟订并组织实施交通运输发展规划，"
                 "承担道路、水路运输市场监管责任，指导城市公共交通运营管理。"),
        Col("bszn", "办事指南", "/bszn/", "guide", items=m.undated("guide", 5)),
        # 公示公告: no nav entry, no group (so no sidebar or hub lists it), and its homepage block
        # has no 更多 link. Only its articles are linked (from that block); each carries
        # <meta name="ColumnName" content="公示公告"> and a breadcrumb linking /gsgg/: the one
        # route to the column. Newest 2026-10-26: fresh (6-month window), but older than 14 days,
        # so the homepage block adds no homepage update. Last in the list: no other column's
        # titles or article ids move.
        Col("gsgg", "公示公告", "/gsgg/", "notice", items=m.run("notice", "2026-10-26", 5, 15)),
    ]
    return Site(
        code="9901000023", name="江北市交通运输局", place="市交通运输局", org="江北市交通运输局",
        level="地市级", region="华阳省江北市", site_type="部门网站", host=5, domain="jtj.jiangbei.gov.cn", style="trs",
        date_fmt="slash", columns=cols,
        nav=["gzdt", "tzgg", "xxgk", "hdjl", "jgzn"],
        blocks=[Block("gzdt", 10), Block("tzgg", 6), Block("jtkx", 4, "none"), Block("bszn", 4),
                Block("gsgg", 3, more=False)],
        home_links=[Link("/jtdt/map.html", "交通地图"),                       # unknown → own 200 page
                    Link("/images/banner_2019.jpg", "", "img"),              # unknown → own 200 page
                    Link("{ext}/jtxx/index.html", "全国交通运输信息网"),       # external 404
                    Link(REFUSED_URL, "智慧交通平台"),                        # connection refused
                    Link("/gjcx/query.jsp", "公交查询"),                      # persistent 500
                    Link("http://www..jiangbei.gov.cn/index.html", "江北市人民政府")],   # bad host
        calendar=True, unknown="custom200",
        # 发展指引's marks: no ICP number, no 党政机关 mark, no 找错 entry, a copied 网站标识码
        marks_left_out=["icp", "conac", "error_report"], footer_code="9901000032",
        specials={"/gjcx/query.jsp": Special("500"),
                  "/zwgk/old/t20180506_112.html": Special("404"),
                  "/tzgg/201905/t20190510_777.html": Special("410"),
                  "/slow/report.html": Special("slow"),
                  "/xxgk/ghjh/old_plan.html": Special("redirect404"),
                  "/gzdt/content_8812.html": Special("soft404", "信息已删除"),
                  "/images/2018/pic_01.jpg": Special("404"),
                  "/tzgg/202611/P020261110_001.doc": Special("404"),
                  "/tzgg/202610/P020261014_002.pdf": Special("soft404", "页面不存在"),
                  "/tzgg/P020190312_abc.doc": Special("404")},
        files={"/tzgg/202611/P020261110_003.xls": "xls"},
        extra_pages={"/hdjl/write.jsp": "我要写信"},
        theme={"nav": '<div class="menu">', "side": "side-nav", "crumb": "location"},
        uid_base=500000,
    ).build()


# ---- (6) 乡镇, ?page=N and 下一页 paging: stale columns below the veto line, 9 homepage updates --
def _s6() -> Site:
    m = Maker("柳林镇", "柳林镇人民政府")
    lldt = m.run("news", "2026-11-19", 29, 1, list_fmt="partial", article="visible") + [
        Item("柳林镇召开2018年度总结表彰大会", D("2018-06-01"), href="/xwdt/201806/t20180601_301.html")]
    cols = [
        Col("lldt", "柳林动态", "/xwdt/list.html", "news", paging="page", per_page=12, items=lldt,
            group="新闻动态", nav=True),
        Col("gzdt", "工作动态", "/gzdt/index.htm", "news", paging="next", per_page=10,
            items=m.run("news", "2026-10-20", 22, 6), group="新闻动态", nav=True,
            page_links={2: [Link("/images/2019/gzdt_02.jpg", "", "img")]}),
        Col("tzgg", "通知公告", "/tzgg/index.htm", "notice", paging="next", per_page=10,
            items=m.run("notice", "2026-04-30", 8, 20), group="政务公开", nav=True),
        Col("zcwj", "政策文件", "/zcwj/list.html", "policy", paging="page", per_page=10,
            items=m.run("policy", "2026-09-01", 14, 15), group="政务公开", nav=True),
        Col("rsxx", "人事信息", "/rsxx/", "personnel", items=m.run("personnel", "2026-02-01", 3, 90),
            group="政务公开"),
        Col("ghjh", "工作计划", "/ghjh/", "plan", items=m.run("plan", "2025-06-30", 3, 120),
            group="政务公开"),
        Col("zzxx", "镇长信箱", "/zzxx/", "consultation", table=True, nav=True,
            items=answered(m.run("consultation", "2026-10-08", 4, 30))),
        Col("zqgk", "镇情概况", "/zqgk/", "overview", kind="static", nav=True,
            text="柳林镇位于清河县东部，辖16个行政村、2个社区，总人口约三万二千人，"
                 "以优质稻米和特色林果为主导产业，是县域商贸重镇。"),
        Col("mlxc", "美丽乡村", "/mlxc/", None, kind="blank", text="", nav=True),
    ]
    return Site(
        code="9901230101", name="清河县柳林镇人民政府", place="柳林镇", org="清河县柳林镇人民政府",
        level="乡镇", region="华阳省江北市清河县", site_type="门户网站", host=6, domain="liulin.qinghe.gov.cn", style="trs",
        date_fmt="dot", columns=cols,
        nav=["lldt", "gzdt", "tzgg", "zcwj", "zzxx", "zqgk", "mlxc"],
        blocks=[Block("lldt", 9), Block("gzdt", 5), Block("tzgg", 5), Block("zcwj", 4)],
        focus=[("lldt", 0), ("lldt", 1)],
        home_links=[Link("/ztzl/xczx/", "乡村振兴专题"), Link("/images/zt_xczx.jpg", "", "img")],
        files={"/images/zt_xczx.jpg": "jpg"},
        site_meta=False,
        theme={"nav": "<nav>", "side": "sidebar", "crumb": "crumb", "home": "/index.html"},
        uid_base=600000,
    ).build()


# ---- (7) registered but down: nothing listens on its address --------------------------------
def _s7() -> Site:
    return Site(code="9901230015", name="清河县教育局", place="清河县教育局", org="清河县教育局",
                level="县级", region="华阳省江北市清河县", site_type="部门网站", host=7, domain="jyj.qinghe.gov.cn", down=True)


# Sites added for later features live in their own modules (spec_<topic>.py, each with a
# SITES list of builder functions and a truth_<topic>.yaml beside it), so they grow independently.
EXTRA_SPEC_MODULES: list[str] = ["spec_fidelity", "spec_lists", "spec_interaction", "spec_services", "spec_robust",
                                  "spec_columns", "spec_div", "spec_https"]


def sites() -> list[Site]:
    """Fresh site objects (built anew each call, so callers may not share mutable state)."""
    import importlib
    out = [_s1(), _s2(), _s3(), _s4(), _s5(), _s6(), _s7()]
    for name in EXTRA_SPEC_MODULES:
        out += [build() for build in importlib.import_module(f"samplefarm.{name}").SITES]
    return out


# The unregistered external host: these paths answer 200, every other path 404.
EXT_PAGES = {
    "/": "华阳新闻网",
    "/zwfw/": "华阳政务服务网",
    "/check_web/errorInfo_querySiteId.action": "政府网站找错",
    "/news/2026/1120/c456.html": "江北市持续推进优化营商环境工作",
}
