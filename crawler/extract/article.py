"""Whether a page is one article: a title, the date it was published, and its body.

The lists around an article (要闻 and 图片新闻 sidebars, 关联稿件, 相关链接, 上一篇/下一篇, friend
links) are furniture of that article, not a list the page publishes. A page is an article when
  - it shows its own title (the ArticleTitle meta or its <title>, not the column's name) with a
    publication date printed right under it, however short its body (a photo, two lines); or
  - its content shows a publication date (发布时间：…) and more prose than its list rows hold, at
    least extract.article_min_prose characters outside links and rows (config/crawl.yaml), rows
    that lead to other sites (friend links, 中国政府网及国务院部门网站) left out of the count.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from . import settings
from .dates import heading_date, label_date
from .rows import main_link, page_rows


_HOME_PATH = re.compile(r"/?((index|default|main|home)\.\w+)?", re.I)


def _offsite(page, row) -> bool:
    """The row's link leads to another host (a friend link), not to an item of this site."""
    a = main_link(row)
    url = page.resolve(a.get("href")) if a is not None else None
    return bool(url) and urlsplit(url).netloc.lower() != urlsplit(page.url).netloc.lower()


def _prose_and_rows(page) -> tuple[int, int]:
    """(characters of content text outside links and list rows, characters inside list rows
    that lead to this site's own pages)."""
    found = set(page_rows(page, page.in_content))
    prose = in_rows = 0
    for el in page.body.iter():
        if not isinstance(el.tag, str) or not page.in_content(el) or page.hidden(el):
            continue
        if el in found:
            if not _offsite(page, el):
                in_rows += len("".join("".join(el.itertext()).split()))
            continue
        # The text el holds itself (its text and its children's tails), unless it is in a link or row.
        own = (el.text or "") + "".join(c.tail or "" for c in el)
        if not own.strip() or el.tag == "a":
            continue
        if any(anc.tag == "a" or anc in found for anc in el.iterancestors()):
            continue
        prose += len("".join(own.split()))
    return prose, in_rows


def is_article(page) -> bool:
    known = page.__dict__.get("_is_article")
    if known is None:
        known = page.__dict__["_is_article"] = _judge(page)
    return known


def _judge(page) -> bool:
    if _HOME_PATH.fullmatch(urlsplit(page.url).path or "/"):
        return False   # a homepage publishes lists, whatever its headline shows
    if heading_date(page) is not None:
        return True
    if label_date(page.main_text()) is None:
        return False
    prose, in_rows = _prose_and_rows(page)
    return prose >= settings.get("article_min_prose") and prose > in_rows
