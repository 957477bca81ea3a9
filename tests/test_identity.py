"""网站标识与元数据 (发展指引): the marks and meta tags the crawler keeps of a page (pure extraction),
and the measurements indicators/identity.py makes of them; HTTPS results as measurements."""
from __future__ import annotations

import config
from crawler.extract.page import parse_page
from crawler.extract.pagetext import page_text
from indicators.https import https
from indicators.identity import identity
from indicators.observations import Column, Item, PageText, SiteObservations

CFG = config.load_yaml("identity.yaml")
HOME = "http://www.qinghe.gov.cn/"
FOOTER = ("<div class='footer'><p>主办单位：清河县人民政府办公室　网站标识码：3311230001</p>"
          "<p>浙ICP备05012345号-1　浙公网安备 33112302000123号</p>"
          "<a href='http://bszs.conac.cn/sitename?method=show&id=1'><img src='http://dcs.conac.cn/image/red.png'></a>"
          "<a href='https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3311230001'>"
          "<img src='/images/jiucuo.png' alt='政府网站找错'></a></div>")


def _home(footer: str = FOOTER, metas: str = "") -> PageText:
    html = (f"<html><head><title>清河县人民政府</title>{metas}</head><body><h1>清河县人民政府</h1>"
            f"<a href='/ghb/'>关怀版</a><a href='/news/'>新闻</a>{footer}</body></html>")
    return page_text(parse_page(html, HOME))


def test_page_text_keeps_marks_and_guideline_meta_tags():
    page = _home(metas='<meta name="SiteName" content="清河县人民政府"><meta name="keywords" content="x">')
    assert page.meta == {"SiteName": "清河县人民政府"}
    assert page.marks == [["关怀版", HOME + "ghb/"],
                          ["", "http://bszs.conac.cn/sitename?method=show&id=1"],
                          ["政府网站找错", "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3311230001"]]
    assert PageText.from_dict(page.to_dict()) == page


def test_homepage_marks_all_present():
    obs = SiteObservations("3311230001", HOME, True, pages={HOME: _home()})
    values, findings = identity(obs, CFG)
    assert values["identity_marks_missing"] == 0
    assert [f for f in findings if f.kind == "identity_mark_missing"] == []


def test_missing_and_wrong_marks_each_a_finding():
    footer = "<p>网站标识码：3311230002</p><p>浙公网安备 33112302000123号</p>"
    obs = SiteObservations("3311230001", "http://127.0.1.9:8080/", True,
                           pages={"http://127.0.1.9:8080/": _home(footer)})
    values, findings = identity(obs, CFG)
    assert values["identity_marks_missing"] == 5
    assert {f.title: f.evidence for f in findings if f.kind == "identity_mark_missing"} == {
        "网站标识码": "首页标注的网站标识码 3311230002 与名录中的 3311230001 不一致",
        "ICP 备案编号": "首页未见ICP 备案编号", "党政机关网站标识": "首页未见党政机关网站标识",
        "“我为政府网站找错”入口": "首页未见“我为政府网站找错”入口",
        ".gov.cn 域名": "首页网址的域名 127.0.1.9 不是 .gov.cn 域名"}


def test_meta_tag_shares_by_kind_of_page():
    full = {"SiteName": "a", "SiteDomain": "b", "SiteIDCode": "c", "ColumnName": "d",
            "ColumnType": "e", "ArticleTitle": "f", "PubDate": "g", "ContentSource": "h"}
    cols = [Column(HOME + f"c{i}/", f"栏目{i}", "news", items=[Item("t", HOME + f"a{i}.html")])
            for i in range(4)]
    pages = {HOME: PageText(meta=full), HOME + "a0.html": PageText(meta=full),
             HOME + "a1.html": PageText(meta={"ArticleTitle": "x"}),
             **{c.url: PageText(meta=full if i < 3 else {"ColumnName": "d"}) for i, c in enumerate(cols)}}
    obs = SiteObservations("1", HOME, True, columns=cols, pages=pages)
    values, findings = identity(obs, CFG)
    assert {k: values[k] for k in ("meta_tags_home", "meta_tags_columns_pct", "meta_tags_articles_pct")} \
        == {"meta_tags_home": 1, "meta_tags_columns_pct": 75.0, "meta_tags_articles_pct": 50.0}
    assert {f.title: (f.url, f.evidence) for f in findings if f.kind == "meta_tags_missing"} == {
        "栏目页元数据": (HOME + "c3/", "缺少 ColumnType；共 1/4 个栏目页缺少元数据"),
        "文章页元数据": (HOME + "a1.html", "缺少 PubDate、ContentSource；共 1/2 个文章页缺少元数据")}


def test_https_results_as_measurements():
    base = {"host": "www.qinghe.gov.cn", "port": 443, "https": True, "verified": False,
            "error": "证书已过期", "host_match": True, "days_left": -35, "not_after": "2026-10-18",
            "tls_version": "TLSv1.2", "redirects": False}
    values, findings = https(base)
    assert values == {"https_served": 1, "https_problems": 2, "https_cert_days_left": -35}
    assert [(f.title, f.evidence) for f in findings] == [
        ("证书已过期", "证书有效期至 2026-10-18，已过期 35 天"),
        ("HTTP 未跳转到 HTTPS", "以 http:// 访问首页时未跳转到 https://")]
    values, findings = https(dict(base, error="证书与网站域名不符", host_match=False, days_left=90,
                                  tls_version="TLSv1", redirects=True))
    assert values["https_problems"] == 2 and [f.title for f in findings] == ["证书与网站域名不符", "TLS 版本过低"]
    values, findings = https(dict(base, https=False, error="未提供 HTTPS 服务（443 端口无法连接）",
                                  days_left=None, redirects=None))
    assert values == {"https_served": 0, "https_problems": 1, "https_cert_days_left": None}
    assert https(None) == ({"https_served": None, "https_problems": None, "https_cert_days_left": None}, [])
