"""Older county sites built entirely of tables (TRS templates of the 2000s, as 樟树 and 鄂尔多斯 still
serve them): the homepage menu is a row of <td class="STYLE2" id="qhN"> cells, inner pages carry a
<table id="memu"> menu and a left <table class="gl_left"> menu, block headings are <td class="bt">,
every href is relative ("../../zjzs/"), and the breadcrumb reads 您现在的位置是：首页 >> … ."""
from __future__ import annotations

import posixpath

from samplefarm.common import (
    STATIC_FILES, TEMPLATE_IMAGES, Rendered, article_date_line, article_paragraphs, col_href, esc,
    fmt_date, footer, group_cols, hub_of, item_href, list_style)
from samplefarm.model import Col, Item, Site


def render(site: Site, port: int) -> Rendered:
    out = Rendered()
    for p in TEMPLATE_IMAGES + ("/images/more.gif", "/images/gl_ico.jpg", "/images/menu_line.jpg"):
        out.files[p] = "png"
    out.files.update(STATIC_FILES)
    out.files.update(site.files)
    out.pages["/"] = home(site, port)
    for col in site.columns:
        out.pages[col.path] = column_page(site, col, port)
        for it in col.items:
            if not it.href:
                out.pages[it.path] = article(site, col, it, port)
    return out


def rel(here: str, target: str) -> str:
    """target as the template writes it from page `here`: relative to here's directory."""
    base = here if here.endswith("/") else here[: here.rfind("/") + 1]
    out = posixpath.relpath(target, base)
    if target.endswith("/") and not out.endswith("/"):
        out += "/"
    return "./" if out in (".", "./") else out


def page(site: Site, port: int, here: str, title: str, menu: str, main: str) -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{esc(title)}</title>
<link href="{rel(here, '/css/style.css')}" rel="stylesheet" type="text/css" />
</head>
<body style="margin:0; padding:0">
<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td height="120"><img src="{rel(here, '/images/logo.png')}" width="1002" height="120" /></td></tr>
</table>
{menu}
{main}
{footer(site, port, cls="bottom")}
</body>
</html>
"""


def qh_menu(site: Site, here: str) -> str:
    """The homepage menu: one table cell per entry, a spacer image between them."""
    cells = [f'<td height="37" align="center" class="STYLE60" id="qh0"><span><a href="{rel(here, "/")}">'
             '网站首页</a></span></td>']
    for i, key in enumerate(site.nav, 1):
        c = site.col(key)
        cells.append(f'<td width="2" align="center"><img src="{rel(here, "/images/menu_line.jpg")}" /></td>')
        cells.append(f'<td height="37" align="center" class="STYLE2" id="qh{i}" onmousemove="qh({i})">'
                     f'<span><a href="{rel(here, col_href(c))}" target="_blank">{esc(c.name)}</a></span></td>')
    return ('<table width="1002" border="0" align="center" cellpadding="0" cellspacing="0"><tr>'
            + "".join(cells) + "</tr></table>")


def memu(site: Site, here: str) -> str:
    """The inner pages' menu: <table id="memu"> (sic, as the real template spells it)."""
    cells = [f'<td class="td1"><a href="{rel(here, "/")}">首页</a></td>']
    for key in site.nav:
        c = site.col(key)
        cells.append(f'<td><img src="{rel(here, "/images/menu_line.jpg")}" /></td>'
                     f'<td class="td3"><a href="{rel(here, col_href(c))}">{esc(c.name)}</a></td>')
    return ('<table width="1006" border="0" cellspacing="0" cellpadding="0" id="memu" align="center">'
            "<tr>" + "".join(cells) + "</tr></table>")


def rows(site: Site, col: Col, items: list[Item], here: str, style: str | None = None) -> str:
    out = ""
    for it in items:
        d = fmt_date(it.date, site, style or list_style(col, it))
        out += (f'<tr><td width="25"><img src="{rel(here, "/images/gl_ico.jpg")}" /></td>'
                f'<td width="550"><a href="{rel(here, item_href(it))}" target="_blank">{esc(it.title)}</a></td>'
                f"<td>{d}</td></tr>")
    return out


