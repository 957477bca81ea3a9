"""Real government pages of several CMS families: the list items, next pages and attachments the
extractors find are exactly those a person sees (tests/fixtures/real/*.yaml, written by hand)."""
from __future__ import annotations

import pytest

from tests.real_pages import extracted, fixtures, truth

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
