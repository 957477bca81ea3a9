"""TRS-WCM-style static sites: index.html / index_N.html lists with createPageHTML(), t2026…_id.html
articles; also the small-town variants with ?page=N and 下一页 paging."""
from __future__ import annotations

import calendar as cal
import re

from samplefarm import content
from samplefarm.common import (
    STATIC_FILES, STATUS_WORDS, TEMPLATE_IMAGES, Rendered, article_date_line, article_paragraphs,
    SEARCH_PATH, col_href, esc, expand, fmt_date, footer, friends_select, group_cols, hub_of,
    item_href, letter_date, link_html, list_pages, list_style, login_gate_html, page_href,
    print_bar, pubdate_meta, search_box_html, search_results_html, site_metas)
from samplefarm.model import Col, Item, Site
from samplefarm.spec import AS_OF

# The TRS paging function as real pages carry it inline (the crawler must not take its
# parameter list for a call).
PAGE_JS = """function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount<=1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  if(nCurrIndex == 0) document.write("<span>首页</span>&nbsp;");
  else document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;");
  for(var i=1; i<_nPageCount; i++){
    document.write("<a href=\\""+_sPageName+"_"+i+"."+_sPageExt+"\\">"+(i+1)+"</a>&nbsp;");
  }
}"""


def render(site: Site, port: int) -> Rendered:
    out = Rendered()
    for p in TEMPLATE_IMAGES:
        out.files[p] = "png"
    out.files.update(STATIC_FILES)
    out.files.update(site.files)
    for i, _ in enumerate(site.focus):
        out.files[f"/images/focus{i + 1}.jpg"] = "jpg"
    out.pages["/"] = home(site, port)
    if site.theme.get("home", "/") != "/":
        out.pages[site.theme["home"]] = out.pages["/"]
    if site.entry:
        out.pages["/"] = entry_page(site, port)
    if site.sitemap:
        out.pages["/wzdt/index.html"] = sitemap_page(site, port)
    for col in site.columns:
        column_pages(site, col, port, out)
        for it in col.items:
            if not it.href:
                out.pages[it.path] = article(site, col, it, port)
    for path, title in site.extra_pages.items():
        out.pages[path] = page(site, port, title, f'<div class="article"><h1>{esc(title)}</h1>'
                               f'<div class="TRS_Editor"><p>{esc(site.org)}{esc(title)}页面，'
                               '请依法合规使用本网站信息。</p></div></div>')
    for path, title in site.app_pages.items():
        # An online service system's page: an empty shell its script fills after login.
        out.pages[path] = page(site, port, title, '<div id="app" class="wsbs-app"></div>'
                               '<script type="text/javascript">var appBase = "/wsbsdt/";</script>')
    if site.calendar:
        out.dynamic["/hdrl/calendar.jsp"] = lambda q: calendar_page(site, port, q)
    if site.search == "categorised":
        out.dynamic[SEARCH_PATH] = lambda q: search_results_html(site, q)
    return out


# ---- skeleton ------------------------------------------------------------------------------
def page(site: Site, port: int, title: str, main: str, column: Col | None = None,
         head_extra: str = "") -> str:
    if site.encoding == "gb18030":
        charset = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    elif site.encoding == "gbk-as-utf8":
        charset = '<meta charset="UTF-8">'          # …and the bytes are GBK
    elif site.date_fmt == "cn":
        charset = '<meta charset="utf-8">'
    else:
        charset = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    page_js = ("<script>\n" + PAGE_JS + "\n</script>" if site.unknown == "custom200"
               else '<script type="text/javascript" src="/js/page.js"></script>')
    return f"""<!DOCTYPE html>
<html>
<head>
{charset}
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{esc(title)}</title>
{site_metas(site, column)}
{head_extra}
<link rel="stylesheet" type="text/css" href="/css/style.css">
<script type="text/javascript" src="/js/jquery.min.js"></script>
{page_js}
</head>
<body>
<a name="top"></a>
<div class="header"><div class="topbar"><a href="javascript:void(0)" onclick="SetHome(this)">设为首页</a> | <a href="javascript:void(0)" onclick="AddFavorite()">加入收藏</a> | <a href="#">无障碍浏览</a></div>
<div class="w1200"><a href="/"><img src="/images/logo.png" alt="{esc(site.name)}"></a><span class="site-name">{esc(site.name)}</span></div></div>
{nav(site, port)}
<div class="main w1200">
{main}
</div>
{column_menu(site, port)}{footer(site, port, friends=friends_select(site, port))}
</body>
</html>
"""


