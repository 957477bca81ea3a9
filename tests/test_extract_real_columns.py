"""Columns and homepage items on real government pages, against what a person sees on them
(tests/fixtures/real/col_truth.yaml, written by hand; sources noted there)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from crawler.extract import columns as xcol
from crawler.extract.homepage import home_items
from crawler.extract.listing import list_items
from crawler.extract.page import parse_page

REAL = Path(__file__).parent / "fixtures" / "real"
TRUTH = yaml.safe_load((REAL / "col_truth.yaml").read_text(encoding="utf-8"))


def _load(name: str):
    spec = TRUTH[name]
    return spec, parse_page((REAL / name).read_text(encoding="utf-8"), spec["url"])


def _own(page, links) -> dict[str, str]:
    """url → name of the columns on the page's own host, first name wins."""
    host = urlsplit(page.url).netloc
    out: dict[str, str] = {}
    for c in links:
        if urlsplit(c.url).netloc == host:
            out.setdefault(c.url, c.name)
    return out


def _found(spec, page) -> dict[str, str]:
    # What the spider takes from this page; the menu of a column page is the homepage's menu,
    # which the spider reads on the homepage (here it is read off this page).
    found = xcol.page_columns(page, spec["role"])
    if spec["role"] == "column":
        found = xcol.nav_columns(page) + found
    return _own(page, found)


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_every_column_a_person_sees_is_found_with_its_name(name):
    spec, page = _load(name)
    want = {urljoin(spec["url"], url): label for label, url in spec["columns"]}
    got = _found(spec, page)
    missing = {u: n for u, n in want.items() if u not in got}
    assert missing == {}
    assert {u: got[u] for u in want} == want


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_nothing_but_columns_is_taken_for_a_column(name):
    """Every column found on the page's own host is one a person sees (nothing extra)."""
    spec, page = _load(name)
    want = {urljoin(spec["url"], url) for _, url in spec["columns"]}
    extra = set(_found(spec, page)) - want - {spec["url"]}
    assert extra == set()


@pytest.mark.parametrize("name", [n for n in sorted(TRUTH) if "breadcrumb" in TRUTH[n]])
def test_breadcrumb_and_column_name(name):
    spec, page = _load(name)
    assert xcol.breadcrumb(page) == spec["breadcrumb"]
    assert xcol.column_name(page) == spec["column_name"]


def test_more_links_named_by_their_own_block_or_an_earlier_link_to_the_same_page():
    spec, page = _load("col_handan_xxgk_channel.html")
    more = {c.url: c.name for c in xcol.more_links(page, "channel")}
    for url, name in spec["more_names"].items():
        assert more[urljoin(spec["url"], url)] == name     # 市政府文件, not 修订废止


def test_site_map_link_is_found():
    spec, page = _load("col_ordos_egb_list.html")
    assert xcol.sitemap_url(page) == spec["sitemap"]


def test_homepage_headline_carousel_and_hidden_tab_are_items():
    spec, page = _load("home_yichun_portal.html")
    columns = xcol.page_columns(page, "home")
    items = {it.url for it in home_items(page, list_items(page), columns)}
    want = {urljoin(spec["url"], u) for u in spec["home_items"]}
    assert want - items == set()
    # links to columns are not homepage items
    assert not items & {urljoin(spec["url"], url) for _, url in spec["columns"]}
