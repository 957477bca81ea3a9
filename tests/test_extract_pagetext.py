"""crawler.extract.pagetext on pages built to reach its corners: hidden blocks inside hidden ones,
in noscript/template, by class or id; links hidden themselves or inside hidden blocks; the page's
own host written in other ways; label lines, headings, tabs, label blocks; identity marks. The
expected values are what page_text gave before its walks were shared (issue 20, less CPU per
page): a faster reading must give them unchanged."""
from __future__ import annotations

from crawler.extract.page import parse_page
from crawler.extract.pagetext import page_text

# name → (url, html)
CASES = {
"hidden_nested": ("http://www.a.gov.cn:8080/x/index.html", """<html><head><title>测试</title>
<style>.hide{display:none} #pop{visibility:hidden} .big{font-size:14px}
.off{left:-9999px;position:absolute}</style></head>
<body><p>开头 <a href="http://spam.example.com/1">外链一</a>尾巴</p>
<div style="display:none">隐藏 <a href="http://spam.example.com/2">博彩</a>
<span style="visibility:hidden">内层</span><!-- c -->注释后</div>后文
<a style="display: none" href="http://spam.example.com/3">隐藏链接</a>
<div class="big hide">类隐藏<a href="/in.html">本站</a></div><p id="pop">弹出</p>
<div class="off">离屏</div><iframe src="http://evil.example.com/f" width="0" height="0"></iframe>
<a href="HTTP://WWW.A.GOV.CN:8080/y.html">同站大写</a><a href="https://www.a.gov.cn:8080/z">同站https</a>
<a href="http://www.a.gov.cn/p">同主机无端口</a><a href="//cdn.example.com/x.js">协议相对</a>
<noscript><div style="display:none">不显示<a href="http://ns.example.com/">ns</a></div>
<iframe src="http://ns.example.com/f" width="0"></iframe></noscript>
<template><span hidden>模板</span></template>
<div hidden>属性隐藏</div><p>结尾：内容</p></body></html>"""),
"no_nested": ("http://127.0.2.1:8000/a/b.html", """<html><body>
<div style="font-size:0">零号字<a href="http://x.example.com/">x</a></div><p style="color:red">红色</p>
<div style="width:0;height:0;overflow:hidden">零尺寸</div>
<script>var a = {b: 1}; document.write("来源：新华社")</script>
<style>.x{display:none}</style><div class="x">样式在正文<span class="x">内</span></div>
<a href="http://127.0.2.1:8000/c.html">本站</a><a href="http://127.0.2.1:8001/c.html">他口</a>
<a href="http://user@127.0.2.1:8000/c.html">带用户</a>
<a href="http://127.0.2.1:8000@evil.example.com/">诡</a>
</body></html>"""),
"labelled": ("http://www.b.gov.cn/bs/1.html", """<html><body>
<table><tr><td>事项名称</td><td>户口迁移</td><td>办理时限</td><td>5个工作日</td></tr></table>
<h3>一、受理条件</h3><p>1、本人申请</p><p>2、材料齐全</p><h3>二、办理材料</h3><p>身份证原件</p>
<p><strong>三、实施依据：</strong></p><p>《户口登记条例》第十条</p><p>十六、申请材料：</p><p>1、身份证</p>
<p>   十七、办理流程：  受理   审核    办结 </p>
<div><span>办理地点</span><span>县政务服务中心</span></div>
<ul><li>申请条件</li><li>申请材料</li><li>办理流程</li></ul>
<div><div>条件内容</div><div>材料内容</div><div>流程内容</div></div>
<ul><li>首页</li><li>新闻</li><li>公开</li></ul><p>a</p><p>b</p><p>c</p>
<ol><li>甲</li><li>乙</li><li>丙</li></ol><span>x</span><span>y</span><span>z</span>
<dl><dt>收费标准</dt><dd>不收费</dd><dt>咨询电话</dt><dd>0791-1234567</dd></dl>
<div style="display:none"><p>隐藏字段：不应出现</p></div>
<p>办理时间：<!-- x -->工作日 9:00-17:00</p><div><p>联系电话：123</p><p>联系地址：某路1号</p></div>
<h4>监督投诉</h4><p>""" + "很长的段落" * 60 + """</p><p><b>备注：</b>无</p>
</body></html>"""),
"classes_named": ("http://www.d.gov.cn/", """<html><head><style>.hide{display:none}
#pop{visibility:hidden} div.gone, .x .y {display:none}</style></head><body>
<div class="hidebar">子串不算</div><div class="a hide b">整词<a href="http://h.example.com/">h</a></div>
<p id="popup">长名不算</p><p id="pop">弹出</p><span class="gone">类名</span>
<div class="HIDE">大写不算</div><script class="hide">var s = 1;</script><p>可见</p></body></html>"""),
"classes_many": ("http://www.e.gov.cn/", "<html><head><style>"
                 + " ".join(f".h{i}{{display:none}}" for i in range(20)) + """</style></head><body>
<div class="h3">三</div><div class="h30">三十不算</div><p id="h1">编号不算</p><p class="h19 z">十九</p>
<p>可见</p></body></html>"""),
"marks": ("http://www.c.gov.cn/", """<html><head><meta name="keywords" content="政府,公开">
<meta name="description" content="描述"><meta name="SiteName" content="某县人民政府">
<meta name="SiteDomain" content="www.c.gov.cn"></head><body>
<a href="http://bszs.conac.cn/sitename?method=show&id=1"><img src="/images/red.png" alt="党政机关"></a>
<img src="/img/dzjg.png"><a href="/jiucuo/">我要纠错</a><a href="/care/"><span>关怀版</span></a>
<a href="/x/">普通</a><a><img src="/zfwzgl/logo.png"></a><div><img src="/a.png" alt="无障碍 浏览"></div>
</body></html>"""),
}


