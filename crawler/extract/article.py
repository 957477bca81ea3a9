"""Whether a page is one article: a body of prose with the date it was published.

The lists around an article (要闻 and 图片新闻 sidebars, 关联稿件, 上一篇/下一篇) are furniture of
that article, not a list the page publishes. A page is an article when its content shows a
publication date (发布时间：…) and more prose than its list rows hold, at least
extract.article_min_prose characters outside links and rows (config/crawl.yaml).
"""
from __future__ import annotations

from . import settings
from .dates import label_date
from .rows import rows


def _prose_and_rows(page) -> tuple[int, int]:
    """(characters of content text outside links and list rows, characters inside list rows)."""
    found = set(rows(page.iter_elements(), page.in_content))
    prose = in_rows = 0
    for el in page.body.iter():
        if not isinstance(el.tag, str) or not page.in_content(el) or page.hidden(el):
            continue
        if el in found:
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
    if label_date(page.main_text()) is None:
        return False
    prose, in_rows = _prose_and_rows(page)
    return prose >= settings.get("article_min_prose") and prose > in_rows