def column_menu(site: Site, port: int) -> str:
    """A 栏目 menu above the footer whose class names nothing (real: <div class="dhlm">): the nav
    columns and the extra entries of theme["column_menu"] ((text, href) pairs)."""
    extra = site.theme.get("column_menu")
    if extra is None:
        return ""
    lis = '<li class="first"><a href="#">网站首页</a></li>' + "".join(
        f'<li><a href="{esc(col_href(site.col(k)))}">{esc(site.col(k).name)}</a></li>' for k in site.nav)
    lis += "".join(f'<li><a href="{esc(expand(h, port))}">{esc(t)}</a></li>' for t, h in extra)
    return f'<div class="dhlm clearfix"><ul>{lis}</ul></div>\n'


def nav(site: Site, port: int) -> str:
    lis = [f'<li><a href="{esc(site.theme.get("home", "/"))}">首页</a></li>']
    for entry in site.nav:
        if isinstance(entry, tuple):
            lis.append(f'<li><a href="{esc(expand(entry[1], port))}" target="_blank">{esc(entry[0])}</a></li>')
        else:
            c = site.col(entry)
            lis.append(f'<li><a href="{esc(col_href(c))}">{esc(c.name)}</a></li>')
    opening = site.theme.get("nav", '<div class="nav">')
    tag = re.match(r"<(\w+)", opening).group(1)
    if tag == "ul":
        return f"{opening}{''.join(lis)}</ul>"
    return f"{opening}<ul>{''.join(lis)}</ul></{tag}>"


def li(site: Site, it: Item, style: str, pin: bool = True) -> str:
    d = fmt_date(it.date, site, style)
    span = f"<span>{d}</span>" if d else ""
    a = f'<a href="{esc(item_href(it))}" target="_blank" title="{esc(it.title)}">{esc(it.title)}</a>'
    if it.pinned and pin:
        if site.theme.get("pin") == "label" or site.date_fmt == "cn":
            return f'<li><span class="zd">[置顶]</span>{a}{span}</li>'
        return f'<li class="top"><img src="/images/top.gif" alt="置顶">{a}{span}</li>'
    return f"<li>{a}{span}</li>"


def rows(site: Site, col: Col, items: list[Item]) -> str:
    consult = col.category == "consultation"
    full = col.board == "table"          # a board table that also shows the reply time
    head = ("<tr><th>标题</th><th>留言时间</th><th>回复时间</th><th>状态</th></tr>" if full else
            "<tr><th>标题</th><th>留言时间</th><th>状态</th></tr>" if consult else
            "<tr><th>标题</th><th>发布日期</th></tr>")
    body = ""
    for it in items:
        a = f'<a href="{esc(item_href(it))}" target="_blank" title="{esc(it.title)}">{esc(it.title)}</a>'
        reply = f"<td>{letter_date(it.reply, site) if it.reply else ''}</td>" if full else ""
        state = f"<td>{STATUS_WORDS[it.state]}</td>" if consult else ""
        when = letter_date(it.date, site) if full else fmt_date(it.date, site, list_style(col, it))
        body += f"<tr><td class=\"bt\">{a}</td><td>{when}</td>{reply}{state}</tr>"
    return f'<table class="list-table" width="100%">{head}{body}</table>'


def badge_li(site: Site, it: Item, reply_date: bool = True) -> str:
    """A board entry with its status badge (and the reply date once answered, unless the board
    leaves it to the letter's page)."""
    a = f'<a href="{esc(item_href(it))}" target="_blank" title="{esc(it.title)}">{esc(it.title)}</a>'
    reply = f'<span class="hfsj">回复：{fmt_date(it.reply, site)}</span>' if it.reply and reply_date else ""
    return (f'<li>{a}<span class="lysj">{fmt_date(it.date, site)}</span>{reply}'
            f'<span class="badge">{STATUS_WORDS[it.state]}</span></li>')