def test_hidden_blocks_outbound_links_and_text():
    url, html = CASES['hidden_nested']
    got = page_text(parse_page(html, url)).to_dict()
    assert got['hidden'] == [{'how': 'display:none',
                              'links': [['博彩', 'http://spam.example.com/2']],
                              'tag': 'div',
                              'text': '隐藏 博彩 内层注释后'},
                             {'how': 'display:none',
                              'links': [['隐藏链接', 'http://spam.example.com/3']],
                              'tag': 'a',
                              'text': '隐藏链接'},
                             {'how': 'display:none（.hide）',
                              'links': [['本站', 'http://www.a.gov.cn:8080/in.html']],
                              'tag': 'div',
                              'text': '类隐藏本站'},
                             {'how': 'visibility:hidden（#pop）', 'links': [], 'tag': 'p',
                              'text': '弹出'},
                             {'how': 'off-screen（.off）', 'links': [], 'tag': 'div', 'text': '离屏'},
                             {'how': 'iframe 0×0',
                              'links': [['', 'http://evil.example.com/f']],
                              'tag': 'iframe',
                              'text': ''},
                             {'how': 'hidden', 'links': [], 'tag': 'div', 'text': '属性隐藏'}]
    assert got['outbound'] == [['外链一', 'http://spam.example.com/1'],
                               ['隐藏链接', 'http://spam.example.com/3'],   # hidden itself: still shown
                               ['协议相对', 'http://cdn.example.com/x.js'], ['ns', 'http://ns.example.com/']]
    assert got['text'] == '开头 外链一 尾巴 后文 同站大写 同站https 同主机无端口 协议相对 结尾：内容'
    assert got['pairs'] == [['结尾', '内容']]


def test_own_host_with_port_and_hiding_declarations():
    url, html = CASES['no_nested']
    got = page_text(parse_page(html, url)).to_dict()
    assert got['hidden'] == [{'how': 'font-size:0',
                              'links': [['x', 'http://x.example.com/']],
                              'tag': 'div',
                              'text': '零号字x'},
                             {'how': 'size:0', 'links': [], 'tag': 'div', 'text': '零尺寸'},
                             {'how': 'display:none（.x）', 'links': [], 'tag': 'div',
                              'text': '样式在正文内'}]
    assert got['outbound'] == [['诡', 'http://127.0.2.1:8000@evil.example.com/']]
    assert got['text'] == '红色 本站 他口 带用户 诡'


