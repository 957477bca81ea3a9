"""County sites of a CMS family drawn with <div>s (issue 24): list rows are <div>, <p> or <span>
blocks (<div class="r"><a>…</a><p>2026-11-20</p></div>), never li/tr/dd; pagers are a script
page count beside hidden index_<id>_N.html links, a 末页 link after a script 下一页 with
共N条记录 1/M页 (list_N.html, or list-N.html with a 首页 link to list-1.html), or a page-number
<select>; breadcrumbs come after an icon with <span>></span>
separators, as <dd><strong>当前位置：</strong>首页 &gt;&gt; …, or as adjacent <li><a> crumbs whose
separators CSS draws; menu entries owning a drop-down are <li class="has-sub">; a login greeting
sits in a display:none block; the logo links /default.html with the site's name; article pages
carry 要闻 and 关联稿件 blocks and 上一篇/下一篇 links; a republished article's PubDate meta says the
day it was copied (Item.republished), its page the day it was published.

Which variant a site draws comes from site.theme: rows (div | p | span), crumb (icon | dd | li).
"""
from __future__ import annotations

from samplefarm.common import (
    STATIC_FILES, TEMPLATE_IMAGES, Rendered, article_date_line, article_paragraphs, col_href, esc,
    fmt_date, footer, group_cols, hub_of, item_href, list_pages, list_style, page_href, site_metas)
from samplefarm.model import Col, Item, Site

HOME_ALIAS = "/default.html"      # where the logo leads: the homepage under another name
MEMBER_PAGES = ("/member/center.jsp", "/member/logout.jsp")


def render(site: Site, port: int) -> Rendered:
    out = Rendered()
    for p in TEMPLATE_IMAGES + ("/images/home.png",):
        out.files[p] = "png"
    out.files.update(STATIC_FILES)
    out.files.update(site.files)
    out.pages["/"] = out.pages[HOME_ALIAS] = home(site, port)
    for path in MEMBER_PAGES:
        out.pages[path] = page(site, port, f"用户中心_{site.name}",
                               '<div class="dl-box"><h3>用户登录</h3><p>请先登录。</p></div>')
    for col in site.columns:
        column_pages(site, col, port, out)
        for i, it in enumerate(col.items):
            if not it.href:
                out.pages[it.path] = article(site, col, i, port)
    return out


def page(site: Site, port: int, title: str, main: str, column: Col | None = None,
         head_extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(title)}</title>
{site_metas(site, column)}
{head_extra}
<link rel="stylesheet" type="text/css" href="/css/style.css">
</head>
<body>
<div class="tt w1200"><a href="{HOME_ALIAS}"><img src="/images/logo.png" alt="{esc(site.name)}"></a>
<div class="dl" style="display:none">你好，<a href="{MEMBER_PAGES[0]}">用户中心</a> | <a href="{MEMBER_PAGES[1]}">退出</a></div></div>
{menu(site)}
<div class="w1200 nr">
{main}
</div>
{footer(site, port)}
</body>
</html>
"""


def menu(site: Site) -> str:
    """First-level entries; a hub's entry owns a drop-down of its children."""
    lis = ['<li class="on"><a href="/">首页</a></li>']
    for key in site.nav:
        c = site.col(key)
        kids = site.children(c) if c.kind == "hub" else []
        if kids:
            sub = "".join(f'<a href="{esc(col_href(k))}">{esc(k.name)}</a>' for k in kids)
            lis.append(f'<li class="has-sub"><a href="{esc(col_href(c))}">{esc(c.name)}</a>'
                       f'<div class="sub-box">{sub}</div></li>')
        else:
            lis.append(f'<li><a href="{esc(col_href(c))}">{esc(c.name)}</a></li>')
    return f'<div class="dh"><ul>{"".join(lis)}</ul></div>'


