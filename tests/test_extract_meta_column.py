"""Column discovery from the guideline meta tags: an article names its column (ColumnName) and the
breadcrumb links to it, so a column no menu, 更多 or sidebar leads to is still found."""
from crawler.extract.columns import ColumnLink, meta_column
from crawler.extract.page import parse_page

ARTICLE = """<html><head><meta charset="utf-8">
<meta name="SiteName" content="清河县人民政府"><meta name="ColumnName" content="村务公开">
<title>柳林村2026年第三季度村务公开_清河县人民政府</title></head><body>
<div class="header">清河县人民政府</div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt;
<a href="/zwgk/cwgk/">村务公开</a> &gt; 正文</div>
<div class="article"><h1>柳林村2026年第三季度村务公开</h1><p>柳林村第三季度村级财务收支情况公开如下。</p></div>
</body></html>"""


def test_article_breadcrumb_link_named_by_column_meta_is_a_column():
    page = parse_page(ARTICLE, "http://127.0.1.3/zwgk/cwgk/202610/t20261012_1.html")
    assert meta_column(page) == ColumnLink("http://127.0.1.3/zwgk/cwgk/", "村务公开", "meta")


def test_no_column_meta_or_no_matching_crumb_finds_nothing():
    without_meta = ARTICLE.replace('<meta name="ColumnName" content="村务公开">', "")
    assert meta_column(parse_page(without_meta, "http://127.0.1.3/a.html")) is None
    other_name = ARTICLE.replace('content="村务公开"', 'content="财务公开"')
    assert meta_column(parse_page(other_name, "http://127.0.1.3/a.html")) is None