def test_labelled_fields_of_a_guide():
    url, html = CASES['labelled']
    got = page_text(parse_page(html, url)).to_dict()
    assert got['pairs'] == [
        ['事项名称', '户口迁移'], ['办理时限', '5个工作日'], ['受理条件', '1、本人申请 2、材料齐全'],
        ['办理材料', '身份证原件'], ['实施依据', '《户口登记条例》第十条'], ['申请材料', '1、身份证'],
        ['办理流程', '受理 审核 办结'], ['办理地点', '县政务服务中心'], ['申请条件', '条件内容'],
        ['申请材料', '材料内容'], ['办理流程', '流程内容'], ['条件内容', '首页'], ['材料内容', '新闻'],
        ['流程内容', '公开'], ['首页', 'a'], ['新闻', 'b'], ['公开', 'c'], ['收费标准', '不收费'],
        ['咨询电话', '0791-1234567'], ['办理时间', '工作日 9:00-17:00'], ['联系电话', '123'],
        ['联系地址', '某路1号'], ['监督投诉', '很长的段落' * 16], ['备注', '无']]
    assert got['hidden'] == [{'how': 'display:none', 'links': [], 'tag': 'div',
                              'text': '隐藏字段：不应出现'}]
    assert got['text'] == (
        '事项名称 户口迁移 办理时限 5个工作日 一、受理条件 1、本人申请 2、材料齐全 二、办理材料 身份证原件 '
        '三、实施依据： 《户口登记条例》第十条 十六、申请材料： 1、身份证 十七、办理流程： 受理 审核 办结 '
        '办理地点 县政务服务中心 申请条件 申请材料 办理流程 条件内容 材料内容 流程内容 首页 新闻 公开 a b c '
        '甲 乙 丙 x y z 收费标准 不收费 咨询电话 0791-1234567 办理时间： 工作日 9:00-17:00 联系电话：123 '
        '联系地址：某路1号 监督投诉 ' + '很长的段落' * 60 + ' 备注： 无')


def test_identity_marks_and_meta():
    url, html = CASES['marks']
    got = page_text(parse_page(html, url)).to_dict()
    assert got['marks'] == [['党政机关', 'http://bszs.conac.cn/sitename?method=show&id=1'],
                            ['', 'http://www.c.gov.cn/img/dzjg.png'],
                            ['我要纠错', 'http://www.c.gov.cn/jiucuo/'], ['关怀版', 'http://www.c.gov.cn/care/'],
                            ['', ''], ['无障碍 浏览', 'http://www.c.gov.cn/a.png']]
    assert got['outbound'] == [['', 'http://bszs.conac.cn/sitename?method=show&id=1']]
    assert got['keywords'] == '政府,公开 描述'
    assert got['meta'] == {'SiteDomain': 'www.c.gov.cn', 'SiteName': '某县人民政府'}
    assert got['text'] == '我要纠错 关怀版 普通'


def test_hiding_classes_match_whole_class_tokens_and_ids():
    url, html = CASES['classes_named']
    got = page_text(parse_page(html, url)).to_dict()
    assert got['hidden'] == [{'how': 'display:none（.hide）', 'links': [['h', 'http://h.example.com/']],
                              'tag': 'div', 'text': '整词h'},
                             {'how': 'visibility:hidden（#pop）', 'links': [], 'tag': 'p',
                              'text': '弹出'},
                             {'how': 'display:none（.gone）', 'links': [], 'tag': 'span',
                              'text': '类名'}]
    assert got['text'] == '子串不算 长名不算 大写不算 可见'


def test_many_hiding_classes():
    url, html = CASES['classes_many']
    got = page_text(parse_page(html, url)).to_dict()
    assert got['hidden'] == [{'how': 'display:none（.h3）', 'links': [], 'tag': 'div', 'text': '三'},
                             {'how': 'display:none（.h19）', 'links': [], 'tag': 'p', 'text': '十九'}]
    assert got['text'] == '三十不算 编号不算 可见'