def block(site: Site, col: Col, n: int, here: str) -> str:
    """A homepage or channel block: <td class="bt"> heading, an image 更多 link, dated rows."""
    return (f'<table width="360" border="0" cellspacing="0" cellpadding="0" class="block"><tr>'
            f'<td class="bt">{esc(col.name)}</td><td align="right"><a href="{rel(here, col_href(col))}">'
            f'<img src="{rel(here, "/images/more.gif")}" alt="更多" /></a></td></tr></table>'
            f'<table width="360" border="0" cellspacing="0" cellpadding="0">'
            f'{rows(site, col, col.items[:n], here, "full")}</table>')


def home(site: Site, port: int) -> str:
    blocks = "".join(f"<td valign=\"top\">{block(site, site.col(b.col), b.n, '/')}</td>"
                     for b in site.blocks)
    main = f'<table width="1002" align="center" class="mag1"><tr>{blocks}</tr></table>'
    return page(site, port, "/", site.name, qh_menu(site, "/"), main)


def crumb(site: Site, col: Col, here: str, tail: str = "") -> str:
    sep = "&nbsp;&gt;&gt;&nbsp;"
    hub = hub_of(site, col)
    mid = f'{sep}<a href="{rel(here, col_href(hub))}" class="CurrChnlCls">{esc(hub.name)}</a>' if hub else ""
    return (f'<td class="pos" height="27">您现在的位置是：<a href="{rel(here, "/")}" class="CurrChnlCls">首页</a>'
            f'{mid}{sep}<a href="{rel(here, col_href(col))}" class="CurrChnlCls">{esc(col.name)}</a>{tail}</td>')


def gl_left(site: Site, col: Col, here: str) -> str:
    entries = group_cols(site, col)
    trs = "".join(f'<tr><td width="19"><img src="{rel(here, "/images/gl_ico.jpg")}" /></td>'
                  f'<td width="136"><a href="{rel(here, col_href(c))}" target="_self">{esc(c.name)}</a></td></tr>'
                  for c in entries)
    return f'<table width="155" border="0" cellspacing="0" cellpadding="0" class="gl_left">{trs}</table>'


def column_page(site: Site, col: Col, port: int) -> str:
    here = col.path
    if col.kind == "hub":
        body = "".join(block(site, c, 5, here) for c in site.children(col))
    elif col.kind in ("blank", "static"):
        body = f'<table class="gl_list"><tr><td>{esc(col.text)}</td></tr></table>'
    else:
        body = f'<table width="682" border="0" cellspacing="0" cellpadding="0" class="gl_list">' \
               f'{rows(site, col, col.items, here)}</table>'
    main = (f'<table width="1006" align="center" class="mag1"><tr>'
            f'<td width="253" valign="top">{gl_left(site, col, here)}</td>'
            f'<td valign="top"><table width="752" class="bor"><tr>{crumb(site, col, here)}</tr>'
            f'<tr><td valign="top">{body}</td></tr></table></td></tr></table>')
    return page(site, port, here, f"{col.name}", memu(site, here), main)


def article(site: Site, col: Col, it: Item, port: int) -> str:
    here = it.path
    line = article_date_line(site, it)
    main = (f'<table width="1006" align="center" class="mag1"><tr>{crumb(site, col, here, "&nbsp;&gt;&gt;&nbsp;正文")}</tr>'
            f'<tr><td align="center" class="title"><b>{esc(it.title)}</b></td></tr>'
            f'<tr><td align="center">{line}</td></tr>'
            f'<tr><td class="TRS_Editor">{article_paragraphs(site, col, it, port)}</td></tr></table>')
    return page(site, port, here, it.title, memu(site, here), main)
