"""One site's crawl as SiteObservations, the indicators' input, assembled from the rows the store
reads back (store.observations holds the queries).

Dates are resolved here, not in the crawl, so every source is at hand whatever order pages came in:
the list's own date, else the article page's date, else the date in the article URL; a list showing
only "11-20" gets its year from those; an item with none of them stays undated.
Column categories are assigned here too, so editing the overrides file needs no new crawl.
Each column carries every way it was found (menu, channel page, site map …) and what each called it.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import Engine

from crawler.extract.dates import date_from_url
from indicators.classify import classify_column
from indicators.observations import (Column, Item, LinkCheck, Message, OnlineLink, PageText,
                                     ProbeObs, SearchCheck, SiteObservations)
from indicators.windows import window_start
from store.observations import CrawlRows, crawl_rows, probe_rows
from store.schema import SiteCrawl


def load_observations(engine: Engine, site_crawl: SiteCrawl, *, taxonomy: dict,
                      overrides: dict | None = None, is_portal: bool = False) -> SiteObservations:
    """One site crawl as the indicators see it, read from the store."""
    obs = SiteObservations(site_code=site_crawl.site_code, home_url=site_crawl.home_url,
                           reachable=site_crawl.status == "ok", is_portal=is_portal,
                           pages_crawled=site_crawl.pages)
    if obs.reachable:
        assemble(obs, crawl_rows(engine, site_crawl.id), taxonomy, overrides)
    return obs


def assemble(obs: SiteObservations, rows: CrawlRows, taxonomy: dict,
             overrides: dict | None) -> None:
    by_list: dict[str, list[Item]] = {}
    for row in rows.items:
        item = _item(row, rows.page_dates)
        if row["on_home"]:
            obs.home_items.append(item)
        else:
            by_list.setdefault(row["list_url"], []).append(item)
    finds: dict[str, dict[str, str]] = {}
    for row in rows.column_finds:
        finds.setdefault(row["url"], {}).setdefault(row["source"], row["name"])
    for row in rows.home_pages:
        if row["role"] == "entry":
            obs.home_entry = True
        elif row["role"] == "second_level":
            obs.home_second_level.append(row["url"])
    rows_by_list, letters = _messages(rows.messages)
    for row in rows.columns:
        name = row["name"] or row["meta_name"]
        category, source = classify_column(name, row["meta_type"] or None, taxonomy,
                                           overrides, url=row["url"])
        if row["kind"] == "channel" and source != "override":
            category, source = None, None   # a channel page belongs to no leaf category
        elif category is None and row["meta_name"] and row["meta_name"] != name:
            category, source = classify_column(row["meta_name"], None, taxonomy, overrides,
                                               url=row["url"])
        names = finds.get(row["url"], {})
        if row["meta_name"]:
            names.setdefault("page", row["meta_name"])   # the page's own breadcrumb/meta name
        sources = [row["source"]] if row["source"] else []
        sources += [s for s in names if s not in sources and s not in _NAME_ONLY]
        items = by_list.get(row["url"], [])
        obs.columns.append(Column(url=row["url"], name=name, category=category,
                                  blank=row["blank"], items=items,
                                  category_source=source, sources=sources, names=names,
                                  found_by=",".join(sources),
                                  messages=_board(items, rows_by_list.get(row["url"], {}),
                                                  letters),
                                  gated=rows.gates.get(row["url"], "")))
    for row in rows.links:
        obs.links.append(LinkCheck(url=row["url"], kind=row["kind"], ok=row["ok"],
                                   status=row["status"], failure=row["failure"],
                                   detail=row["detail"], on_home=row["on_home"],
                                   sources=[row["source_url"]] if row["source_url"] else []))
    for url, data in rows.page_texts:
        (obs.attachments if data.get("attachment") else obs.pages)[url] = PageText.from_dict(data)
    obs.records = rows.page_digests
    obs.checks = dict(rows.checks)
    for row in rows.online_links:
        obs.online_links.append(OnlineLink(url=row["url"], text=row["text"],
                                           source_url=row["source_url"]))
    for row in rows.searches[:1]:
        obs.search = SearchCheck(url=row["url"], how=row["how"], query=row["query"],
                                 status=row["status"], failure=row["failure"],
                                 result_links=row["result_links"],
                                 categories=[c for c in row["categories"].split("、") if c])


# names[] keys that name a column without having led to it: the column page's own breadcrumb name,
# and its ColumnName meta tag when that disagrees with the breadcrumb.
_NAME_ONLY = ("page", "meta_tag")


def _messages(rows) -> tuple[dict[str, dict[str, Message]], dict[str, Message]]:
    """Board list rows by board (list_url → item URL → Message) and letter pages by URL."""
    by_list: dict[str, dict[str, Message]] = {}
    letters: dict[str, Message] = {}
    for row in rows:
        m = Message(url=row["url"], title=row["title"], posted=row["posted"],
                    replied=row["replied"], status=row["status"])
        if row["source"] == "list":
            by_list.setdefault(row["list_url"], {})[row["url"]] = m
        else:
            letters[row["url"]] = m
    return by_list, letters


def _board(items: list[Item], rows: dict[str, Message], letters: dict[str, Message]) -> dict:
    """Each list item's message: what the board row shows, completed by the letter's own page."""
    out = {}
    for it in items:
        row, letter = rows.get(it.url), letters.get(it.url)
        if row is None and letter is None:
            continue
        row, letter = row or Message(url=it.url), letter or Message(url=it.url)
        out[it.url] = Message(url=it.url, title=row.title or letter.title,
                              posted=row.posted or letter.posted,
                              replied=row.replied or letter.replied,
                              status=row.status or letter.status)
    return out


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


def probe_window(as_of: date, within: dict | None) -> tuple[datetime, datetime]:
    """[start, end) of the availability window: `within` back from as_of, as_of's day included;
    without a window every probe up to as_of counts."""
    start = datetime.combine(window_start(as_of, within), time()) if within else datetime.min
    return start, datetime.combine(as_of + timedelta(days=1), time())


def load_probes(engine: Engine, window: tuple[datetime, datetime]) -> dict[str, list[ProbeObs]]:
    """Every site's probes inside the window, oldest first."""
    out: dict[str, list[ProbeObs]] = {}
    for row in probe_rows(engine, *window):
        out.setdefault(row["site_code"], []).append(ProbeObs(
            at=row["at"], ok=row["ok"], outcome=row["outcome"], detail=row["detail"]))
    return out


def crawl_probe(site_crawl: SiteCrawl, window: tuple[datetime, datetime]) -> list[ProbeObs]:
    """The crawl's own homepage fetch, one more data point when it fell inside the window."""
    at = site_crawl.started_at
    if at is None or not window[0] <= at < window[1] or site_crawl.status == "running":
        return []
    ok = site_crawl.status == "ok"
    return [ProbeObs(at=at, ok=ok, outcome="ok" if ok else "other",
                     detail="" if ok else site_crawl.error, source="crawl")]
