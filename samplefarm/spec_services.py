"""Sample sites for service guides, online systems and serious errors (issue 7).

Hosts 127.0.1.30–33, site codes 9907000001–04. Ground truth: truth_services.yaml.
  30  guides (all eight elements; synonyms; empty elements; missing ones; a dead form reached only
      from a guide page) and online systems (working, dead, refused, a login-error page)
  31  serious errors: a misspelt protected term in a title and in an attachment's link text, and
      hidden gambling links injected into an otherwise normal article
  32  clean: long government text full of correct protected terms, near-homophones and legitimate
      words from the spam lexicon (打击网络赌博 …); must stay clean
  33  healthy but for one misspelling in an article body: the demo's review round trip
"""
from __future__ import annotations

from samplefarm.model import REFUSED_URL, Block, Col, Item, Link, Site, Special
from samplefarm.spec import Maker

ALL8 = ("name", "basis", "condition", "materials", "place", "time", "phone", "process")


def _base(m: Maker, news_newest: str = "2026-11-21") -> list[Col]:
    """A news column fresh enough for ≥ 10 homepage updates and a fresh notice column."""
    return [
        Col("gzdt", "工作动态", "/gzdt/", "news", paging="trs", per_page=20,
            items=m.run("news", news_newest, 24, 1), nav=True),
        Col("tzgg", "通知公告", "/tzgg/", "notice", items=m.run("notice", "2026-11-02", 8, 20), nav=True),
    ]


def _site(code: str, name: str, org: str, host: int, cols: list[Col], **kw) -> Site:
    blocks = kw.pop("blocks", [Block("gzdt", 12), Block("tzgg", 5)])
    return Site(code=code, name=name, place=name, org=org, level="省级", region="华阳省",
                site_type="部门网站", host=host, domain=f"s{host}.huayang.gov.cn", style="trs",
                date_fmt="iso", columns=cols, nav=[c.key for c in cols if c.nav], blocks=blocks,
                theme={"nav": '<div class="nav">', "side": "sub-nav", "crumb": "position"},
                uid_base=host * 10000, **kw).build()


# ---- (30) guides and online systems --------------------------------------------------------------
def _guides_site() -> Site:
    m = Maker("省市场监管局", "省市场监督管理局")
    full = [("事项名称", "name", "食品经营许可"), ("设定依据", "basis", "《中华人民共和国食品安全法》第三十五条"),
            ("申请条件", "condition", "有与经营的食品品种相适应的经营场所"),
            ("办理材料", "materials", "食品经营许可申请书、营业执照复印件"),
            ("办理地点", "place", "省政务服务中心二楼十二号窗口"), ("办理时间", "time", "工作日上午九时至十二时"),
            ("联系电话", "phone", "0000-88886666"), ("办理流程", "process", "申请、受理、审查、决定")]
    synonyms = [("服务事项", "name", "个体工商户名称预先核准"), ("法律依据", "basis", "《个体工商户条例》"),
                ("受理条件", "condition", "名称符合规定"), ("申请材料", "materials", "名称预先核准申请书"),
                ("受理地点", "place", "各县市场监管局登记窗口"), ("办公时间", "time", "周一至周五"),
                ("咨询电话", "phone", "0000-88886667"), ("办理程序", "process", "网上申请或窗口申请，当场办结")]
    empty = [("事项名称", "name", "计量器具型式批准"), ("设定依据", "basis", "《中华人民共和国计量法》"),
             ("申请条件", "condition", "具备生产计量器具的条件"), ("办理材料", "materials", "型式批准申请书"),
             ("办理地点", "place", "省市场监管局计量处"), ("办理时间", "time", "无"),
             ("联系电话", "phone", "暂无"), ("办理流程", "process", "受理、技术评审、批准")]
    missing = [("事项名称", "name", "特种设备使用登记"), ("申请条件", "condition", "特种设备经检验合格"),
               ("所需材料", "materials", "使用登记表、检验报告"), ("办理地址", "place", "省政务服务中心"),
               ("受理时间", "time", "工作日"), ("联系方式", "phone", "0000-88886668")]
    guides = [
        Item("食品经营许可办事指南", None, list_fmt="none", article="none", url_dated=False,
             guide=full, guide_style="table",
             # Hanweb's download script names the file in its query (a dead one: 404)
             links=[Link("/module/download/downfile.jsp?classid=0&filename=spjyxk_sqb.doc",
                         "附件：食品经营许可申请表"),
                    Link("/bszn/files/spjyxk_cns.xls", "附件：承诺书.xls")]),
        Item("个体工商户名称预先核准办事指南", None, list_fmt="none", article="none", url_dated=False,
             guide=synonyms, guide_style="spans",
             links=[Link("{ext}/?app=zxbl", "在线办理", online=True)]),
        Item("计量器具型式批准办事指南", None, list_fmt="none", article="none", url_dated=False,
             guide=empty, guide_style="headings"),
        Item("特种设备使用登记办事指南", None, list_fmt="none", article="none", url_dated=False,
             guide=missing, guide_style="richtext"),
    ]
    cols = _base(m) + [Col("bszn", "办事指南", "/bszn/", "guide", items=guides, nav=True)]
    return _site(
        "9907000001", "华阳省市场监督管理局", "华阳省市场监督管理局", 30, cols,
        # Working systems sit on the other host: an internal page linked from the quick-links box
        # would be taken for a column (a heading with links), which these are not.
        home_links=[Link("{ext}/?app=zxsb", "在线申报", online=True),          # works, another host
                    Link("{ext}/zwfw/", "网上办事大厅", online=True),          # works, another host
                    Link("/wsbs/bjcx.do", "办件查询", online=True),            # 200, "用户未登录…"
                    Link("{ext}/wsbs/jdcx.action", "进度查询", online=True),   # 404 on another host
                    Link(REFUSED_URL + "yuyue.do", "在线预约", online=True)],  # connection refused
        specials={"/wsbs/bjcx.do": Special("system_error", "用户未登录或登录已过期，请重新登录"),
                  "/module/download/downfile.jsp": Special("404")},
        files={"/bszn/files/spjyxk_cns.xls": "xls"})


