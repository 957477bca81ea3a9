"""Read one site's crawl back from the store as SiteObservations, the indicators' input.

Dates are resolved here, not in the crawl, so every source is at hand whatever order pages came in:
the list's own date, else the article page's date, else the date in the article URL; a list showing
only "11-20" gets its year from those; an item with none of them stays undated.
Column categories are assigned here too, so editing the overrides file needs no new crawl.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from crawler.extract.columns import classify_column
from crawler.extract.dates import date_from_url
from govaudit import store
from indicators.observations import Column, Item, LinkCheck, SiteObservations


def load_observations(engine: Engine, site_crawl: store.SiteCrawl, *, taxonomy: dict,
                      overrides: dict | None = None, is_portal: bool = False) -> SiteObservations:
    sc = site_crawl.id
    obs = SiteObservations(site_code=site_crawl.site_code, home_url=site_crawl.home_url,
                           reachable=site_crawl.status == "ok", is_portal=is_portal,
                           pages_crawled=site_crawl.pages)
    if not obs.reachable:
        return obs
    with engine.connect() as conn:
        page_dates = dict(conn.execute(
            select(store.Page.url, store.Page.pub_date)
            .where(store.Page.site_crawl_id == sc, store.Page.pub_date.is_not(None))).all())
        by_list: dict[str, list[Item]] = {}
        for row in conn.execute(select(store.Item.__table__).where(store.Item.site_crawl_id == sc)
                                .order_by(store.Item.id)).mappings():
            item = _item(row, page_dates)
            if row["on_home"]:
                obs.home_items.append(item)
            else:
                by_list.setdefault(row["list_url"], []).append(item)
        for row in conn.execute(select(store.Column.__table__)
                                .where(store.Column.site_crawl_id == sc)
                                .order_by(store.Column.id)).mappings():
            name = row["name"] or row["meta_name"]
            category, source = classify_column(name, row["meta_type"] or None, taxonomy,
                                               overrides, url=row["url"])
            if category is None and row["meta_name"] and row["meta_name"] != name:
                category, source = classify_column(row["meta_name"], None, taxonomy, overrides,
                                                   url=row["url"])
            obs.columns.append(Column(url=row["url"], name=name, category=category,
                                      blank=row["blank"], items=by_list.get(row["url"], []),
                                      category_source=source, found_by=row["source"] or ""))
        for row in conn.execute(select(store.Link.__table__)
                                .where(store.Link.site_crawl_id == sc)
                                .order_by(store.Link.id)).mappings():
            obs.links.append(LinkCheck(url=row["url"], kind=row["kind"], ok=row["ok"],
                                       status=row["status"], failure=row["failure"],
                                       detail=row["detail"], on_home=row["on_home"],
                                       sources=[row["source_url"]] if row["source_url"] else []))
    return obs


def _item(row, page_dates: dict) -> Item:
    if row["list_date"] is not None:
        when, source = row["list_date"], "list"
    elif row["url"] in page_dates:
        when, source = page_dates[row["url"]], "article"
    else:
        when = date_from_url(row["url"])
        source = "url" if when else None
    return Item(title=row["title"], url=row["url"], date=when, date_source=source,
                pinned=row["pinned"])
