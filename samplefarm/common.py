"""Helpers both renderers share: dates, hrefs, list paging, article bodies, small fixed pages."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Callable

from samplefarm import content
from samplefarm.model import EXT_HOST, Col, Item, Link, Site

# Placeholders the server replaces with a fresh value on every response (session-id traps).
JSID = "@@JSID@@"
SID = "@@SID@@"

# Images every template draws; each site serves them.
TEMPLATE_IMAGES = ("/images/logo.png", "/images/jiucuo.png", "/images/dzjg.png", "/images/top.gif")
STATIC_FILES = {"/css/style.css": "css", "/js/jquery.min.js": "js", "/js/page.js": "js"}


@dataclass
class Rendered:
    """What a renderer produces for one site."""
    pages: dict[str, str] = field(default_factory=dict)          # path[?query] → HTML
    files: dict[str, str] = field(default_factory=dict)          # path → extension
    dynamic: dict[str, Callable[[dict], str]] = field(default_factory=dict)  # path → f(query)


def esc(s: str) -> str:
    return escape(s, quote=True)


def expand(href: str, port: int) -> str:
    return href.replace("{ext}", f"http://{EXT_HOST}:{port}").replace("{port}", str(port))


def fmt_date(d: date | None, site: Site, style: str = "full") -> str:
    """A list date as the site writes it; '' when the list shows none."""
    if d is None or style == "none":
        return ""
    if style == "partial":
        return f"{d:%m-%d}" if site.date_fmt == "dot" else f"[{d:%m-%d}]"
    return {"iso": f"{d:%Y-%m-%d}", "slash": f"{d:%Y/%m/%d}", "cn": f"{d.year}年{d:%m}月{d:%d}日",
            "dot": f"{d:%Y.%m.%d}"}[site.date_fmt]


def list_style(col: Col, it: Item) -> str:
    return "full" if it.href else it.list_fmt


def item_href(it: Item) -> str:
    return it.href or it.path


def col_href(col: Col) -> str:
    if col.session == "jsessionid":
        return f"{col.path};jsessionid={JSID}"
    if col.session == "sid":
        return f"{col.path}?sid={SID}"
    return col.path


def chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def list_pages(col: Col) -> list[tuple[str, list[Item]]]:
    """(page key, items) for TRS / ?page= / 下一页 / single lists; the key is what the server serves."""
    if col.paging == "single":
        return [(col.path, col.items)]
    out = []
    for k, part in enumerate(chunks(col.items, col.per_page)):
        out.append((page_key(col, k), part))
    return out


def page_key(col: Col, k: int) -> str:
    if k == 0:
        return col.path
    if col.paging in ("trs", "trs_inline", "select"):
        return f"{col.dir}index_{k}.html"
    if col.paging == "maxpage":
        return f"{col.dir}index_{col.colid}_{k + 1}.html"
    if col.paging == "last":
        return f"{col.dir}list_{k + 1}.html"
    if col.paging == "page":
        return f"{col.path}?page={k + 1}"
    if col.paging in ("next", "hyphen"):
        name = col.path[len(col.dir):]
        base, _, ext = name.rpartition(".")
        return f"{col.dir}{base}{'-' if col.paging == 'hyphen' else '_'}{k + 1}.{ext}"
    raise ValueError(col.paging)


def page_href(col: Col, k: int) -> str:
    """How page k is linked from the list's own pages (relative, as CMSs write it)."""
    name = col.path[len(col.dir):] or "index.html"
    if col.paging == "page":
        return name if k == 0 else f"?page={k + 1}"
    return page_key(col, k)[len(col.dir):] or "./"


def group_cols(site: Site, col: Col) -> list[Col]:
    """The sidebar entries on a column page: the hub's children, or the column's group."""
    if col.kind == "hub":
        return site.children(col)
    if not col.group:
        return []
    return [c for c in site.columns if c.group == col.group and c.kind != "hub"]


def hub_of(site: Site, col: Col) -> Col | None:
    for c in site.columns:
        if c.kind == "hub" and c.name == col.group:
            return c
    return None


