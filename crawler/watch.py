"""`govaudit watch`: between audits, re-read each site's homepage and the first page of every column
its last crawl found (dozens of requests a site, not thousands) and record each page's newest dated
item and item count with the time seen. Conditional requests (If-None-Match / If-Modified-Since)
make an unchanged page a 304 that costs the site nothing; politeness is the crawl's (its user agent,
timeout and requests at once per host)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime

import requests

import config
from crawler import revisit
from indicators.beijing import beijing
from store import watch as rows


@dataclass(frozen=True)
class Seen:
    status: int | None
    newest: date | None = None
    items: int | None = None
    blank: bool = False
    etag: str = ""
    last_modified: str = ""
    detail: str = ""


def read_page(body: bytes, content_type: str, url: str, role: str, today: date) -> tuple:
    """(newest dated item, items, blank) of a list page — the crawler's own extractors, so the
    watch and the audit read a page alike: an item is dated by its list, else by the date in its
    URL (the crawl also reads the article page; a list showing only '11-20' gives no year)."""
    from crawler.extract.dates import date_from_url
    from crawler.extract.encoding import decode_body
    from crawler.extract.listing import is_blank_column, list_items
    from crawler.extract.page import parse_page
    text, _ = decode_body(body, content_type)
    page = parse_page(text, url)
    items = list_items(page)
    dates = [d for d in (it.date or date_from_url(it.url) for it in items) if d and d <= today]
    blank = role == "column" and is_blank_column(page, items)
    return (max(dates) if dates else None), len(items), blank


def fetch(session: requests.Session, url: str, role: str, before: dict | None, today: date,
          timeout: float) -> Seen:
    headers = revisit.conditional_headers(before["etag"], before["last_modified"]) if before else {}
    try:
        resp = session.get(url, headers=headers, timeout=(timeout, timeout))
    except requests.RequestException as exc:
        from crawler import guarded_requests
        if blocked := guarded_requests.blocked_in(exc):
            return Seen(None, detail=f"未访问：{blocked.address} 是内网或本机地址（--allow-net 可放行）")
        return Seen(None, detail=f"无法访问（{type(exc).__name__}）")
    tags = {"etag": resp.headers.get("ETag", ""), "last_modified": resp.headers.get("Last-Modified", "")}
    if resp.status_code == 304 and before:
        return Seen(304, before["newest"], before["items"], bool(before["blank"]),
                    tags["etag"] or before["etag"], tags["last_modified"] or before["last_modified"])
    if resp.status_code != 200:
        return Seen(resp.status_code, detail=f"HTTP {resp.status_code}")
    newest, items, blank = read_page(resp.content, resp.headers.get("Content-Type", ""), url, role,
                                     today)
    return Seen(200, newest, items, blank, **tags)


def targets(engine, sites: list, at: datetime) -> dict[str, list[tuple[str, str]]]:
    """site code → [(url, 'home'|'column')]: the homepage and every column of its last crawl."""
    out = {}
    for site in sites:
        crawl = rows.last_crawl(engine, site.code, at)
        urls = [(site.home_url, "home")]
        if crawl is not None:
            urls += [(u, "column") for u in rows.column_urls(engine, crawl.id)]
        out[site.code] = list(dict.fromkeys(urls))
    return out


def watch_sites(engine, sites: list, clock, timeout: float | None = None,
                per_host: int | None = None, allow_net=()) -> dict[str, dict[int | None, int]]:
    """Watch every site (several at once, `per_host` requests at once on each) and store one row a
    page; returns {site: {status: pages}}. Connections pass the crawl's network guard."""
    from crawler import guarded_requests
    from crawler.netguard import Guard, allow_list
    guard = Guard.from_config(allow_list(allow_net))
    crawl_cfg = config.load_yaml("crawl.yaml")
    timeout = timeout or crawl_cfg["download_timeout"]
    per_host = per_host or crawl_cfg["concurrent_requests_per_host"]
    now = clock.now()
    today = beijing(now).date()
    plan = targets(engine, sites, now)

    def one_site(code: str) -> tuple[str, dict]:
        before = {url: r for (_, url), r in rows.latest_watch_rows(engine, now, code).items()}
        with guarded_requests.session(guard) as session:
            session.headers["User-Agent"] = crawl_cfg["user_agent"]
            adapter = guarded_requests.GuardedAdapter(guard, pool_connections=1, pool_maxsize=per_host)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            with ThreadPoolExecutor(max_workers=per_host) as pool:
                seen = list(pool.map(lambda t: (t, clock.now(), fetch(session, t[0], t[1],
                                                                       before.get(t[0]), today,
                                                                       timeout)), plan[code]))
        rows.add_watch_rows(engine, [
            {"site_code": code, "url": url, "role": role, "at": at, "status": s.status,
             "etag": s.etag, "last_modified": s.last_modified, "newest": s.newest,
             "items": s.items, "blank": s.blank, "detail": s.detail}
            for (url, role), at, s in seen])
        tally: dict = {}
        for _, _, s in seen:
            tally[s.status] = tally.get(s.status, 0) + 1
        return code, tally

    with ThreadPoolExecutor(max_workers=max(1, min(crawl_cfg["max_active_sites"], len(plan)))) as pool:
        return dict(pool.map(one_site, list(plan)))
