"""The audit spider: one crawl over many registered sites, each on its own host.

It only wires requests to the pure extractors in crawler.extract and the outcome rules in
crawler.checks; everything it learns leaves as the records of crawler.items, which crawler.pipelines stores.
Per site: probe a non-existent path (soft-404 fingerprint) → homepage → columns (nav, 更多, sidebar)
→ their list pages (all four paging forms) → every other internal page within budget; every distinct
link target is checked once, and a timeout or 5xx is tried once more at low priority before it counts.
"""
from __future__ import annotations

import functools
import re
import secrets
from collections import deque
from itertools import chain
from operator import attrgetter
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import scrapy

import config
import store
from scrapy import signals
from scrapy.exceptions import StopDownload

from crawler import checks, pace, progress, revisit
from crawler import items as rec
from crawler.extract import columns as xcol
from crawler.extract import dates as xdates
from crawler.extract import homepage as xhome
from crawler.extract import links as xlinks
from crawler.extract import listing as xlist
from crawler.extract import messages as xmsg
from crawler.extract import notfound as xnf
from crawler.extract import paging as xpaging
from crawler.extract import search as xsearch
from crawler.extract.attachment import attachment_text, extension
from crawler.extract import settings as xsettings
from crawler.extract.encoding import decode_body
from crawler.extract.page import parse_page
from crawler.extract.pagetext import page_text
from crawler.frontier import FreshFacts, Limits, SiteState, host_of
from crawler.offsite import OffsiteChecks

HTML_TYPES = ("text/html", "application/xhtml")
_URL = attrgetter("url")   # of a Link or a ColumnLink
RETRY_PRIORITY = -100   # a retry goes to the back of the queue: "tried once more later in the crawl"
# What one download leaves in a request's meta, dropped before the request is sent again.
_DOWNLOAD_META = ("download_slot", "download_latency", "redirect_urls", "redirect_times",
                "redirect_ttl", "redirect_reasons", "_page", "_oversize", "_bytes")


def _settles(callback):
    """Release a request's outstanding unit only once its callback's output is fully consumed.
    Scrapy may interleave two callbacks' generators; a site must not be finished (its completion
    stored, what resume relies on) while another of its callbacks is still yielding items.

    A callback's items leave as one batch (Scrapy passes every output through its middleware and
    item machinery, which cost more than our pipeline's work on most items), ahead of its
    requests: what a page says is stored before anything it links to can be (the first row for a
    URL is the one kept, and on resume site_reached must drop the earlier attempt's rows first)."""
    @functools.wraps(callback)
    def wrapper(self, arg):
        meta = arg.meta if hasattr(arg, "meta") else arg.request.meta
        st = self.sites[meta["site"]]
        items: list[rec.Record] = []
        requests = []
        try:
            for out in callback(self, arg):
                if out is not None:                 # None: a request left waiting (see _req)
                    (requests if isinstance(out, scrapy.Request) else items).append(out)
        except Exception as exc:   # noqa: BLE001 - what was yielded before still counts
            url = arg.url if hasattr(arg, "url") else arg.request.url
            st.record_error(exc, url)
            if st.errors == 1:   # one line for a site's first error, the count says the rest
                self.logger.warning("error on %s (site %s): %s", url, st.code, st.first_error)
            self.logger.debug("error on %s", url, exc_info=exc)
        finally:
            # The parsed page (lxml tree and all, ~1 MB for a 2,000-link page) is done with; the
            # request stays in Scrapy's hands until the output below is consumed, and a trap's
            # pages held that way were most of a crawler's memory.
            meta.pop("_page", None)
            st.outstanding -= 1
            st.released -= 1
        requests += self._release(st)
        for out in self._maybe_finish(st):
            (requests if isinstance(out, scrapy.Request) else items).append(out)
        for out in self._start_sites():   # room made by the pace controller (see _pace)
            (requests if isinstance(out, scrapy.Request) else items).append(out)
        if self._replay and not self._replaying:
            # Fresh memos of the pages this answer linked to, replayed here and now (see _replay_
            # later): each through its callback as if it had answered 304, their own links too.
            self._replaying = True
            try:
                while self._replay:
                    replay, replayed = self._replay.popleft()
                    for out in replay(replayed):
                        if isinstance(out, scrapy.Request):
                            requests.append(out)
                        elif isinstance(out, rec.Batch):
                            items.extend(out.records)
                        else:
                            items.append(out)
            finally:
                self._replaying = False
        if items:
            yield rec.Batch(items)
        yield from requests
    return wrapper


