"""Hanweb/JCMS-style sites: /col/colNNNN/index.html column pages whose records sit in a
<datastore> script block (first group inline), the rest served by dataproxy.jsp; /art/Y/M/D/ articles."""
from __future__ import annotations

from samplefarm.common import (
    STATIC_FILES, TEMPLATE_IMAGES, Rendered, article_date_line, article_paragraphs, col_href, esc,
    expand, fmt_date, footer, friends_select, group_cols, hub_of, item_href, link_html, list_style,
    print_bar, pubdate_meta, site_metas)
from samplefarm.model import Col, Item, Site

DATAPROXY = "/module/web/jpage/dataproxy.jsp"
PER_PAGE = 15
FIRST_GROUP = 45          # records written into the column page (3 pages of 15)


def render(site: Site, port: int) -> Rendered:
    out = Rendered()
    for p in TEMPLATE_IMAGES:
        out.files[p] = "png"
    out.files.update(STATIC_FILES)
    out.files.update(site.files)
    out.pages["/"] = home(site, port)
    out.pages["/index.html"] = out.pages["/"]
    for col in site.columns:
        out.pages[col.path] = column_page(site, col, port)
        for it in col.items:
            if not it.href:
                out.pages[it.path] = article(site, col, it, port)
    out.dynamic[DATAPROXY] = lambda q: dataproxy(site, q)
    return out