def badge_div(site: Site, it: Item) -> str:
    """A board entry drawn as a <div> row whose status is a picture (its alt text says it)."""
    a = f'<a href="{esc(item_href(it))}" target="_blank" title="{esc(it.title)}">{esc(it.title)}</a>'
    reply = f'<em>回复：{fmt_date(it.reply, site)}</em>' if it.reply else ""
    return (f'<div class="xx">{a}<em>{fmt_date(it.date, site)}</em>{reply}'
            f'<img src="/images/logo.png" alt="{STATUS_WORDS[it.state]}"></div>')


# ---- homepage ------------------------------------------------------------------------------
def home(site: Site, port: int) -> str:
    parts = [search_box_html(site)] if site.search else []
    if site.focus and site.theme.get("focus") == "caption":
        parts.append(caption_slides(site))
    elif site.focus:
        lis = ""
        for i, (key, idx) in enumerate(site.focus):
            it = site.col(key).items[idx]
            lis += (f'<li><a href="{esc(item_href(it))}" target="_blank"><img src="/images/focus{i + 1}.jpg" '
                    f'alt="{esc(it.title)}"></a><p>{esc(it.title)}</p></li>')
        parts.append(f'<div class="focus-box"><ul class="pic">{lis}</ul></div>')
    more_text = {"iso": "更多&gt;&gt;", "slash": "更多", "cn": "更多&gt;&gt;", "dot": "more"}[site.date_fmt]
    for b in site.blocks:
        c = site.col(b.col)
        lis = "".join(li(site, it, b.date_style if not it.href else "full") for it in c.items[:b.n])
        more = f'<a class="more" href="{esc(col_href(c))}">{more_text}</a>' if b.more else ""
        parts.append(f'<div class="index-box"><div class="box-hd"><h3>{esc(c.name)}</h3>{more}</div>'
                     f'<ul class="list">{lis}</ul></div>')
    parts += fidelity_blocks(site)
    if site.home_links:
        links = " ".join(link_html(lk, port) for lk in site.home_links)
        parts.append(f'<div class="kslj"><h3>快速链接</h3>{links}</div>')
    if site.home_html:
        parts.append(site.home_html)
    if site.calendar:
        parts.append(f'<div class="rili"><h3>活动日历</h3>{month_nav(AS_OF.year, AS_OF.month)}</div>')
    return page(site, port, site.name, "\n".join(parts))


# ---- column pages --------------------------------------------------------------------------
def crumb(site: Site, col: Col, tail: str = "") -> str:
    cls = site.theme.get("crumb", "position")
    hub = hub_of(site, col)
    mid = f' &gt; <a href="{esc(col_href(hub))}">{esc(hub.name)}</a>' if hub else ""
    last = f' &gt; <a href="{esc(col_href(col))}">{esc(col.name)}</a>{tail}' if tail else f" &gt; <span>{esc(col.name)}</span>"
    return f'<div class="{cls}">当前位置：<a href="{esc(site.theme.get("home", "/"))}">首页</a>{mid}{last}</div>'


def sidebar(site: Site, col: Col) -> str:
    entries = [c for c in group_cols(site, col) if not c.hidden]
    if not entries:
        return ""
    title = col.name if col.kind == "hub" else col.group
    on = ' class="on"'
    lis = "".join(f'<li{on if c is col else ""}><a href="{esc(col_href(c))}">{esc(c.name)}</a></li>'
                  for c in entries)
    return f'<div class="left"><div class="{site.theme.get("side", "sub-nav")}"><h2>{esc(title)}</h2><ul>{lis}</ul></div></div>'


