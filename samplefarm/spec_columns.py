"""Sample sites for what a column is (issue 24, items 1–5). Hosts 127.0.1.70–71, codes 99240000xx.
Truth: truth_columns.yaml (hand-written).

  (70) an ASP portal (ShowArticle.asp?ArticleID=N): a 头条 drawn as a heading linking one article
       (<div class="headline"><h2><a>…</a></h2><p>… [详细]</p></div>), five online service hall
       links (网上办事大厅, 个人办事/法人办事/部门服务, 办件查询: .jsp/.do with a jsessionid, empty
       application shells), a 互动交流 channel page (ColumnType 互动交流) whose blocks lead to
       领导信箱, 在线咨询 and 征集调查, and a board that shows 已回复 without a reply date, its
       letters drawn as label/value tables (no colon) — one was answered 140 days late; an
       在线咨询 board one of whose answered messages shows no 留言时间, in the list or on its page;
       the 2019 columns 县情概况 (更新时间 inside the year), 机构职能 (更新时间 2024-05-10: stale) and
       统计数据 (newest 2026-03-31: stale past 6 months); a homepage search form whose results page
       lists the site's own titles under 全部/信息公开/办事服务/互动交流 tabs
  (71) a portal whose homepage fails three requests in every ten, in a row: the monitoring week's
       probes give 站点无法访问, and the crawl reaches it only by retrying with backoff
"""
from __future__ import annotations

from samplefarm.model import Block, Col, Link, Site
from samplefarm.spec import Maker
from samplefarm.spec_interaction import dated, messages

JSID = ";jsessionid=7D3F0A9C21B4E5"


def _asp_portal() -> Site:
    m = Maker("长河县", "长河县人民政府")
    gzdt = m.run("news", "2026-11-21", 12, 2)
    # The 头条: the 7th 工作动态 article (11-09), not in the homepage's block of six; a short title
    # that reads like a column name to anything judging by where the link stands.
    gzdt[6].title = "县长调研春耕备耕工作"
    board = messages(m, [
        ("2026-11-16", "2026-11-18"), ("2026-10-08", "2026-10-12"),
        ("2026-07-01", None, "in_progress"),          # 144 days 办理中: overdue
        ("2026-03-02", "2026-07-20"),                 # 已回复 in the list; the letter: 140 days late
        ("2026-01-10", "2026-01-15"), ("2025-09-01", "2025-09-03"),
    ])
    cols = [
        Col("gzdt", "工作动态", "/gzdt/", "news", items=gzdt, nav=True),
        Col("tzgg", "通知公告", "/tzgg/", "notice", items=m.run("notice", "2026-11-10", 6, 15),
            nav=True),
        # A channel page: blocks of sub-columns; its ColumnType meta says 互动交流, yet it is no
        # consultation column (a channel belongs to no leaf category).
        Col("hdjl", "互动交流", "/hdjl/", None, kind="hub", nav=True, meta_type="互动交流"),
        Col("ldxx", "领导信箱", "/hdjl/ldxx/", "consultation", group="互动交流", board="status",
            items=board),
        Col("zxzx", "在线咨询", "/hdjl/zxzx/", "consultation", group="互动交流", board="badge",
            # the last one is published without its 留言时间 (list and letter), answered 06-10
            items=messages(m, [("2026-11-02", "2026-11-05"), ("2026-05-20", "2026-05-22"),
                               (None, "2026-06-10")])),
        Col("zjdc", "征集调查", "/hdjl/zjdc/", "survey", group="互动交流",
            items=dated(m, "survey", ["2026-10-15", "2026-06-01", "2026-02-20"])),
        # The 2019 columns, with their freshness: 县情概况 updated 06-18 (inside a year), 机构职能
        # last updated 2024-05-10 (stale), 统计数据 newest 2026-03-31 (past 6 months: stale).
        Col("xqgk", "县情概况", "/zjch/xqgk/", "overview", kind="static", nav=True,
            text="长河县位于华阳省东部，辖 8 个镇、3 个乡，总面积 1260 平方公里。更新时间：2026-06-18"),
        Col("jgzn", "机构职能", "/zjch/jgzn/", "functions", kind="static", nav=True,
            text="长河县人民政府是县级国家行政机关，负责执行县人民代表大会及其常务委员会的决议。"
                 "更新时间：2024-05-10"),
        Col("tjsj", "统计数据", "/sjfb/tjsj/", "data", nav=True,
            items=dated(m, "news", ["2026-03-31", "2025-12-31", "2025-09-30"])),
    ]
    hall = [("/wsbsdt/index.jsp", "网上办事大厅"), ("/wsbsdt/grbs.jsp", "个人办事"),
            ("/wsbsdt/frbs.jsp", "法人办事"), ("/wsbsdt/bmfw.do", "部门服务"),
            ("/wsbsdt/bjcx.do", "办件查询")]
    return Site(
        code="9924000001", name="长河县人民政府", place="长河县", org="长河县人民政府",
        level="县级", region="华阳省云岭市长河县", site_type="门户网站", host=70,
        domain="www.changhe.gov.cn", style="trs", columns=cols, nav=["gzdt", "tzgg", "hdjl", "xqgk", "jgzn", "tjsj"],
        blocks=[Block("gzdt", 6), Block("tzgg", 5)], headline=("gzdt", 6),
        home_links=[Link(path + JSID, text, online=True) for path, text in hall],
        app_pages=dict(hall),
        theme={"article": "asp", "headline": "div", "letter": "table"}, uid_base=2400000,
        search="categorised",
    ).build()


def _flaky_backoff() -> Site:
    m = Maker("白石县", "白石县人民政府")
    cols = [
        Col("gzdt", "工作动态", "/gzdt/", "news", items=m.run("news", "2026-11-20", 10, 2), nav=True),
        # Stale: newest 2026-04-01, past the 6-month limit; the notice must still list it.
        Col("tzgg", "通知公告", "/tzgg/", "notice", items=m.run("notice", "2026-04-01", 4, 30),
            nav=True),
    ]
    return Site(
        code="9924000002", name="白石县人民政府", place="白石县", org="白石县人民政府",
        level="县级", region="华阳省云岭市白石县", site_type="门户网站", host=71,
        domain="www.baishi.gov.cn", style="trs", columns=cols, nav=["gzdt", "tzgg"],
        blocks=[Block("gzdt", 8), Block("tzgg", 4)],
        # Three requests for '/' in every ten fail (40 in a row meet 12 failures), the cycle placed
        # so that the crawl's first two homepage requests (41, 42) fail and the third answers.
        fail_every=10, fail_run=3, fail_offset=8, uid_base=2410000,
    ).build()


SITES = [_asp_portal, _flaky_backoff]
