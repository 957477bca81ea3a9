"""What the homepage publishes: every article link, not only rows of dated lists; and whether the
homepage is only a navigation entry (导航页) whose second-level pages carry the updates.

Headlines (头条), focus carousels (焦点图 with <img alt> and a caption), scrolling tickers and tab
panes all publish items an inspector counts. Those outside list rows come back undated here; the
observation loader dates them from their article page or URL, as it does every list item.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from . import settings
from .columns import LIST_PAGE, ColumnLink, is_home_link, is_more_text
from .links import canonical_url, link_kind, link_text
from .listing import ListItem

# Furniture whose links are never homepage items.
_NOT_CONTENT = frozenset({"nav", "footer", "friend", "header", "breadcrumb", "script", "paging"})


def _caption(a) -> str:
    """The slide's caption when the link only wraps an image: the next text beside it."""
    parent = a.getparent()
    if parent is None:
        return ""
    after = False
    for el in parent:
        if el is a:
            after = True
            continue
        if after and isinstance(el.tag, str):
            text = " ".join("".join(el.itertext()).split())
            if text:
                return text
    return ""


def home_items(page, listed: list[ListItem], columns: list[ColumnLink]) -> list[ListItem]:
    """The homepage's list items plus every other article link in its content (headline, slides,
    tickers), each once; links to columns, tools and other sites are not items."""
    column_keys = {canonical_url(c.url) for c in columns}
    out = [it for it in listed if canonical_url(it.url) not in column_keys]
    seen = {canonical_url(it.url) for it in listed} | column_keys
    host = urlsplit(page.url).netloc.lower()
    min_title = settings.get("undated_item_min_title")
    for a in page.body.iter("a"):
        if page.roles(a) & _NOT_CONTENT:
            continue
        url = page.resolve(a.get("href"))
        if not url or link_kind(url, "a") != "page" or urlsplit(url).netloc.lower() != host \
                or LIST_PAGE.search(urlsplit(url).path):
            continue
        key = canonical_url(url)
        if key in seen or key == canonical_url(page.url):
            continue
        title = " ".join((a.get("title") or "").split()) or link_text(a) or _caption(a)
        if len(title) < min_title or is_more_text(title) or is_home_link(page, url, title):
            continue   # (the logo: the homepage under another name, titled with the site's name)
        seen.add(key)
        out.append(ListItem(title, url, None, None, "", False))
    return out


def entry_targets(page, items: list[ListItem]) -> list[str]:
    """The second-level pages of a navigation-entry homepage (a few big links, nothing dated), in
    page order; [] for an ordinary homepage."""
    if any(it.date is not None or it.partial is not None for it in items):
        return []
    host = urlsplit(page.url).netloc.lower()
    out: list[str] = []
    for a in page.body.iter("a"):
        if page.roles(a) & {"footer", "friend", "script"}:
            continue
        url = page.resolve(a.get("href"))
        if not url or link_kind(url, "a") != "page" or urlsplit(url).netloc.lower() != host:
            continue
        key = canonical_url(url)
        if not is_home_link(page, url, link_text(a)) and key not in out:
            out.append(key)
    if len(out) > settings.get("entry_home_max_links"):
        return []
    return out