def paging_html(site: Site, col: Col, k: int, total: int) -> str:
    if col.paging == "trs":
        call = (f'createPageHTML({total}, {k}, "index", "html");' if k != 1
                else f"createPageHTML( {total}, {k}, 'index', 'html' );")
        return f'<div class="page"><script type="text/javascript">{call}</script></div>'
    if col.paging == "trs_inline":   # a TRS template writing its own pager (no createPageHTML)
        return ('<div class="page"><script language="javascript">'
                f"var currentPage={k};var prevPage=currentPage-1;var nextPage=currentPage+1;"
                f"var countPage={total}//共多少页\n"
                'document.write("<a href=\\"index.html\\" target=\\"_self\\">首页</a>&nbsp;");'
                "if(countPage>1&&currentPage!=0&&currentPage!=1)"
                'document.write("<a href=\\"index"+"_"+prevPage+"."+"html\\">上一页</a>&nbsp;");'
                "if(countPage>1&&currentPage!=(countPage-1))"
                'document.write("<a href=\\"index"+"_"+nextPage+"."+"html\\">下一页</a>&nbsp;");'
                "</script></div>")
    if col.paging == "page":
        links = " ".join(f'<span class="cur">{i + 1}</span>' if i == k else
                         f'<a href="{esc(page_href(col, i))}">{i + 1}</a>' for i in range(total))
        return f'<div class="pagination">共{total}页 {links}</div>'
    if col.paging == "next":
        prev = page_href(col, max(k - 1, 0))
        nxt = page_href(col, min(k + 1, total - 1))   # the last page's 下一页 points to itself
        return (f'<div class="fenye">共{total}页 当前第{k + 1}页 <a href="{esc(page_href(col, 0))}">首页</a> '
                f'<a href="{esc(prev)}">上一页</a> <a href="{esc(nxt)}">下一页</a> '
                f'<a href="{esc(page_href(col, total - 1))}">尾页</a></div>')
    return ""


def column_pages(site: Site, col: Col, port: int, out: Rendered) -> None:
    side = sidebar(site, col)
    title = f"{col.name}_{site.name}"
    if col.kind == "static":
        extra = "".join(f"<p>{link_html(lk, port)}</p>" for lk in col.static_links)
        body = f'<div class="article"><h1>{esc(col.name)}</h1><div class="TRS_Editor"><p>{esc(col.text)}</p>{extra}</div></div>'
        out.pages[col.path] = page(site, port, title, crumb(site, col) + side + f'<div class="right">{body}</div>', col)
        return
    if col.kind == "blank":
        body = f'<div class="lm-title"><h2>{esc(col.name)}</h2></div><div class="content-list"><ul></ul>'
        body += f'<p class="nodata">{esc(col.text)}</p></div>' if col.text else "</div>"
        out.pages[col.path] = page(site, port, title, crumb(site, col) + side + f'<div class="right">{body}</div>', col)
        return
    if col.kind == "hub":
        blocks = ""
        for c in site.children(col) + sub_channels(site, col):
            lis = "".join(li(site, it, "full") for it in c.items[:5])
            blocks += (f'<div class="gk-box"><div class="box-hd">{block_heading(site, c.name)}'
                       f'<a class="more" href="{esc(col_href(c))}">更多&gt;&gt;</a></div><ul>{lis}</ul></div>')
        blocks += "".join(f"<p>{link_html(lk, port)}</p>" for lk in col.page_links.get(1, []))
        out.pages[col.path] = page(site, port, title, crumb(site, col) + side + f'<div class="right">{blocks}</div>', col)
        return
    if col.gate:
        body = f'<div class="lm-title"><h2>{esc(col.name)}</h2></div>{login_gate_html()}'
        out.pages[col.path] = page(site, port, title, crumb(site, col) + side + f'<div class="right">{body}</div>', col)
        return
    pages = list_pages(col)
    for k, (key, items) in enumerate(pages):
        if col.table or col.board == "table":
            lst = rows(site, col, items)
        elif col.board in ("badge", "status"):
            lst = '<ul class="list board">' + "".join(badge_li(site, it, col.board == "badge")
                                                      for it in items) + "</ul>"
        elif col.board == "divs":
            lst = '<div class="xx-list">' + "".join(badge_div(site, it) for it in items) + "</div>"
        else:
            lst = '<ul class="list">' + "".join(li(site, it, list_style(col, it)) for it in items) + "</ul>"
        extra = "".join(f"<p>{link_html(lk, port)}</p>" for lk in col.page_links.get(k + 1, []))
        body = (f'<div class="lm-title"><h2>{esc(col.name)}</h2></div><div class="content-list">{lst}{extra}'
                f'{paging_html(site, col, k, len(pages))}</div>')
        html = page(site, port, title, crumb(site, col) + side + f'<div class="right">{body}</div>', col)
        out.pages[key] = html
        if k == 0 and key.endswith("/"):
            out.pages[key + "index.html"] = html