def link_html(link: Link, port: int) -> str:
    href = esc(expand(link.href, port))
    if link.tag == "img":
        return f'<img src="{href}" alt="{esc(link.text)}">'
    if link.tag == "fj":   # TRS: the attachment list lives in a script variable
        return (f"<script type=\"text/javascript\">var hasFJ='<a href=\"{href}\">{esc(link.text)}</a>';"
                "if(hasFJ!=''){var FJarr=hasFJ.split(\"<BR/>\");document.write('<p>附件下载：</p>');"
                "for(var i=1;i<=FJarr.length;i++){document.write(i+\".\"+FJarr[i-1]+\"<br/>\");}}</script>")
    return f'<a href="{href}" target="_blank">{esc(link.text)}</a>'


def article_date_line(site: Site, it: Item) -> str:
    """The visible date text, in the site's own wording."""
    d = it.date
    if d is None or it.article not in ("both", "visible"):
        return ""
    if site.date_fmt == "cn":
        return f"发布日期：{d.year}年{d:%m}月{d:%d}日"
    if site.style == "hanweb":
        return f"时间：{d:%Y-%m-%d} 09:30"
    return f"发布时间：{d:%Y-%m-%d} 09:30"


def pubdate_meta(it: Item) -> str:
    if it.date is None or it.article not in ("both", "meta"):
        return ""
    return f'<meta name="PubDate" content="{it.date:%Y-%m-%d} 09:30">'


# How boards write a message's status (the badge or the 办理状态 line).
STATUS_WORDS = {"answered": "已回复", "in_progress": "办理中", "pending": "未回复"}


def letter_date(d: date, site: Site) -> str:
    """A message time as boards write it: with the hour, in the site's date style."""
    return {"iso": f"{d:%Y-%m-%d} 14:32", "slash": f"{d:%Y/%m/%d} 14:32",
            "cn": f"{d.year}年{d.month}月{d.day}日", "dot": f"{d:%Y.%m.%d}"}[site.date_fmt]


def letter_html(site: Site, it: Item) -> str:
    """A message's own page: the 来信 block, the 回复 block when answered, the status line."""
    if site.theme.get("letter") == "table":
        return letter_table(site, it)
    posted = f"　　留言时间：{letter_date(it.date, site)}" if it.date else ""
    html = (f'<div class="letter"><h3>来信内容</h3><p>来信人：市民***{posted}</p>'
            f'<p>{esc(content.letter(it.title))}</p></div>')
    if it.reply:
        html += (f'<div class="reply"><h3>回复内容</h3><p>回复单位：{esc(site.org)}　　'
                 f'回复时间：{letter_date(it.reply, site)}</p><p>{esc(content.answer(site.org))}</p></div>')
    return html + f"<p>办理状态：{STATUS_WORDS[it.state]}</p>"


def letter_table(site: Site, it: Item) -> str:
    """A message's own page drawn as a table of label cells (no colon) and value cells."""
    cells = [("来信人", "市民***"), *([("留言时间", letter_date(it.date, site))] if it.date else []),
             ("留言内容", esc(content.letter(it.title)))]
    if it.reply:
        cells += [("回复单位", esc(site.org)), ("回复时间", letter_date(it.reply, site)),
                  ("回复内容", esc(content.answer(site.org)))]
    cells.append(("办理状态", STATUS_WORDS[it.state]))
    body = "".join(f'<tr><th width="20%">{k}</th><td>{v}</td></tr>' for k, v in cells)
    return f'<table class="xjxq" width="100%">{body}</table>'


def article_paragraphs(site: Site, col: Col, it: Item, port: int) -> str:
    if col.category == "consultation" and (it.date or it.reply):   # a letter, dated or not
        return letter_html(site, it) + "".join(f"<p>{link_html(lk, port)}</p>" for lk in it.links)
    if it.guide is not None:
        html = guide_html(it)
    else:
        paras = it.body or (content.guide_body(it.title, site.org) if col.category == "guide"
                            else content.body(it.title, site.org))
        html = "".join(f"<p>{esc(p)}</p>" for p in paras)
    for link in it.links:
        html += f"<p>{link_html(link, port)}</p>"
    return html + expand(it.raw_html, port)