class SiteAuditSpider(scrapy.Spider):
    name = "site_audit"

    def __init__(self, sites: list[dict], crawl_cfg: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_list = sites                     # [{'code':…, 'home_url':…}]
        self.cfg = crawl_cfg
        self.limits = Limits.from_config(crawl_cfg)
        self.session_params = tuple(crawl_cfg.get("session_params", ()))
        # Every link of every page (replayed ones too) is canonicalised, several times: bound once.
        self._canonical = functools.partial(xlinks.canonical_url,
                                            session_params=self.session_params)
        self.pace = pace.PaceConfig.from_config(crawl_cfg)
        self.max_active = self.pace.start     # grown by _pace while the machine has room
        self.requests_per_site = max(1, int(crawl_cfg["requests_queued_per_site"]))
        # 在线申报, 办件查询 …: asked of every link text on every page, so one regex search.
        self.online_words = re.compile("|".join(map(re.escape, config.lexicon("online_system"))))
        # Off-site links: each checked once for all sites of this process, each host within its
        # share of the run's limit (the run's sites are split over `workers` processes).
        per_host = int(crawl_cfg["offsite_per_host"]) // max(1, int(crawl_cfg.get("workers") or 1))
        self.offsite = OffsiteChecks(max(1, per_host), int(crawl_cfg["offsite_results_kept"]))
        # The site's own attachments are read (within these limits) for the personal-data scan.
        self.reading = crawl_cfg.get("attachment_text") or {}
        # --full: every page read afresh, no conditional request (crawler/revisit.py)
        self.full = bool(crawl_cfg.get("full"))
        # Fresh memos are used without asking (crawl.yaml revisit): replayed inline (_settles).
        self.policy = revisit.Policy.from_config(crawl_cfg)
        self._replay: deque = deque()
        self._replaying = False
        self.db_url, self.run_id, self._memo_store = None, 0, None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.db_url = crawler.settings.get("GOVAUDIT_DB")
        spider.run_id = crawler.settings.getint("GOVAUDIT_RUN_ID")
        crawler.signals.connect(spider._headers_received, signal=signals.headers_received)
        crawler.signals.connect(spider._bytes_received, signal=signals.bytes_received)
        crawler.signals.connect(spider._start_pace, signal=signals.spider_opened)
        return spider

    def _start_pace(self, spider=None) -> None:
        from twisted.internet import task
        self._meter = pace.Meter()
        self._pace_loop = task.LoopingCall(self._pace)
        self._pace_loop.start(self.pace.every_s, now=False)

    def _pace(self) -> None:
        """Grow or shrink the number of sites in progress (crawler/pace.py); the sites it makes
        room for start with the next answer any site gets (_settles)."""
        share, rss, lag = self._meter.read(self.pace.every_s)
        waiting = len(getattr(self, "_waiting", ()))
        self.max_active = pace.decide(self.max_active, getattr(self, "_active", 0), waiting,
                                      share, rss, lag, self.pace, self._meter.idle)
        # Scrapy's total limit must not be what holds the added sites back: each may have
        # concurrent_requests_per_host requests in flight (plus off-site checks).
        downloader = self.crawler.engine.downloader
        want = self.max_active * int(self.cfg["concurrent_requests_per_host"]) * 2
        downloader.total_concurrency = max(int(self.cfg["concurrent_requests"]), want)

    # ---- state (one SiteState a site; resume is per site, through the store) ---------------
    @property
    def sites(self) -> dict[str, SiteState]:
        if not hasattr(self, "state"):
            self.state = {}
        return self.state.setdefault("sites", {})

    def _req(self, st: SiteState, url: str, callback, role: str, **meta) -> scrapy.Request | None:
        """A request for the site, or None when the site already has `requests_per_site` in
        Scrapy's hands: then it waits in the site's own queue as a small tuple (a queued Request
        cost ~6 KB, and a trap site's budget of 5,000 pages was admitted within its first pages)
        and leaves as the site's earlier requests are answered (_release)."""
        st.outstanding += 1
        meta.update(site=st.code, role=role)
        if st.memos and callback.__name__ in ("on_page", "on_check") \
                and self._replay_later(st, url, callback, meta):
            return None
        if st.released >= self.requests_per_site:
            st.pending.append((url, callback.__name__, meta))
            return None
        st.released += 1
        return self._request(st, url, callback, meta)

    def _replay_later(self, st: SiteState, url: str, callback, meta: dict) -> bool:
        """A page or link check whose memo is fresh (crawler/revisit.py) is not asked for: its
        stored Answer is queued to be replayed through its callback as a 304 would be, once the
        current callback is done (_settles). Never the kinds that are always asked: the homepage,
        column, list, entry and site-map pages, off-site links, anything the last crawl found at
        fault or that links to such a target, answers without validators or whose answer came
        from elsewhere (a redirect)."""
        role = meta["role"]
        if role not in ("page", "check", "letter") or meta.get("list_url") or meta.get("shared") \
                or url in st.dead or not st.is_internal(url):
            return False
        key = (url, revisit.context(meta))
        memo = st.memos.get(key)
        if memo is None or memo.id not in st.facts:   # none, or not fresh (_recall_site)
            return False
        try:
            answer = revisit.unpack(st.facts.pop(memo.id))
        except Exception:   # noqa: BLE001 - a memo gone or unreadable: asked as usual
            return False
        read = answer.read
        if answer.html and ((read is None and role != "check" and meta.get("parse", True))
                            or (self._online(st, meta) and not answer.system_checked)
                            or (bool(st.fingerprint) and answer.fingerprint is None)):
            return False
        if read is not None and st.dead and not st.dead.isdisjoint(
                map(self._canonical, map(_URL, chain(read.links, read.columns)))):
            return False
        meta.update(_key=key, _memo=memo, _replay=answer)
        st.released += 1        # as if sent: its callback's _settles takes it back
        self._replay.append((callback, _Replayed(url, meta)))
        return True

    def _release(self, st: SiteState) -> list[scrapy.Request]:
        out = []
        while st.pending and st.released < self.requests_per_site:
            url, callback, meta = st.pending.popleft()
            st.released += 1
            out.append(self._request(st, url, getattr(self, callback), meta))
        return out

    def _request(self, st: SiteState, url: str, callback, meta: dict) -> scrapy.Request:
        """A page or a link check asks conditionally for what the site's memo holds (see
        crawler/revisit.py); every other request (the probe, search, list records) plainly."""
        headers, method = None, "GET"
        if callback.__name__ in ("on_page", "on_check"):
            st.asked += 1
            meta["_key"] = key = (url, revisit.context(meta))
            memo = st.memos.get(key)
            if memo is not None:
                meta["_memo"] = memo
                if memo.status >= 400:   # dead last time: does it still answer that (no body)?
                    method = "HEAD"
                else:
                    headers = revisit.conditional_headers(memo.etag, memo.last_modified)
        return scrapy.Request(url, callback=callback, method=method, errback=self.on_error,
                              meta=meta, headers=headers, dont_filter=True)

    async def start(self):
        for out in self._start_sites():
            yield out

    def _start_sites(self):
        """Start registered sites while fewer than max_active_sites are in progress.

        Sites start as others finish (see _close), so memory holds the frontiers of a bounded
        number of sites however long the register is, and a process never idles while its
        shard still has sites waiting."""
        if not hasattr(self, "_waiting"):
            self._waiting, self._active = list(reversed(self.site_list)), 0
        while self._waiting and self._active < self.max_active:
            site = self._waiting.pop()
            st = SiteState(site["code"], site["home_url"])
            self.sites[st.code] = st
            self._recall_site(st)
            if checks.host_is_malformed(st.home_url):
                st.error = "首页网址的域名无效"
                yield self._finish(st, down=True)
                continue
            self._active += 1
            probe = urljoin(st.home_url, f"/govaudit-check-{secrets.token_hex(6)}.html")
            yield self._req(st, probe, self.on_probe, "probe")

    def _recall_site(self, st: SiteState) -> None:
        """Incremental when an earlier crawl read the whole site (and not --full): its memos are
        asked for conditionally (crawler/revisit.py)."""
        if self.full or not self.db_url:
            return
        engine = self._memo_engine()
        if store.memos.had_complete_crawl(engine, st.code, self.run_id):
            st.crawl_mode = "incremental"
            st.memos = store.memos.validators(engine, st.code, revisit.reader())
            st.dead = store.memos.failed_links(engine, st.code, self.run_id)
            # The memos fresh now (reckoned once, as the site starts: a site's crawl is minutes,
            # their lifetimes hours to days); their Answers fetched a batch at a time as used.
            now = datetime.now(timezone.utc)
            fresh = {m.id for m in st.memos.values() if revisit.is_fresh(m, now, self.policy)}
            fetch = functools.partial(store.memos.facts_of, engine)
            st.facts = FreshFacts(fresh, fetch, self.policy.facts_batch)
            # The rest are asked; most answer 304 and give back their Answer: read a batch at a
            # time too (one query each was 8% of a re-audit's crawler CPU).
            st.asked_facts = FreshFacts((m.id for m in st.memos.values() if m.id not in fresh),
                                        fetch, self.policy.facts_batch)

    def _memo_engine(self):
        if self._memo_store is None:
            self._memo_store = store.connect(self.db_url)
        return self._memo_store

    def _close(self, st: SiteState, down: bool):
        """Finish an active site and start the next waiting one in its place."""
        yield self._finish(st, down)
        self._active -= 1
        yield from self._start_sites()

    # ---- callbacks ---------------------------------------------------------------------
    @_settles
    def on_probe(self, response):
        st = self.sites[response.meta["site"]]
        # Sites that send unknown paths to the homepage give no error page to recognise.
        if response.status == 200 and not _same_url(response.url, st.home_url):
            if response.meta.get("redirect_urls"):
                st.error_target = response.url
            page = self._parse(response)
            if page is not None:
                st.fingerprint = xnf.fingerprint(page)
        yield self._req(st, st.home_url, self.on_page, "home", depth=0)

    @_settles
    def on_page(self, response):
        """Homepage, column page, list page or any other internal page (also link checks of them)."""
        meta = response.meta
        st = self.sites[meta["site"]]
        role = meta["role"]
        answer = self._recall(st, response)
        if answer is revisit.STALE:
            yield self._refetch(st, response.request)
            return
        outcome = self._outcome(st, response, answer)
        if self._should_retry(outcome, meta):
            yield self._retry(st, response.request)
            return
        if role == "home":
            if not outcome.ok:
                st.error = f"首页无法访问：{outcome.detail}"
                yield from self._close(st, down=True)
                return
            st.home_ok = True
            # The store drops what an earlier, interrupted attempt at this site left (resume).
            yield rec.SiteReached(st.code)
            if outcome.failure == "oversize":       # said in the 问题清单 like any other page's
                yield self._link_item(st, response.url, outcome, 1)
            st.hosts.add(host_of(response.url))   # a homepage that redirects (www., https) is home too
        elif meta.get("guessed") and not outcome.ok:
            st.links.pop(meta["target"], None)   # a wrong guess at a list's page: no link at all
        else:
            yield self._link_item(st, meta["target"], outcome, meta.get("attempt", 1))
        if outcome.ok and meta.get("parse", True) and st.is_internal(response.url):
            # All at once: Scrapy consumes a callback's output item by item and runs other
            # callbacks in between, and the homepage must have marked all its link targets
            # on_home before any of them is checked and stored.
            yield from list(self._process(st, response, answer))
        yield from self._remember(st, response, outcome)
        yield from self._maybe_finish(st)

    @_settles
    def on_check(self, response):
        """Images, attachments and external links: does it answer, and with a real page?"""
        st = self.sites[response.meta["site"]]
        answer = self._recall(st, response)
        if answer is revisit.STALE:
            yield self._refetch(st, response.request)
            return
        outcome = self._outcome(st, response, answer)
        if self._should_retry(outcome, response.meta):
            yield self._retry(st, response.request)
            return
        ext = response.meta.get("read_text")
        if answer is None and ext and outcome.ok and "download_stopped" in response.flags:
            # over attachment_text.max_bytes: fetched as far as its answer, its text unread, said
            announced = int((response.headers.get(b"Content-Length") or b"0").strip() or 0)
            outcome = checks.unread_attachment(response.status, announced or None,
                                               int(self.reading.get("max_bytes", 0)))
        yield self._link_item(st, response.meta["target"], outcome,
                              response.meta.get("attempt", 1))
        if answer is not None:
            text = answer.attachment
        elif ext and outcome.ok and outcome.failure != "unread":
            text = attachment_text(response.body, ext, int(self.reading.get("max_chars", 200_000)),
                                   int(self.reading.get("max_pdf_pages", 50)))
            self._answer(st, response).attachment = text
        else:
            text = None
        if text:   # stored like a page's text, marked as an attachment's
            yield rec.Text(st.code, response.meta["target"],
                           {"title": st.links.get(response.meta["target"], {}).get("text", ""),
                            "text": text, "attachment": True})
        yield from self._remember(st, response, outcome)
        yield from self._checked_for_others(response.meta, outcome)
        yield from self._maybe_finish(st)

    @_settles
    def on_search(self, response):
        """The homepage's search box answered the test query: a results page, or why not."""
        meta = response.meta
        st = self.sites[meta["site"]]
        outcome = self._outcome(st, response)
        if self._should_retry(outcome, meta):
            yield self._retry(st, response.request)
            return
        page = self._parse(response) if outcome.ok else None
        found = None if page is None else xsearch.search_result(page, meta["query"], st.is_internal)
        if not outcome.ok:
            failure = outcome.detail or outcome.failure or "无法访问"
        elif found is None:
            failure = "不是网页"
        else:
            failure = f"结果页显示“{found.no_results}”" if found.no_results else ""
        yield rec.Search(st.code, response.url, meta["how"], meta["query"], response.status,
                         failure, found.result_links if found else 0,
                         "、".join(found.categories) if found else "")
        yield from self._maybe_finish(st)

    @_settles
    def on_dataproxy(self, response):
        """Hanweb/JCMS list records delivered as XML by dataproxy.jsp."""
        meta = response.meta
        st = self.sites[meta["site"]]
        if response.status != 200:
            self.logger.warning("list records not loaded from %s: HTTP %s", response.url,
                                response.status)
        else:
            text, _ = decode_body(response.body, response.headers.get("Content-Type", b"").decode())
            items = xpaging.parse_dataproxy(text, response.url)
            yield self._items(st, meta["list_url"], items, on_home=False)
            for item in items:
                yield from self._schedule(st, item.url, xlinks.link_kind(item.url),
                                          meta["list_url"], False, meta["depth"] + 1, item.title)
        yield from self._maybe_finish(st)

    @_settles
    def on_error(self, failure):
        request = failure.request
        meta = request.meta
        st = self.sites[meta["site"]]
        outcome = checks.from_exception(failure.value)
        role = meta["role"]
        if self._should_retry(outcome, meta):
            yield self._retry(st, request)
            return
        if role == "probe":
            yield self._req(st, st.home_url, self.on_page, "home", depth=0)
            return
        if role == "home":
            st.error = f"首页无法访问：{outcome.detail}"
            yield from self._close(st, down=True)
            return
        if role == "dataproxy":
            self.logger.warning("list records not loaded from %s: %s", request.url, outcome.detail)
            yield from self._maybe_finish(st)
            return
        if role == "search":
            yield rec.Search(st.code, request.url, meta["how"], meta["query"], None,
                             outcome.detail or outcome.failure or "无法访问")
            yield from self._maybe_finish(st)
            return
        if meta.get("guessed"):
            st.links.pop(meta["target"], None)
        else:
            yield self._link_item(st, meta["target"], outcome, meta.get("attempt", 1))
        yield from self._checked_for_others(meta, outcome)
        yield from self._maybe_finish(st)

    def _checked_for_others(self, meta: dict, outcome: checks.Outcome):
        """An off-site link's answer is every other site's that links to it too (asked meanwhile)."""
        if not meta.get("shared"):
            return
        attempts = meta.get("attempt", 1)
        for code in self.offsite.done(meta["target"], outcome, attempts):
            other = self.sites[code]
            yield self._link_item(other, meta["target"], outcome, attempts)
            other.outstanding -= 1
            yield from self._maybe_finish(other)

    # ---- page processing ---------------------------------------------------------------
    def _read(self, response) -> revisit.Read | None:
        """What an internal page says, as far as its role asks (pure: the page and its request's
        context, crawler.revisit.context; the crawl's state plays no part)."""
        page = self._parse(response)
        if page is None:
            return None
        meta = response.meta
        role = meta["role"]
        is_home = role == "home"
        # A navigation-entry homepage's second-level pages stand in for it (role 'home2').
        home_like = is_home or role == "home2"
        is_list = bool(meta.get("list_url")) or role == "column"
        columns = xcol.page_columns(page, "home" if home_like else role)
        items = kind = None
        if role == "column":
            # A column is a page that turned out to be a list or a channel when fetched.
            items = xlist.list_items(page)
            kind = xcol.page_kind(page, items, columns)
            # An article is no column; nor is an online system's empty application page.
            if kind == "article" or (kind == "page" and meta.get("column_app")
                                     and xlist.is_blank_column(page, items)):
                is_list = False
        dated = None if (home_like or is_list or role == "sitemap") \
            else xdates.article_dates(page, use_htmldate=xdates.date_from_url(response.url) is None)
        read = revisit.Read(
            title=page.title or "", dated=dated,
            # Stored, not scanned here: the serious-error scan runs at score time with the user's
            # terms.
            text=store.pack_text(page_text(page).to_dict()),
            letter=None if (is_home or is_list) else xmsg.message_detail(page),
            columns=columns, kind=kind, is_list=is_list, items=items, entry=[], search=None,
            query="", board=[], gate=None, column_name="",
            meta_type=page.meta.get("ColumnType", ""), meta_name=page.meta.get("ColumnName", ""),
            blank=False, dataproxy=[], later=[], shapes=frozenset(),
            sitemap=xcol.sitemap_url(page) if is_home else None,
            sitemap_columns=xcol.sitemap_columns(page) if role == "sitemap" else [],
            links=xlinks.extract_links(page))
        if home_like:
            read.items = xhome.home_items(page, xlist.list_items(page), columns)
            read.entry = xhome.entry_targets(page, read.items) if is_home else []
            if is_home and (box := xsearch.search_box(page)):
                # The site search tried once with a word the homepage itself uses (站内搜索).
                read.search, read.query = box, xsearch.query_word(page.body_text())
        elif is_list:
            # A later page of a list reads its rows in page 1's shape (its last page may hold one).
            read.shapes = meta.get("row_shapes") or frozenset()
            if items is None:
                read.items = xlist.list_items(page, read.shapes)
            read.board = xmsg.board_rows(page)
            if role == "column":
                read.gate = None if read.items else xmsg.gate(page)
                read.column_name = xcol.column_name(page) or ""
                read.blank = xlist.is_blank_column(page, read.items)
                read.dataproxy = xpaging.hanweb_dataproxy(page)
            read.later = xpaging.pages(page)
            if read.later and not read.shapes:
                read.shapes = xlist.row_shapes(page)
        return read

    def _process(self, st: SiteState, response, answer: revisit.Answer | None):
        """Yield what the page says (read now, or given back by its memo) and schedule what it
        links to."""
        if answer is None:
            answer = self._answer(st, response)
            answer.read = self._read(response)
        read = answer.read
        if read is None:
            return
        meta = response.meta
        role, depth = meta["role"], meta.get("depth", 0)
        is_home = role == "home"
        home_like = is_home or role == "home2"
        list_url = (meta.get("list_url") or (response.url if role == "column" else None)) \
            if read.is_list else None
        columns = read.columns
        dated = read.dated or xdates.ArticleDate(None, "", None)
        # A page fetched again in its own role (column, list …) after an ordinary fetch: what this
        # fetch says of it replaces the ordinary one's row, so the stored row never depends on
        # which of the two came first.
        yield rec.Page(st.code, response.url, answer.status, read.title, dated.date, depth,
                       dated.source, dated.meta, replace=bool(meta.get("recheck")))
        yield rec.Text(st.code, response.url, read.text)
        if read.letter is not None:
            yield self._messages(st, "detail", "", [read.letter])

        if read.kind == "article" and meta.get("column_home"):
            # A headline (a heading linking one article) is a homepage item, dated by its page.
            yield self._items(st, st.home_url, [xlist.ListItem(
                meta.get("column_name") or read.title, response.url, None, None, "", False)],
                on_home=True)
        if home_like:
            # A second-level page's items are homepage items: filed under the homepage, apart
            # from the same page's items as a column.
            yield self._items(st, response.url if is_home else st.home_url, read.items,
                              on_home=True)
            entry = read.entry
            yield rec.HomePage(st.code, response.url,
                               ("entry" if entry else "home") if is_home else "second_level")
            # The entry page's big links are the stand-in homepages, not columns.
            columns = [c for c in columns if self._canonical(c.url) not in entry]
            for url in entry:
                yield from self._schedule_page(st, url, "home2", response.url, True, depth + 1, "")
            if read.search is not None:
                yield self._req(st, read.search.url_for(read.query), self.on_search, "search",
                                query=read.query, how=read.search.how)
        elif list_url:
            items = read.items
            yield self._items(st, list_url, items, on_home=False)
            if read.board:
                yield self._messages(st, "list", list_url, read.board)
            # 已回复 with no reply date: only the letter's own page says whether it came months late.
            for row in read.board:
                if row.status == "answered" and row.replied is None:
                    yield from self._schedule_letter(st, row.url, response.url, depth + 1)
            if role == "column" and read.gate:
                yield rec.Gated(st.code, list_url, read.gate)
            if role == "column":
                name = read.column_name
                yield rec.Column(st.code, list_url, name=meta.get("column_name", ""), meta_name=name,
                                 meta_type=read.meta_type, source=meta.get("column_source", ""),
                                 kind=read.kind, blank=read.blank)
                # The breadcrumb names the column; a ColumnName meta tag that says otherwise is
                # kept too (sites copy meta tags between templates).
                if read.meta_name and read.meta_name != name:
                    yield self._find(st, list_url, "meta_tag", read.meta_name, response.url)
                # GET, not the pager's POST: JCMS reads the same parameters from the query string,
                # and Twisted silently retries an idempotent request whose pooled connection the
                # server had closed (a POST failed that way under load, twice in a row).
                for dp in read.dataproxy:
                    yield self._req(st, dp.url, self.on_dataproxy, "dataproxy",
                                    list_url=list_url, depth=depth)
            # In a role of its own: a list's later page is often linked first as an ordinary page
            # (尾页, then that page's 上一页), and fetched only as that its items would be lost.
            # A page built from the pager's pattern and count (not linked) is confirmed by
            # fetching it: when it fails it was a wrong guess, not a dead link.
            for np in read.later:
                if st.is_internal(np.url):
                    yield from self._schedule_page(st, np.url, "list", response.url, False, depth,
                                                   "", list_url=list_url, guessed=not np.linked,
                                                   row_shapes=read.shapes)
        if read.sitemap and st.is_internal(read.sitemap):
            yield from self._schedule_page(st, read.sitemap, "sitemap", response.url, True,
                                           depth + 1, "网站地图")
        if role == "sitemap":
            columns = columns + read.sitemap_columns

        for col in columns:
            yield from self._schedule_column(st, col, response.url, is_home, depth)
        for link in read.links:
            yield from self._schedule(st, link.url, link.kind, response.url, is_home, depth + 1,
                                      link.text)

    def _schedule_column(self, st: SiteState, col, found_on: str, on_home: bool, depth: int):
        url = self._canonical(col.url)
        if not st.is_internal(url) or url == self._canonical(st.home_url):
            return
        if url not in st.columns and st.pages_fetched >= self.limits.page_budget:
            # Spent: a menu of 2,000 "columns" on every page of a trap must not grow the frontier.
            st.budget_hit = True
            st.left_out(url, "page_budget")
            return
        if (url, col.source) not in st.column_finds:
            st.column_finds.add((url, col.source))
            yield self._find(st, url, col.source, col.name, found_on)
        if url in st.columns:
            return
        st.columns[url] = col.name
        yield from self._schedule_page(st, url, "column", found_on, on_home, depth + 1, col.name,
                                       column_name=col.name, column_source=col.source,
                                       column_home=on_home,
                                       column_app=xcol.is_app_session(col.url), list_url=url)

    def _schedule_page(self, st: SiteState, url: str, role: str, found_on: str, on_home: bool,
                       depth: int, text: str, **meta):
        """Fetch a page in a role of its own (column, second-level page, site map), even when it
        was already fetched as an ordinary page (its link check is then already recorded)."""
        url = self._canonical(url)
        if (role, url) in st.special_pages:
            return
        st.special_pages.add((role, url))
        if url in st.links:
            meta.pop("guessed", None)   # linked elsewhere: a real link, checked as such
            # Not counted again: a site's page count is of distinct pages, whichever role came first.
            if st.pages_fetched >= self.limits.page_budget:
                return
            yield self._req(st, url, self.on_page, role, depth=depth, target=url, recheck=True,
                            **meta)
            return
        # The frontier's limits hold for columns too (a calendar's 上月/下月 is no endless column).
        decision = st.admit_page(url, depth, self.limits)
        if decision in ("skip", "budget"):
            st.left_out(url, "trap" if decision == "skip" else "page_budget")
            return
        st.links[url] = {"kind": "page", "on_home": on_home, "source": found_on, "text": text}
        yield self._req(st, url, self.on_page, role, depth=depth, target=url,
                        parse=decision == "fetch", **meta)

    def _schedule_letter(self, st: SiteState, url: str, found_on: str, depth: int):
        """A letter page the board's list leaves undated: fetched within the page budget even where
        the query-variant limit would pass it by (boards are one path with ?id=N)."""
        url = self._canonical(url)
        if not st.is_internal(url) or ("letter", url) in st.special_pages:
            return
        st.special_pages.add(("letter", url))
        known = st.links.get(url)
        if known is not None and not known.get("unchecked"):
            return   # already fetched (or on its way) as an ordinary page
        if st.pages_fetched >= self.limits.page_budget:
            st.budget_hit = True
            return
        st.pages_fetched += 1
        if known is not None:
            known.pop("unchecked")
            st.skipped -= 1
        st.links[url] = known or {"kind": "page", "on_home": False, "source": found_on, "text": ""}
        st.links[url]["depth"] = depth
        yield self._req(st, url, self.on_page, "letter", depth=depth, target=url)

    def _find(self, st: SiteState, url: str, source: str, name: str,
              found_on: str) -> rec.ColumnFind:
        return rec.ColumnFind(st.code, url, source, name, found_on)

    def _schedule(self, st: SiteState, raw_url: str, kind: str, source: str, on_home: bool,
                  depth: int, text: str):
        url = self._canonical(raw_url)
        if not url.startswith(("http://", "https://")):
            return
        online = bool(text) and self.online_words.search(text) is not None
        if online and not st.links.get(url, {}).get("online"):
            # An online system (在线申报, 办件查询 …): checked like any link, and its 200 answer must
            # not be a login/system error page (see _outcome).
            yield rec.Online(st.code, url, text[:200], source)
        known = st.links.get(url)
        if known is not None:
            known["online"] = known.get("online") or online
            if on_home and not known["on_home"]:
                known["on_home"] = True
            first = known.get("depth")
            if first is not None and depth < first:   # most links are met again no nearer home
                yield from self._shallower(st, url, known, depth)
            return
        internal = st.is_internal(url)
        link_kind = kind if (internal or kind == "attachment") else "external"
        info = {"kind": link_kind, "on_home": on_home, "source": source, "text": text[:200],
                "online": online}
        if checks.host_is_malformed(url):
            st.links[url] = info
            yield self._link_item(st, url, checks.invalid_host(), 0)
            return
        if internal and kind == "page":
            cut_before = st.depth_cut
            decision = st.admit_page(url, depth, self.limits)
            if st.depth_cut and not cut_before:
                yield from self._reread_shallower(st)
            if decision in ("skip", "budget"):
                st.left_out(url, "trap" if decision == "skip" else "page_budget")
                return
            st.links[url] = dict(info, depth=depth)
            yield self._req(st, url, self.on_page, "page", depth=depth, target=url,
                            parse=decision == "fetch")
            return
        # An image or attachment of the site's own, or a link to another host. An online system's
        # answer depends on the link (its 200 may be a login error), so it is never shared.
        shared = not internal and not online
        if shared and (known := self.offsite.known(url)) is not None:
            st.links[url] = info
            yield self._link_item(st, url, *known)
            return
        if shared and self.offsite.asked(url):
            st.links[url] = info
            st.outstanding += 1                 # settled when the first asker's answer comes
            self.offsite.wait(url, st.code)
            return
        if (not internal and not self.offsite.host_has_room(url)) \
                or not st.admit_check(internal, self.limits):
            st.left_out(url, "check_budget")
            return
        st.links[url] = info
        if not internal:
            self.offsite.ask(url, shared)
        read = extension(url) if internal and link_kind == "attachment" else ""
        yield self._req(st, url, self.on_check, "check", target=url, kind=link_kind, shared=shared,
                        read_text=read if read in self.reading.get("extensions", ()) else "")

    def _shallower(self, st: SiteState, url: str, known: dict, depth: int):
        """A page met again nearer the homepage than when it was first scheduled (known: its
        st.links record, whose depth _schedule found greater). How a page is first discovered must
        not decide whether it is read: an article first reached through a long chain of
        上一篇/下一篇 links lies beyond max_depth and is only checked, and what links from it is cut
        at that depth too. So once the site has had pages cut by depth, a page found
        at a smaller depth is fetched and read again at that depth (not counted twice in the
        budget); its stored row takes the smaller depth, and its links are scheduled from there."""
        known["depth"] = depth
        if depth > self.limits.max_depth:
            return
        if st.depth_cut:
            yield self._req(st, url, self.on_page, "page", depth=depth, target=url, recheck=True)
        else:   # read again only if the site turns out deep enough for depth to matter
            st.shallower.add(url)

    def _reread_shallower(self, st: SiteState):
        """The site's first page cut by depth: the pages met nearer the homepage before it are
        read again now (see _shallower)."""
        for url in st.shallower:
            yield self._req(st, url, self.on_page, "page", depth=st.links[url]["depth"], target=url,
                            recheck=True)
        st.shallower.clear()

    def _items(self, st: SiteState, list_url: str, items, on_home: bool) -> rec.Items:
        rows = []
        for it in items:
            rows.append({"url": self._canonical(it.url), "title": it.title, "list_date": it.date,
                         "partial": f"{it.partial[0]:02d}-{it.partial[1]:02d}" if it.partial else "",
                         "date_text": it.date_text, "pinned": it.pinned})
        return rec.Items(st.code, list_url, on_home, rows)

    def _messages(self, st: SiteState, source: str, list_url: str, rows) -> rec.Messages:
        return rec.Messages(st.code, source, list_url,
                            [{"url": self._canonical(r.url), "title": r.title, "posted": r.posted,
                              "replied": r.replied, "status": r.status, "unit": r.unit}
                             for r in rows])

    # ---- outcomes -----------------------------------------------------------------------
    def _outcome(self, st: SiteState, response, answer: revisit.Answer | None = None
                 ) -> checks.Outcome:
        """What the answer means; `answer` is its memo's when the page has not changed."""
        status = response.status if answer is None else answer.status
        if 300 <= status < 400:
            # A redirect Scrapy did not follow: to file:, mailto: … or nowhere. Not a page.
            return checks.unfollowed_redirect(status,
                                              response.headers.get("Location", b"").decode("latin-1"))
        outcome = checks.from_status(status)
        if not outcome.ok:
            return outcome
        redirects = response.meta.get("redirect_urls")
        if redirects and (xnf.is_error_url(response.url) or response.url == st.error_target):
            return checks.error_redirect(urlsplit(response.url).path or response.url)
        if answer is None:
            answer = self._answer(st, response)
        if not answer.html:
            return checks.Outcome(True, status)
        if answer.not_found:
            return checks.soft_not_found(answer.not_found)
        if self._online(st, response.meta) and answer.system_error:
            return checks.system_error(answer.system_error)
        if self._fingerprinted(st, response) and xnf.same_page(st.fingerprint, answer.fingerprint):
            return checks.soft_not_found()
        if answer.oversize:
            return checks.oversize(status, answer.oversize, xsettings.get("max_page_chars"))
        return checks.Outcome(True, status)

    @staticmethod
    def _online(st: SiteState, meta: dict) -> bool:
        return bool(st.links.get(meta.get("target"), {}).get("online"))

    @staticmethod
    def _fingerprinted(st: SiteState, response) -> bool:
        """Whether the answer is compared with the site's answer to a non-existent path."""
        return bool(st.fingerprint) and response.meta["role"] not in ("probe", "home") \
            and st.is_internal(response.url)

    def _answer(self, st: SiteState, response) -> revisit.Answer:
        """This (2xx) response's Answer, read from it once, with what judging it needs."""
        meta = response.meta
        if "_answer" not in meta:
            page = self._parse(response)
            answer = revisit.Answer(response.status, page is not None)
            if page is not None:
                answer.not_found = xnf.not_found_phrase(page)
                answer.oversize = meta.get("_oversize")
                if self._online(st, meta):
                    answer.system_error = xnf.system_error_phrase(page)
                    answer.system_checked = True
                if self._fingerprinted(st, response):
                    answer.fingerprint = xnf.fingerprint(page)
            meta["_answer"] = answer
        return meta["_answer"]

    def _recall(self, st: SiteState, response):
        """The Answer the request's memo holds when the page has not changed since (a 304, or a
        200 with the same body), None when it must be read; revisit.STALE when the memo cannot
        answer for it now (the page is then asked for again, plainly: see _refetch)."""
        meta = response.meta
        memo = meta.get("_memo")
        if memo is None or meta.get("_recalled"):
            return None
        if "_replay" in meta:   # a fresh memo, not asked for (_replay_later)
            meta["_recalled"] = meta["_replayed"] = True
            st.reused += 1
            st.replayed += 1
            return meta.pop("_replay")
        unchanged = response.status == 304
        if response.request.method == "HEAD":
            # Dead as before (same status): judged on that, as a GET would be; anything else is
            # asked again with a GET (a server that refuses HEAD, a page that is back).
            st.asked_facts.discard(memo.id)
            return None if response.status == memo.status else revisit.STALE
        if not unchanged and response.status == 200 and memo.body_hash \
                and "download_stopped" not in response.flags:
            meta["_hash"] = revisit.body_hash(response.body)
            unchanged = meta["_hash"] == memo.body_hash
        if not unchanged:
            st.asked_facts.discard(memo.id)
            return None
        try:
            held = st.asked_facts
            answer = revisit.unpack(held.pop(memo.id) if memo.id in held
                                    else store.memos.facts(self._memo_engine(), memo.id))
        except Exception as exc:   # noqa: BLE001 - a memo gone or unreadable: read the page instead
            self.logger.debug("memo %s of %s unusable: %s", memo.id, response.url, exc)
            return revisit.STALE
        if answer.html and (
                (answer.read is None and meta["role"] != "check" and meta.get("parse", True))
                or (self._online(st, meta) and not answer.system_checked)
                or (self._fingerprinted(st, response) and answer.fingerprint is None)):
            return revisit.STALE
        meta["_recalled"] = True
        st.reused += 1
        return answer

    def _refetch(self, st: SiteState, request: scrapy.Request) -> scrapy.Request:
        """The page asked for again without its memo (see _recall), from the URL first asked."""
        meta = {k: v for k, v in request.meta.items() if k not in _DOWNLOAD_META
                and k not in ("_memo", "_answer", "_hash", "_recalled")}
        headers = request.headers.copy()
        for name in ("If-None-Match", "If-Modified-Since"):
            headers.pop(name, None)
        st.outstanding += 1
        st.released += 1
        return request.replace(url=meta["_key"][0], method="GET", meta=meta, headers=headers,
                               dont_filter=True)

    def _remember(self, st: SiteState, response, outcome: checks.Outcome):
        """A page or link check read now leaves its memo for the site's next crawl; a dead link
        its HTTP error, to be asked with HEAD next time."""
        meta = response.meta
        answer = meta.pop("_answer", None)
        if "_key" not in meta:
            return
        if meta.get("_recalled"):
            memo = meta["_memo"]
            if not meta.get("_replayed") and not memo.always_ask:
                # Confirmed by the site (304, or the same body): fresh again from now.
                yield rec.Revalidated(st.code, memo.id,
                                      response.headers.get("Date", b"").decode("latin-1"))
            return
        url, ctx = meta["_key"]
        if answer is None:
            memo = meta.get("_memo")
            if (outcome.failure == "http" and response.status >= 400
                    and not (memo and memo.status == response.status)):
                yield rec.Memo(st.code, url, ctx, revisit.reader(), response.status, "", "", "",
                               revisit.pack(revisit.Answer(response.status, False)))
            return
        if answer.html and answer.read is None and meta["role"] != "check" \
                and meta.get("parse", True):
            # Not read because judged dead (a soft 404): read anyway, so that the memo can
            # answer for the page in any later crawl, whatever it is judged there.
            answer.read = self._read(response)
        stopped = "download_stopped" in response.flags
        etag = response.headers.get("ETag", b"").decode("latin-1")
        modified = response.headers.get("Last-Modified", b"").decode("latin-1")
        if stopped and not (etag or modified):
            return   # nothing to ask conditionally, no body to compare: a memo would not help
        body_hash = "" if stopped else meta.get("_hash") or revisit.body_hash(response.body)
        read = answer.read
        role = meta["role"]
        if role in ("home", "home2", "column", "list", "sitemap") or meta.get("list_url") \
                or (read is not None and (read.is_list or read.entry)):
            ask = "list"            # they date the columns: always asked
        elif not outcome.ok or outcome.failure:
            ask = "finding"         # a fix must be seen
        elif response.url != url:
            ask = "redirect"        # a replay would stand at the URL asked, not the one answered
        else:
            ask = ""
        header = response.headers.get
        yield rec.Memo(st.code, url, ctx, revisit.reader(), answer.status, etag, modified,
                       body_hash, revisit.pack(answer), header("Date", b"").decode("latin-1"),
                       header("Cache-Control", b"").decode("latin-1"),
                       header("Expires", b"").decode("latin-1"), ask)

    def _link_item(self, st: SiteState, target: str, outcome: checks.Outcome,
                   attempts: int) -> rec.Link:
        info = st.links.get(target, {})
        return rec.Link(st.code, target, kind=info.get("kind", "page"),
                        on_home=info.get("on_home", False), source_url=info.get("source", ""),
                        text=info.get("text", ""), ok=outcome.ok, status=outcome.status,
                        failure=outcome.failure, detail=outcome.detail, attempts=attempts)

    def _should_retry(self, outcome: checks.Outcome, meta: dict) -> bool:
        if not outcome.transient:
            return False
        if meta.get("role") == "home":
            # A flaky homepage (a third of requests failing) must not empty the audit: tried again
            # with backoff over a minute or two before the site is given up.
            return meta.get("attempt", 1) <= len(self.cfg.get("home_retry_delays", ()))
        return self.cfg.get("retry_transient_once", True) and meta.get("attempt", 1) == 1

    def _retry(self, st: SiteState, request: scrapy.Request) -> scrapy.Request:
        meta = dict(request.meta)
        meta["attempt"] = meta.get("attempt", 1) + 1
        if meta.get("role") == "home":
            meta["delay"] = self.cfg["home_retry_delays"][meta["attempt"] - 2]
        for key in (*_DOWNLOAD_META, "_answer", "_hash"):
            meta.pop(key, None)
        st.outstanding += 1
        st.released += 1
        return request.replace(meta=meta, priority=RETRY_PRIORITY, dont_filter=True)

    def _maybe_finish(self, st: SiteState):
        if st.outstanding <= 0 and not st.done:
            yield from self._close(st, down=not st.home_ok)

    def _finish(self, st: SiteState, down: bool) -> rec.SiteDone:
        st.done = True
        checked = len(st.links)
        st.free()
        return rec.SiteDone(st.code, "down" if down else "ok", st.error, pages=st.pages_fetched,
                            links=checked, skipped=st.skipped, unchecked=st.unchecked,
                            unchecked_sample=st.unchecked_sample,
                            cut_short="page_budget" if st.budget_hit else "", errors=st.errors,
                            first_error=st.first_error, first_error_url=st.first_error_url,
                            crawl_mode=st.crawl_mode, reused=st.reused, asked=st.asked,
                            replayed=st.replayed)

    # ---- helpers ------------------------------------------------------------------------
    def _parse(self, response):
        """Parse an HTML response once per request (cached on the response object)."""
        if "_page" in response.meta:
            return response.meta["_page"]
        page = None
        ctype = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        body = response.body
        if any(t in ctype for t in HTML_TYPES) or (not ctype and body.lstrip()[:1] == b"<"):
            text, _ = decode_body(body, ctype)
            if len(text) > xsettings.get("max_page_chars"):
                response.meta["_oversize"] = len(text)   # parse_page reads up to the limit
            page = parse_page(text, response.url)
        response.meta["_page"] = page   # dropped again before any retry is queued (_retry)
        return page

    def _headers_received(self, headers, body_length, request, spider):
        """Images, attachments and non-HTML answers need only their status: skip the body."""
        if request.meta.get("role") != "check":
            return
        ctype = (headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if any(t in ctype for t in HTML_TYPES):
            return
        size = int((headers.get(b"Content-Length") or b"0").strip() or 0)
        if not request.meta.get("read_text") or size > int(self.reading.get("max_bytes", 0)):
            raise StopDownload(fail=False)

    def _bytes_received(self, data, request, spider):
        """An attachment read for its text stops at max_bytes when its size was not announced
        (its download then counts as fine, its text unread)."""
        if request.meta.get("role") != "check" or not request.meta.get("read_text"):
            return
        request.meta["_bytes"] = request.meta.get("_bytes", 0) + len(data)
        if request.meta["_bytes"] > int(self.reading.get("max_bytes", 0)):
            raise StopDownload(fail=False)

    def closed(self, reason):
        if self._memo_store is not None:
            self._memo_store.dispose()
        if getattr(self, "_pace_loop", None) is not None and self._pace_loop.running:
            self._pace_loop.stop()
        progress.closed(reason)


class _Replayed:
    """What a fresh memo's page 'answers' when replayed without a request (_replay_later): the
    little of a Response the callbacks read once `_recall` gives them the stored Answer."""
    __slots__ = ("url", "meta")
    status = 304
    flags = ()
    headers: dict = {}
    method = "GET"

    def __init__(self, url: str, meta: dict):
        self.url, self.meta = url, meta

    @property
    def request(self):
        return self


def _same_url(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")
