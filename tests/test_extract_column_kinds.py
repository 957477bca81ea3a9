"""What a page linked like a column turns out to be when fetched (issue 24, items 1–4): a column is
a page that turned out to be a list or a channel, never decided by where its link stood. Real
pages from tests/fixtures/real and the page shapes of the farm's site 127.0.1.70."""
from __future__ import annotations

from datetime import date

import pytest

from crawler.extract import columns as xcol
from crawler.extract.listing import list_items
from crawler.extract.messages import message_detail
from crawler.extract.page import parse_page
from tests.real_pages import REAL, truth
from tests.test_extract_real_columns import TRUTH


def _kind(name: str, url: str) -> str:
    page = parse_page((REAL / f"{name}.html").read_text(encoding="utf-8"), url)
    return xcol.page_kind(page, list_items(page), xcol.page_columns(page, "column"))


# Every saved article (each shows a publication date: ccgp's and cac's under the title with no
# label; the 国务院公报 copy's body is read past the stray </html> of its included header).
ARTICLES = sorted(p.stem for p in REAL.glob("page_*_article.yaml"))


@pytest.mark.parametrize("name", ARTICLES)
def test_an_article_fetched_as_a_column_is_an_article(name):
    assert _kind(name, truth(name)[0]) == "article"


def test_channel_list_and_other_pages():
    assert _kind("col_handan_xxgk_channel", TRUTH["col_handan_xxgk_channel.html"]["url"]) == "channel"
    assert _kind("col_ordos_egb_list", TRUTH["col_ordos_egb_list.html"]["url"]) == "list"
    for name in ("list_handan_gkzn", "list_handan_jinqi", "list_yichun_zwyw"):
        assert _kind(name, truth(name)[0]) == "list"
    static = parse_page("""<html><head><title>机构概况_长河县人民政府</title></head><body>
      <div class="position">当前位置：<a href="/">首页</a> &gt; 机构概况</div><div class="main">
      <h2>机构概况</h2><p>长河县人民政府办公室是县人民政府的办事机构，负责县政府日常工作的组织协调，
      承担县政府会议的组织和文电、信息、督查、应急管理等工作。</p></div></body></html>""",
                        BASE + "jggk/")
    assert xcol.page_kind(static, list_items(static), xcol.page_columns(static, "column")) == "page"


BASE = "http://127.0.1.70/"


def test_headline_article_is_an_article_not_a_column():
    """The 头条 <h2> link stands like a block heading; fetched, it is one dated article."""
    home = parse_page("""<html><body><div class="nav"><ul><li><a href="/">首页</a></li>
      <li><a href="/gzdt/">工作动态</a></li></ul></div><div class="main">
      <div class="headline"><h2><a href="/ShowArticle.asp?ArticleID=2400008">县长调研春耕备耕工作</a></h2>
      <p>4月8日，县长一行深入乡镇调研春耕备耕工作… <a href="/ShowArticle.asp?ArticleID=2400008">[详细]</a></p>
      </div></div></body></html>""", BASE)
    linked = {c.url: c.name for c in xcol.page_columns(home, "home")}
    assert linked[BASE + "ShowArticle.asp?ArticleID=2400008"] == "县长调研春耕备耕工作"
    article = parse_page("""<html><head><meta name="ColumnName" content="工作动态"></head><body>
      <div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/gzdt/">工作动态</a> &gt; 正文</div>
      <div class="article"><h1>县长调研春耕备耕工作</h1><div class="info">发布时间：2026-11-09
      来源：长河县人民政府</div><div class="TRS_Editor"><p>11月9日，县长一行深入乡镇调研春耕备耕工作，察看农资储备和高标准农田建设情况，听取各乡镇关于种子化肥供应、农机具检修和农田水利设施维护的工作汇报。</p>
      <p>县长强调，各乡镇要压实责任，抓好春耕生产各项准备工作，确保粮食播种面积稳定，为全年农业丰收打下坚实基础。</p></div></div></body></html>""",
                         BASE + "ShowArticle.asp?ArticleID=2400008")
    assert xcol.page_kind(article, list_items(article),
                          xcol.page_columns(article, "column")) == "article"