CN_NUMBERS = "一二三四五六七八九十"


def guide_html(it: Item) -> str:
    """A guide's fields the ways real sites write them."""
    rows = it.guide or []
    if it.guide_style == "table":
        cells = "".join(f"<tr><td class=\"label\">{esc(label)}</td><td>{esc(value)}</td></tr>"
                        for label, _, value in rows)
        return f'<table class="bszn" border="1">{cells}</table>'
    if it.guide_style == "headings":
        return "".join(f"<h3>{esc(label)}</h3><p>{esc(value)}</p>" for label, _, value in rows)
    if it.guide_style == "spans":
        return "".join(f'<div class="item"><span class="tit">{esc(label)}</span>'
                       f'<span class="con">{esc(value)}</span></div>' for label, _, value in rows)
    if it.guide_style == "richtext":    # a rich-text editor's guide: the value on the next line
        return "".join(f'<p><span><strong><span>{CN_NUMBERS[i]}、{esc(label)}：</span></strong></span></p>'
                       f'<p><span>{esc(value)}</span></p>' for i, (label, _, value) in enumerate(rows))
    return "".join(f"<p><strong>{esc(label)}：</strong>{esc(value)}</p>" for label, _, value in rows)


# ---- site search (站内搜索) ---------------------------------------------------------------------
SEARCH_PATH, BROKEN_SEARCH_PATH = "/search/search.jsp", "/jsearch/search.do"
SEARCH_TABS = ("全部", "信息公开", "办事服务", "互动交流")


def search_box_html(site: Site) -> str:
    """The homepage's search box: a GET form, or a field whose script builds the URL."""
    if site.search == "broken":
        return ('<div class="search"><input type="text" id="kw" placeholder="请输入关键词">'
                '<button type="button" onclick="doSearch()">搜索</button><script type="text/javascript">'
                f'function doSearch(){{window.location.href="{BROKEN_SEARCH_PATH}?q="+'
                'encodeURIComponent(document.getElementById("kw").value);}</script></div>')
    return (f'<div class="search"><form action="{SEARCH_PATH}" method="get" name="searchform">'
            '<input type="hidden" name="channelid" value="1"><input type="text" name="searchword" '
            'placeholder="请输入关键词"><input type="submit" value="搜索"></form></div>')


def search_results_html(site: Site, query: dict) -> str:
    """A results page: category tabs, then the site's titles containing the query (linked)."""
    word = (query.get("searchword") or [""])[0].strip()
    hits = [it for c in site.columns for it in c.items if word and word in it.title and not it.href]
    tabs = "".join(f'<li><a href="{SEARCH_PATH}?searchword={esc(word)}&amp;type={i}">{t}</a></li>'
                   for i, t in enumerate(SEARCH_TABS))
    rows = "".join(f'<li><a href="{esc(item_href(it))}" target="_blank">{esc(it.title)}</a></li>'
                   for it in hits[:20])
    body = (f'<ul class="search-tabs">{tabs}</ul><p>共找到 {len(hits)} 条结果</p><ul class="search-list">{rows}</ul>'
            if hits else f'<p>没有找到与“{esc(word)}”相关的结果</p>')
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>搜索结果_{esc(site.name)}</title>'
            f'</head><body><div class="search-result"><h2>搜索结果</h2>{body}</div></body></html>')


def login_gate_html() -> str:
    """What a board behind a login shows instead of its messages."""
    return ('<div class="login-box"><h3>用户登录</h3><p>请先登录后查看留言。</p><form method="post" '
            'action="/hdjl/login.jsp"><p>用户名：<input type="text" name="username"></p>'
            '<p>密码：<input type="password" name="password"></p><p>验证码：<input type="text" '
            'name="yzm"><img src="/images/logo.png" alt="验证码"></p><p><input type="submit" '
            'value="登录"></p></form></div>')


def print_bar() -> str:
    return ('<div class="print"><a href="javascript:window.print()">【打印本页】</a>'
            '<a href="javascript:void(0)" onclick="window.close()">【关闭窗口】</a>'
            '<a href="#top">【返回顶部】</a></div>')