def row(site: Site, it: Item, style: str) -> str:
    d = fmt_date(it.date, site, style)
    a = f'<a href="{esc(item_href(it))}" target="_blank" title="{esc(it.title)}">{esc(it.title)}</a>'
    kind = site.theme.get("rows", "div")
    if kind == "p":
        return f'<p class="row">{a}<span>{d}</span></p>'
    if kind == "span":
        return f'<span class="it">{a}<i>{d}</i></span><br>'
    return f'<div class="r">{a}<p>{d}</p></div>'


def rows(site: Site, items: list[Item], style: str | None = None, col: Col | None = None) -> str:
    return "".join(row(site, it, style or list_style(col, it)) for it in items)


def home(site: Site, port: int) -> str:
    parts = []
    for b in site.blocks:
        c = site.col(b.col)
        more = f'<a class="gd" href="{esc(col_href(c))}">更多</a>' if b.more else ""
        parts.append(f'<div class="mk"><div class="mk-t"><span>{esc(c.name)}</span>{more}</div>'
                     f'<div class="mk-c">{rows(site, c.items[:b.n], b.date_style)}</div></div>')
    return page(site, port, site.name, "\n".join(parts))


def crumb(site: Site, col: Col, article: bool = False) -> str:
    hub = hub_of(site, col)
    trail = ([("首页", "/")] + ([(hub.name, col_href(hub))] if hub else [])
             + [(col.name, col_href(col))])
    style = site.theme.get("crumb", "icon")
    if style == "dd":
        text = " &gt;&gt; ".join(esc(n) for n, _ in trail) + (" &gt;&gt; 正文" if article else "")
        return f'<dl class="wz-x"><dd><strong>当前位置：</strong>{text}</dd></dl>'
    links = [f'<a href="{esc(h)}">{esc(n)}</a>' for n, h in trail]
    if style == "li":
        lis = "".join(f"<li>{a}</li>" for a in links) + ("<li>正文</li>" if article else "")
        return f'<div class="lj-x"><span>您所在的位置：</span><ul class="crumbs-x">{lis}</ul></div>'
    sep = "<span>></span>"
    return (f'<div class="dq-x"><img src="/images/home.png"> 当前位置：{sep.join(links)}'
            f'{sep + "<span>正文</span>" if article else ""}</div>')


def sidebar(site: Site, col: Col) -> str:
    entries = [c for c in group_cols(site, col) if not c.hidden]
    if not entries:
        return ""
    lis = "".join(f'<li><a href="{esc(col_href(c))}">{esc(c.name)}</a></li>' for c in entries)
    return f'<div class="left-nav"><h2>{esc(col.group or col.name)}</h2><ul>{lis}</ul></div>'


def pager(site: Site, col: Col, k: int, total: int) -> str:
    """The pagers of this family; none of them a plain 下一页 link or createPageHTML."""
    if total <= 1:
        return ""
    if col.paging == "maxpage":     # a script count beside a few hidden numbered links
        hidden = "".join(f'<a href="{esc(page_href(col, i))}">{i + 1}</a>'
                         for i in range(k + 1, min(k + 4, total)))
        return (f'<div class="fy"><script>var maxPageNum = {total}; var currentPage = {k + 1};'
                f' var pageSize = {col.per_page}; showPager(currentPage, maxPageNum);</script>'
                f'<div style="display:none">{hidden}</div></div>')
    if col.paging in ("last", "hyphen"):   # 下一页 by script; the 末页 link gives the count
        # hyphen: list-2.html … and a 首页 link naming page 1 list-1.html
        first = (f'<a href="{esc(_page_one(col)[len(col.dir):])}">首页</a> '
                 if col.paging == "hyphen" else "")
        return (f'<div class="fy">共{len(col.items)}条记录 {k + 1}/{total}页 {first}'
                f'<a href="javascript:void(0)" onclick="goPage({k + 2})">下一页</a> '
                f'<a href="{esc(page_href(col, total - 1))}">末页</a></div>')
    if col.paging == "select":      # a page-number <select>, TRS numbering
        opts = "".join(f'<option value="{esc(page_href(col, i))}"{" selected" if i == k else ""}>{i + 1}</option>'
                       for i in range(total))
        return (f'<div class="fy">第{k + 1}页 转到 <select onchange="window.location=this.value">'
                f'{opts}</select></div>')
    return ""