def test_channel_page_of_sub_column_blocks():
    """互动交流: blocks headed 领导信箱, 在线咨询, 征集调查, each with 更多: a channel page."""
    blocks = "".join(f'<div class="gk-box"><div class="box-hd"><h3>{n}</h3><a class="more" '
                     f'href="/hdjl/{p}/">更多&gt;&gt;</a></div><ul><li><a href="/hdjl/{p}/t{i}.html">'
                     f'关于{n}的一条留言标题</a><span>2026-11-0{i}</span></li></ul></div>'
                     for i, (n, p) in enumerate([("领导信箱", "ldxx"), ("在线咨询", "zxzx"),
                                                 ("征集调查", "zjdc")], 1))
    page = parse_page(f'<html><head><meta name="ColumnType" content="互动交流"></head><body>'
                      f'<div class="main">{blocks}</div></body></html>', BASE + "hdjl/")
    assert xcol.page_kind(page, list_items(page), xcol.page_columns(page, "column")) == "channel"


def test_online_service_hall_links_are_no_columns():
    jsid = ";jsessionid=7D3F0A9C21B4E5"
    hall = [("/wsbsdt/index.jsp", "网上办事大厅"), ("/wsbsdt/grbs.jsp", "个人办事"),
            ("/wsbsdt/frbs.jsp", "法人办事"), ("/wsbsdt/bmfw.do", "部门服务")]
    links = " ".join(f'<a href="{p}{jsid}">{t}</a>' for p, t in hall)
    home = parse_page(f'<html><body><div class="nav"><ul><li><a href="/gzdt/">工作动态</a></li>'
                      f'</ul></div><div class="kslj"><h3>快速链接</h3>{links}</div></body></html>',
                      BASE)
    assert [c.url for c in xcol.page_columns(home, "home")] == [BASE + "gzdt/"]
    assert xcol.is_app_session(BASE + "wsbsdt/bmfw.do?sid=1A2B") is True
    assert xcol.is_app_session(BASE + "wsbsdt/bmfw.do") is False
    assert xcol.is_app_session(BASE + "col/col4520/index.html;jsessionid=1A2B") is False


def test_letter_drawn_as_a_label_table_without_colons():
    page = parse_page("""<html><head><title>咨询医保政策_长河县人民政府</title></head><body>
      <div class="article"><table class="xjxq"><tr><th>来信人</th><td>市民***</td></tr>
      <tr><th>留言时间</th><td>2026-03-02 14:32</td></tr><tr><th>留言内容</th><td>……</td></tr>
      <tr><th>回复单位</th><td>长河县人民政府</td></tr><tr><th>回复时间</th><td>2026-07-20 14:32</td></tr>
      <tr><th>办理状态</th><td>已回复</td></tr></table></div></body></html>""",
                      BASE + "ShowArticle.asp?ArticleID=2400020")
    m = message_detail(page)
    assert (m.posted, m.replied, m.status) == (date(2026, 3, 2), date(2026, 7, 20), "answered")