def page(site: Site, port: int, title: str, main: str, column: Col | None = None,
         head_extra: str = "") -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{esc(title)}</title>
{site_metas(site, column)}
{head_extra}
<link href="/css/style.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="/js/jquery.min.js"></script>
</head>
<body>
<div id="header"><div class="top_link"><a href="javascript:void(0);" onclick="SetHome(this,window.location)">设为首页</a><a href="javascript:void(0);" onclick="AddFavorite()">加入收藏</a><a href="#">English</a></div>
<div class="logo"><a href="/"><img src="/images/logo.png" alt="{esc(site.name)}" /></a></div></div>
{nav(site, port)}
<div id="container">
{main}
</div>
{footer(site, port, cls="bottom", friends=friends_select(site, port))}
</body>
</html>
"""


def nav(site: Site, port: int) -> str:
    lis = ['<li><a href="/">首页</a></li>']
    for entry in site.nav:
        if isinstance(entry, tuple):
            lis.append(f'<li><a href="{esc(expand(entry[1], port))}" target="_blank">{esc(entry[0])}</a></li>')
        else:
            c = site.col(entry)
            lis.append(f'<li><a href="{esc(col_href(c))}" target="_self">{esc(c.name)}</a></li>')
    opening = site.theme.get("nav", '<div id="menu">')
    if opening.startswith("<ul"):
        return f"{opening}{''.join(lis)}</ul>"
    return f"{opening}<ul>{''.join(lis)}</ul></div>"


def record(site: Site, col: Col, it: Item, style: str | None = None) -> str:
    d = fmt_date(it.date, site, style or list_style(col, it))
    span = f'<span class="bt_time">{d}</span>' if d else ""
    return (f'<li><a href="{esc(item_href(it))}" target="_blank" title="{esc(it.title)}">'
            f'{esc(it.title)}</a>{span}</li>')


def home(site: Site, port: int) -> str:
    parts = []
    for b in site.blocks:
        c = site.col(b.col)
        lis = "".join(record(site, c, it, b.date_style if not it.href else "full") for it in c.items[:b.n])
        more = f'<a class="bt_more" href="{esc(col_href(c))}">更多</a>' if b.more else ""
        parts.append(f'<div class="bt_box"><div class="bt_title"><span>{esc(c.name)}</span>{more}</div>'
                     f'<ul class="bt_list">{lis}</ul></div>')
    if site.home_links:
        links = " ".join(link_html(lk, port) for lk in site.home_links)
        parts.append(f'<div class="zt_link">{links}</div>')
    return page(site, port, site.name, "\n".join(parts))


def crumb(site: Site, col: Col, article: bool = False) -> str:
    hub = hub_of(site, col)
    mid = f' &gt; <a href="{esc(col_href(hub))}">{esc(hub.name)}</a>' if hub else ""
    tail = " &gt; 正文" if article else ""
    return (f'<div class="{site.theme.get("crumb", "dqwz")}">当前位置：<a href="/">首页</a>{mid} &gt; '
            f'<a href="{esc(col_href(col))}">{esc(col.name)}</a>{tail}</div>')


def sidebar(site: Site, col: Col) -> str:
    entries = group_cols(site, col)
    if not entries:
        return ""
    title = col.name if col.kind == "hub" else col.group
    lis = "".join(f'<li><a href="{esc(col_href(c))}">{esc(c.name)}</a></li>' for c in entries)
    return f'<div class="{site.theme.get("side", "leftnav")}"><h2>{esc(title)}</h2><ul>{lis}</ul></div>'


def datastore(site: Site, col: Col) -> str:
    """The JCMS list block: first group inline, a nextgroup link to the data proxy, the pager."""
    total = len(col.items)
    recs = "\n".join(f"<record><![CDATA[\n{record(site, col, it)}\n]]></record>"
                     for it in col.items[:FIRST_GROUP])
    nextgroup = (f"{DATAPROXY}?page=1&appid=1&webid=1&path=/&columnid={col.colid}&unitid=8921"
                 f"&webname={site.name}&permissiontype=0")
    return (f'<div id="{col.colid}"><script type="text/xml"><datastore>\n'
            f'<nextgroup><![CDATA[<a href="{nextgroup}"></a>]]></nextgroup>\n'
            f'<recordset>\n{recs}\n</recordset>\n<totalrecord>{total}</totalrecord>\n'
            f'</datastore></script></div>\n'
            f"<script type=\"text/javascript\">$(document).ready(function(){{$('#{col.colid}').pager("
            f"{{url:'{DATAPROXY}',totalRecord:{total},perPage:{PER_PAGE},columnid:{col.colid},"
            f"unitid:8921,webid:1,appid:1}})}})</script>")


def jpage(site: Site, col: Col) -> str:
    """The oldest JCMS list: the first group in a JS array, the pager fetching the rest by proxyUrl."""
    unit = col.colid * 10
    recs = ",".join("'" + record(site, col, it).replace("'", "\\'") + "'"
                    for it in col.items[:FIRST_GROUP])
    return (f'<div id="{unit}"><script type="text/javascript">var InitData{unit};InitData{unit}=[{recs}];'
            f"$(function(){{$('#{unit}').jpage({{themeName:'default',showMode:'full',"
            f"totalRecord:{len(col.items)},openCookies:false,dataBefore:'<ul class=\"bt_list\">',"
            f"dataStore:InitData{unit},dataAfter:'</ul>',groupSize:{FIRST_GROUP // PER_PAGE},"
            f"proxyUrl:'{DATAPROXY}',perPage:{PER_PAGE},barPosition:'bottom',ajaxParam:{{col:1,"
            f"appid:'1',webid:1,path:'/',columnid:{col.colid},unitid:'{unit}',webname:'{site.name}',"
            f"permissiontype:0}}}});}});</script></div>")


def column_page(site: Site, col: Col, port: int) -> str:
    title = f"{col.name} {site.name}"
    side = sidebar(site, col)
    if col.kind == "static":
        body = f'<div class="bt_content"><div class="main-txt"><p>{esc(col.text)}</p></div></div>'
    elif col.kind == "blank" and col.text:
        body = f'<div class="bt_content"><p>{esc(col.text)}</p></div>'
    elif col.kind == "hub":
        body = '<div class="bt_content">'
        for c in site.children(col):
            lis = "".join(record(site, c, it, "full") for it in c.items[:5])
            body += (f'<div class="gk_box"><div class="gk_title"><span>{esc(c.name)}</span>'
                     f'<a href="{esc(col_href(c))}">更多&gt;&gt;</a></div><ul>{lis}</ul></div>')
        body += "</div>"
    else:      # a list (an empty datastore for a blank list column)
        lst = jpage(site, col) if col.paging == "jpage" else datastore(site, col)
        body = f'<div class="bt_content"><div class="bt_name">{esc(col.name)}</div>{lst}</div>'
    extra = "".join(f"<p>{link_html(lk, port)}</p>" for lk in col.page_links.get(1, []))
    return page(site, port, title, crumb(site, col) + side + body + extra, col)


def article(site: Site, col: Col, it: Item, port: int) -> str:
    line = article_date_line(site, it)
    info = f"<span>{line}</span>" if line else ""
    body = (f'<div class="art_con"><div class="art_title">{esc(it.title)}</div>'
            f'<div class="art_info">{info}<span>信息来源：{esc(site.org)}</span><span>浏览次数：<script>'
            f'document.write(hits)</script></span></div>'
            f'<div class="art_text" id="zoom">{article_paragraphs(site, col, it, port)}</div>{print_bar()}</div>')
    return page(site, port, f"{it.title} {site.name}", crumb(site, col, True) + body, col,
                pubdate_meta(it))


def dataproxy(site: Site, query: dict) -> str:
    """XML answer for records startrecord..endrecord (1-based, inclusive) of one column."""
    def num(name: str, default: int) -> int:
        try:
            return int((query.get(name) or [default])[0])
        except ValueError:
            return default
    colid = num("columnid", 0)
    col = next((c for c in site.columns if c.colid == colid), None)
    items = col.items if col is not None and col.kind != "hub" else []
    start, end = max(num("startrecord", 1), 1), num("endrecord", len(items))
    recs = "".join(f"<record><![CDATA[{record(site, col, it)}]]></record>" for it in items[start - 1:end])
    return (f'<?xml version="1.0" encoding="UTF-8"?><datastore><nextgroup><![CDATA[]]></nextgroup>'
            f"<totalrecord>{len(items)}</totalrecord><recordset>{recs}</recordset></datastore>")

