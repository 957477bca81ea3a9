"""Real government pages of several CMS families: the list items, next pages and attachments the
extractors find are exactly those a person sees (tests/fixtures/real/*.yaml, written by hand), and
a list page's breadcrumb where its truth writes one down (articles': tests/test_real_articles.py)."""
from __future__ import annotations

import pytest

from crawler.extract import columns as xcol
from tests.real_pages import crumbs, extracted, fixtures, parsed, truth

NAMES = fixtures()


def test_enough_real_pages():
    assert len(NAMES) >= 30


@pytest.mark.parametrize("name", NAMES)
def test_list_items_are_what_a_person_sees(name):
    url, seen = truth(name)
    assert extracted(name, url).items == seen.items


@pytest.mark.parametrize("name", NAMES)
def test_every_pager_followed(name):
    url, seen = truth(name)
    assert extracted(name, url).next_pages == seen.next_pages


@pytest.mark.parametrize("name", NAMES)
def test_attachments_found(name):
    url, seen = truth(name)
    assert extracted(name, url).attachments == seen.attachments


@pytest.mark.parametrize("name", [n for n in NAMES if not n.startswith("page_") and crumbs(n)])
def test_list_breadcrumb_as_read(name):
    url, _ = truth(name)
    assert xcol.breadcrumb(parsed(name, url)) == crumbs(name)