def test_sidebars_beside_a_short_article_are_no_list():
    """Issue 24 item 9: an article of two lines (far under 150 characters) shows its title with
    the date under it; its 要闻 sidebar of dated <div> rows, 关联稿件 and 上一篇/下一篇 are no list and
    lead to no column."""
    side = "".join(f'<div class="r"><a href="/xwzx/yw/content_26110{i}.html">县委常委会召开第{i}次会议'
                   f'研究部署重点工作</a><span>2026-11-0{i}</span></div>' for i in range(1, 6))
    page = parse_page(f"""<html><head><title>县长接待日活动_长河县人民政府</title></head><body>
      <div class="tt"><a href="/default.html"><img src="/images/logo.png" alt="长河县人民政府"></a></div>
      <div class="w1200"><div class="l-box"><h1>县长接待日活动</h1><div class="xx">2026-11-20　来源：县信访局</div>
      <div class="nr"><p>11月20日，县长在县信访局接待来访群众12批35人次。</p><p><img src="/images/a.jpg"></p></div>
      <div class="sxp"><p>上一篇：<a href="/xwzx/gzdt/content_2611191.html">全县秋冬季农田水利建设现场推进会召开</a></p>
      <p>下一篇：<a href="/xwzx/gzdt/content_2611211.html">县政府召开第三十次常务会议</a></p></div>
      <div class="gl"><h3>关联稿件</h3><ul><li><a href="/xwzx/gzdt/content_2611101.html">县长深入信访局调研群众来访接待工作</a></li>
      <li><a href="/xwzx/gzdt/content_2611102.html">县信访局开展矛盾纠纷排查化解专项行动</a></li></ul></div></div>
      <div class="r-box"><h3>要闻</h3>{side}</div></div></body></html>""",
                      BASE + "xwzx/gzdt/content_2611201.html")
    items = list_items(page)
    columns = xcol.page_columns(page, "column")
    assert (items, columns) == ([], [])
    assert xcol.page_kind(page, items, columns) == "article"


def test_the_logo_named_after_the_site_is_no_column():
    """Issue 24 item 9: the logo leads home under another address and is named by the site's name
    (its image's alt), not 首页; the page's <title> does not name the site."""
    page = parse_page("""<html><head><title>通知公告</title></head><body>
      <div class="top-nav"><a href="/portal/"><img src="/images/logo.png" alt="清河县人民政府"></a>
      <a href="/zwgk/">政务公开</a><a href="/gzdt/">工作动态</a><a href="/hdjl/">互动交流</a></div>
      </body></html>""", BASE + "tzgg/")
    assert [c.name for c in xcol.nav_columns(page)] == ["政务公开", "工作动态", "互动交流"]


def test_short_article_whose_title_tag_names_only_the_site():
    """An old county CMS: <title> is the site's name, no metas; the article's heading with
    发布时间 under it still makes an article of it, and its 推荐阅读 rows beside it no list."""
    side = "".join(f'<tr><td><a href="/ShowArticle.asp?ArticleID=24000{i}">全县第{i}季度安全生产'
                   f'形势分析会召开</a></td><td>2026-11-0{i}</td></tr>' for i in range(1, 7))
    page = parse_page(f"""<html><head><title>长河县人民政府</title></head><body>
      <table class="t1"><tr><td><h2>县长接待来访群众</h2><div>发布时间：2026-11-20　点击：35</div>
      <p>11月20日，县长接待来访群众12批35人次。</p></td>
      <td><b>推荐阅读</b><table>{side}</table></td></tr></table></body></html>""",
                      BASE + "ShowArticle.asp?ArticleID=2400030")
    items = list_items(page)
    assert items == []
    assert xcol.page_kind(page, items, xcol.page_columns(page, "column")) == "article"


def test_a_homepage_headline_with_its_date_keeps_the_homepage_lists():
    """The 头条 drawn as an unlinked heading with 发布时间 under it makes no article of the
    homepage: its dated lists are still its items."""
    rows = "".join(f'<li><a href="/gzdt/content_26110{i}.html">全县第{i}批重点项目集中开工仪式举行</a>'
                   f'<span>2026-11-0{i}</span></li>' for i in range(1, 7))
    page = parse_page(f"""<html><head><title>长河县人民政府欢迎您</title></head><body><div class="main">
      <div class="tt"><h2>县长调研春耕备耕工作</h2><p>发布时间：2026-11-09　<a href="/gzdt/content_2611091.html">
      [详细]</a></p></div><div class="box"><h3>工作动态</h3><ul>{rows}</ul></div></div></body></html>""", BASE)
    assert len(list_items(page)) == 6