# ---- real-site fidelity: channel pages, site map, entry page, headline/slides/ticker/tabs ------
def sub_channels(site: Site, hub: Col) -> list[Col]:
    """Channel pages below a channel page (a hub whose group is this hub)."""
    return [c for c in site.columns if c.kind == "hub" and c.group == hub.name and c is not hub]


def block_heading(site: Site, name: str) -> str:
    """A channel block's heading as the site's template writes it."""
    style = site.theme.get("block_head", "h3")
    if style == "b":
        return f'<span class="icon"></span><b>{esc(name)}</b>'
    if style == "td":
        return f'<table width="100%"><tr><td class="bt">{esc(name)}</td></tr></table>'
    return f"<h3>{esc(name)}</h3>"


def sitemap_page(site: Site, port: int) -> str:
    """网站地图: the column tree, first-level entries as headings, their columns under them."""
    dead = "".join(f'<li><a href="{esc(lk.href)}">{esc(lk.text)}</a></li>' for lk in site.sitemap_dead)
    groups: dict[str, list[Col]] = {}
    for key in site.sitemap:
        c = site.col(key)
        groups.setdefault(c.group or c.name, []).append(c)
    body = ""
    for title, cols in groups.items():
        lis = "".join(f'<li><a href="{esc(col_href(c))}">{esc(c.name)}</a></li>' for c in cols)
        body += f'<div class="map-box"><h3>{esc(title)}</h3><ul>{lis}</ul></div>'
    body += f'<div class="map-box"><h3>其他</h3><ul>{dead}</ul></div>' if dead else ""
    return page(site, port, f"网站地图_{site.name}",
                f'<div class="position">当前位置：<a href="/">首页</a> &gt; 网站地图</div>'
                f'<div class="wzdt">{body}</div>')


def entry_page(site: Site, port: int) -> str:
    """A navigation-entry homepage (导航页): a banner and a few big links, nothing dated."""
    links = "".join(f'<li><a href="{esc(expand(lk.href, port))}"><img src="/images/logo.png" '
                    f'alt="{esc(lk.text)}"><span>{esc(lk.text)}</span></a></li>' for lk in site.entry)
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(site.name)}</title>
{site_metas(site)}
<link rel="stylesheet" type="text/css" href="/css/style.css">
</head>
<body class="entry">
<div class="entry-banner"><img src="/images/logo.png" alt="{esc(site.name)}"><h1>{esc(site.name)}</h1></div>
<div class="entry-links"><ul>{links}</ul></div>
{footer(site, port)}
</body>
</html>
"""


def caption_slides(site: Site) -> str:
    """A focus carousel whose images carry no alt: each slide's title is the caption beside it."""
    out = ""
    for i, (key, idx) in enumerate(site.focus):
        it = site.col(key).items[idx]
        out += (f'<div class="slide"><a href="{esc(item_href(it))}" target="_blank">'
                f'<img src="/images/focus{i + 1}.jpg" alt=""></a>'
                f'<span class="slide-tit">{esc(it.title)}</span></div>')
    return f'<div class="jdt">{out}</div>'