def site_metas(site: Site, column: Col | None = None, title: str = "") -> str:
    out = []
    if site.site_meta:
        out += [f'<meta name="SiteName" content="{esc(site.name)}">',
                f'<meta name="SiteDomain" content="{esc(site.domain)}">',
                f'<meta name="SiteIDCode" content="{site.code}">']
    if column is not None and site.site_meta:
        out.append(f'<meta name="ColumnName" content="{esc(column.name)}">')
    if column is not None and column.meta_type:
        out.append(f'<meta name="ColumnType" content="{esc(column.meta_type)}">')
    if title and site.site_meta:
        out.append(f'<meta name="ArticleTitle" content="{esc(title)}">')
    return "\n".join(out)


def footer(site: Site, port: int, cls: str = "footer", friends: str = "") -> str:
    extra = "".join(f' | <a href="{esc(expand(lk.href, port))}">{esc(lk.text)}</a>'
                    for lk in site.footer_links)
    ext = f"http://{EXT_HOST}:{port}"
    out = set(site.marks_left_out)
    icp = "" if "icp" in out else f"华ICP备0501234{site.host}号　　"
    police = "" if "police" in out else f"华公网安备 99010002000{site.host}号"
    jiucuo = "" if "error_report" in out else (
        f'<a href="{ext}/check_web/errorInfo_querySiteId.action?siteCode={site.code}" '
        f'target="_blank"><img src="/images/jiucuo.png" alt="政府网站找错"></a>')
    dzjg = "" if "conac" in out else '<img src="/images/dzjg.png" alt="党政机关">'
    return (f'<div class="{cls}">{friends}<div class="w1200">'
            f'<p><a href="mailto:webmaster@{esc(site.domain)}">联系我们</a>{extra}</p>'
            f'<p>主办单位：{esc(site.org)}　　承办：{esc(site.org)}信息中心　　'
            f'网站标识码：{site.footer_code or site.code}</p>'
            f'<p>{icp}{police}</p><p>{jiucuo}{dzjg}</p></div></div>')


def friends_select(site: Site, port: int) -> str:
    if not site.friends:
        return ""
    opts = "".join(f'<option value="{esc(expand(h, port))}">{esc(t)}</option>' for t, h in site.friends)
    return ('<div class="yqlj"><span>友情链接：</span><select onchange="if(this.value)'
            f'window.open(this.value)"><option value="">--请选择--</option>{opts}</select></div>')


def error_page_html(site: Site) -> str:
    """/404.html: where error redirects land (200, with a not-found phrase)."""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>页面不存在_{esc(site.name)}</title>'
            '</head><body><div class="error"><h1>404</h1><p>您访问的页面不存在或已被删除。</p>'
            '<p><a href="/">返回首页</a></p></div></body></html>')


def custom_unknown_html(site: Site) -> str:
    """A site's own answer to unknown paths, served with 200 and no not-found phrase at all."""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(site.name)}</title></head>'
            '<body><div class="tip-box"><img src="/images/logo.png" alt="">'
            '<p>抱歉，您要找的内容可能已经移走或尚未发布。</p>'
            '<p>您可以<a href="/">返回网站首页</a>继续浏览。</p></div></body></html>')


def soft404_html(site: Site, phrase: str) -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(phrase)}</title></head>'
            f'<body><div class="msg"><p>{esc(phrase)}！</p><p><a href="/">返回首页</a></p></div>'
            '</body></html>')


def system_error_html(detail: str) -> str:
    """What a dead online system answers with status 200 (a Java app's login/session error)."""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>提示信息</title></head>'
            f'<body><div class="msg"><p>{esc(detail or "用户未登录或登录已过期，请重新登录")}</p>'
            '<p><a href="javascript:history.back()">返回</a></p></div></body></html>')


def plain_status_html(status: int, reason: str) -> str:
    return (f"<!DOCTYPE html><html><head><title>{status} {reason}</title></head>"
            f"<body><h1>{status} {reason}</h1><hr><center>nginx</center></body></html>")