def column_pages(site: Site, col: Col, port: int, out: Rendered) -> None:
    side = sidebar(site, col)
    title = f"{col.name}_{site.name}"
    if col.kind in ("static", "blank"):
        text = f"<p>{esc(col.text)}</p>" if col.text else ""
        body = f'<div class="zw-r"><div class="lm-t">{esc(col.name)}</div><div class="lm-c">{text}</div></div>'
        out.pages[col.path] = page(site, port, title, crumb(site, col) + side + body, col)
        return
    if col.kind == "hub":
        blocks = "".join(
            f'<div class="mk"><div class="mk-t"><span>{esc(c.name)}</span>'
            f'<a class="gd" href="{esc(col_href(c))}">更多</a></div>'
            f'<div class="mk-c">{rows(site, c.items[:5], "full")}</div></div>'
            for c in site.children(col))
        out.pages[col.path] = page(site, port, title, crumb(site, col) + side + blocks, col)
        return
    pages = list_pages(col)
    for k, (key, items) in enumerate(pages):
        extra = "".join(f'<p class="fj"><a href="{esc(lk.href)}">{esc(lk.text)}</a></p>'
                        for lk in col.page_links.get(k + 1, []))
        body = (f'<div class="zw-r"><div class="lm-t">{esc(col.name)}</div>'
                f'<div class="lm-c">{rows(site, items, col=col)}</div>{extra}'
                f'{pager(site, col, k, len(pages))}</div>')
        html = page(site, port, title, crumb(site, col) + side + body, col)
        out.pages[key] = html
        if k == 0 and key.endswith("/"):
            out.pages[key + "index.html"] = html
        if k == 0 and col.paging == "hyphen":    # its 首页 link: list-1.html, page 1 again
            out.pages[_page_one(col)] = html


def _page_one(col: Col) -> str:
    """Page 1 of a list paged list-2.html …, as its 首页 link names it: list-1.html."""
    base, _, ext = col.path.rpartition(".")
    return f"{base}-1.{ext}"


def article(site: Site, col: Col, i: int, port: int) -> str:
    it = col.items[i]
    line = article_date_line(site, it)
    meta = ""
    if it.date is not None and it.article in ("both", "meta"):
        shown = it.republished or it.date
        meta = f'<meta name="PubDate" content="{shown:%Y-%m-%d} 10:12">'
    # What an article template puts beside the text: 上一篇/下一篇, 关联稿件 and a 要闻 sidebar
    # (other articles of the same column).
    near = [j for j in (i - 1, i + 1) if 0 <= j < len(col.items) and not col.items[j].href]
    neighbours = "".join(
        f'<p>{"上一篇" if j < i else "下一篇"}：<a href="{esc(col.items[j].path)}">{esc(col.items[j].title)}</a></p>'
        for j in near)
    others = [c for c in col.items[:6] if c is not it and not c.href][:4]
    related = "".join(f'<div class="r"><a href="{esc(o.path)}">{esc(o.title)}</a><p>{fmt_date(o.date, site)}</p></div>'
                      for o in others[:3])
    side = "".join(f'<div class="r"><a href="{esc(o.path)}">{esc(o.title)}</a><i>{fmt_date(o.date, site, "partial")}</i></div>'
                   for o in others)
    body = (f'<div class="zw-l"><h1>{esc(it.title)}</h1>'
            f'<div class="xx">{line} 来源：{esc(site.org)}</div>'
            f'<div class="nr">{article_paragraphs(site, col, it, port)}</div>'
            f'<div class="sxp">{neighbours}</div>'
            f'<div class="glgj"><h3>关联稿件</h3>{related}</div></div>'
            f'<div class="zw-side"><div class="kk-t"><span>要闻</span></div>{side}</div>')
    return page(site, port, f"{it.title}_{site.name}", crumb(site, col, article=True) + body, col, meta)