def fidelity_blocks(site: Site) -> list[str]:
    """Headline, ticker and tab panes: homepage items outside plain dated lists."""
    parts = []
    if site.headline and site.theme.get("headline") == "div":
        # A heading linking one article with a short summary and a [详细] link (ASP/动易 portals).
        it = site.col(site.headline[0]).items[site.headline[1]]
        href = esc(item_href(it))
        parts.append(f'<div class="headline"><h2><a href="{href}" target="_blank">{esc(it.title)}</a>'
                     f'</h2><p>{esc(content.body(it.title, site.org, 1)[0][:40])}… '
                     f'<a href="{href}" target="_blank">[详细]</a></p></div>')
    elif site.headline:
        it = site.col(site.headline[0]).items[site.headline[1]]
        parts.append(f'<div class="toutiao"><h2><a href="{esc(item_href(it))}" target="_blank">'
                     f'{esc(it.title)}</a></h2><p>{esc(content.body(it.title, site.org, 1)[0])}</p></div>')
    if site.ticker:
        links = "&nbsp;&nbsp;".join(
            f'<a href="{esc(item_href(it))}" target="_blank">{esc(it.title)}</a>'
            for it in (site.col(k).items[i] for k, i in site.ticker))
        parts.append(f'<div class="gundong"><span>滚动：</span><marquee>{links}</marquee></div>')
    for keys, n in site.tabs:
        cols = [site.col(k) for k in keys]
        on, hide = ' class="on"', ' style="display:none"'
        heads = "".join(f'<a href="{esc(col_href(c))}"{on if i == 0 else ""}>{esc(c.name)}</a>'
                        for i, c in enumerate(cols))
        panes = "".join(f'<ul class="tab-pane"{"" if i == 0 else hide}>'
                        + "".join(li(site, it, "full") for it in c.items[:n]) + "</ul>"
                        for i, c in enumerate(cols))
        parts.append(f'<div class="tab-box"><div class="tab-hd">{heads}'
                     f'<a class="more" href="{esc(col_href(cols[0]))}">更多&gt;&gt;</a></div>{panes}</div>')
    return parts


# ---- articles ------------------------------------------------------------------------------
def article(site: Site, col: Col, it: Item, port: int) -> str:
    line = article_date_line(site, it)
    info = f'<span class="time">{line}</span>' if line else ""
    body = (f'<div class="article"><h1 class="title">{esc(it.title)}</h1>'
            f'<div class="info">{info}<span>来源：{esc(site.org)}</span><span>【字体：大 中 小】</span></div>'
            f'<div class="TRS_Editor">{article_paragraphs(site, col, it, port)}</div>{print_bar()}</div>')
    metas = pubdate_meta(it)
    if col.article_meta:
        metas += (f'\n<meta name="ArticleTitle" content="{esc(it.title)}">'
                  f'\n<meta name="ContentSource" content="{esc(site.org)}">')
    return page(site, port, f"{it.title}_{site.name}", crumb(site, col, " &gt; 正文") + body, col, metas)


# ---- the endless activity calendar (a crawler trap) -------------------------------------------
def month_nav(year: int, month: int) -> str:
    py, pm = (year - 1, 12) if month == 1 else (year, month - 1)
    ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
    return (f'<a href="/hdrl/calendar.jsp?month={py:04d}-{pm:02d}">&lt;上月</a> '
            f'<span>{year}年{month}月</span> '
            f'<a href="/hdrl/calendar.jsp?month={ny:04d}-{nm:02d}">下月&gt;</a>')


def calendar_page(site: Site, port: int, query: dict) -> str:
    m = re.fullmatch(r"(\d{1,4})-(\d{1,2})", (query.get("month") or [""])[0])
    year, month = (int(m.group(1)), int(m.group(2))) if m and 1 <= int(m.group(2)) <= 12 else \
        (AS_OF.year, AS_OF.month)
    year = max(year, 1)
    weeks = cal.Calendar().monthdayscalendar(year, month) if 1 <= year <= 9999 else []
    cells = "".join("<tr>" + "".join(f"<td>{d or ''}</td>" for d in w) + "</tr>" for w in weeks)
    main = (f'<div class="rili"><h2>活动日历</h2>{month_nav(year, month)}'
            f'<table class="calendar"><tr><th>一</th><th>二</th><th>三</th><th>四</th><th>五</th>'
            f'<th>六</th><th>日</th></tr>{cells}</table><p>本月暂无安排的活动。</p></div>')
    return page(site, port, f"活动日历_{site.name}", main)