# ---- (31) serious errors: a title, an attachment's link text, injected gambling links -------------
SPAM_DIV = ('<div style="display:none">澳门新葡京娱乐城 真人娱乐 百家乐 开户送彩金'
            '<a href="{ext}/?site=amxpj888">澳门新葡京</a><a href="{ext}/?go=baijiale">百家乐</a>'
            '<a href="{ext}/?go=zrsx">真人视讯</a></div>')


def _errors_site() -> Site:
    m = Maker("省文化和旅游厅", "省文化和旅游厅")
    cols = _base(m)
    gzdt, tzgg = cols[0].items, cols[1].items
    tzgg[1].title = "转发国务阮办公厅关于加强文化和旅游市场监管的通知"                 # in a title
    gzdt[5].links.append(Link("/gzdt/files/P020261110_01.pdf", "附件：中华人民共合国文物保护法释义.pdf"))
    gzdt[7].raw_html = SPAM_DIV                                                       # hacked article
    return _site("9907000002", "华阳省文化和旅游厅", "华阳省文化和旅游厅", 31, cols,
                 files={"/gzdt/files/P020261110_01.pdf": "pdf"},
                 serious=["国务阮办公厅 ≈ 国务院办公厅 (标题)", "中华人民共合国 ≈ 中华人民共和国 (附件链接文字)",
                          "隐藏的赌博链接 (display:none)"])


# ---- (32) clean: near-misses that are not errors ------------------------------------------------
CLEAN_BODIES = [
    ["为深入学习贯彻习近平新时代中国特色社会主义思想，全面贯彻党的二十大精神，认真落实党中央、国务院决策部署，"
     "我厅召开专题会议传达学习习近平总书记重要讲话精神。会议指出，中国共产党领导是中国特色社会主义最本质的特征，"
     "要坚持马克思主义指导地位，践行社会主义核心价值观，为实现中华民族伟大复兴凝聚力量。",
     "每当中央出台重大政策，我厅都第一时间组织学习。学习近期中央文件时，钟华同志结合分管工作作了交流发言。"
     "全省旅游收入已接近平均水平以上，文化消费持续回暖。"],
    ["根据《中华人民共和国网络安全法》和国务院办公厅有关要求，我厅联合公安机关开展打击网络赌博专项行动，"
     "严厉查处利用旅游网站发布博彩广告、为境外赌场招揽游客等违法犯罪行为。提醒广大群众远离赌博，"
     "警惕“百家乐”“时时彩”等网络赌博陷阱，发现线索及时举报。",
     "省人民代表大会代表、全国人大常委会委员到我厅调研，国务委员来信肯定了相关工作。"
     "中纪委通报的典型案例在全厅警示教育大会上通报。全国人民代表大会常务委员会有关负责同志出席。"],
    ["防范电信网络诈骗宣传进景区活动启动。民警提醒：凡是自称“刷单兼职”“贷款秒批”的，都是诈骗；"
     "拒绝参与非法集资、网络赌博。中华人民共和国反电信网络诈骗法已经施行，全社会要共同抵制违法犯罪。",
     "全国政协委员、中国人民政治协商会议华阳省委员会委员参加座谈。最高人民法院、最高人民检察院"
     "有关部门负责同志介绍了依法惩治网络犯罪的情况。"],
]


def _clean_site() -> Site:
    m = Maker("省旅游发展委员会", "省旅游发展委员会")
    cols = _base(m)
    for i, body in enumerate(CLEAN_BODIES):
        cols[0].items[i * 3].body = body
    # A legitimate hidden tab pane (display:none) holding ordinary headlines, and a visible link
    # to a national site: neither is spam.
    cols[0].items[1].raw_html = ('<div class="tab-pane" style="display:none"><ul>'
                                 '<li><a href="/gzdt/">全省文化旅游市场秩序持续向好</a></li>'
                                 '<li><a href="{ext}/">华阳新闻网</a></li></ul></div>')
    return _site("9907000003", "华阳省旅游发展委员会", "华阳省旅游发展委员会", 32, cols)


# ---- (33) one misspelling in an article body: the demo's review round trip -----------------------
def _review_site() -> Site:
    m = Maker("省档案局", "省档案局")
    cols = _base(m)
    cols[0].items[2].body = [
        "省档案局召开党组会议，传达学习习近平总书纪在文化传承发展座谈会上的重要讲话精神，"
        "研究部署全省档案工作贯彻落实举措。",
        # "华阳省档按局" is not a shipped protected term: found only with --terms naming 华阳省档案局.
        "会议要求，华阳省档按局各处室和全省档案系统要切实把思想和行动统一到中央决策部署上来。"]
    return _site("9907000004", "华阳省档案局", "华阳省档案局", 33, cols,
                 serious=["习近平总书纪 ≈ 习近平总书记 (正文)"])


SITES = [_guides_site, _errors_site, _clean_site, _review_site]
