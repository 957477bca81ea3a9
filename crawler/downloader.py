"""Scrapy's downloader with its per-host concurrency limit actually enforced, as the host sees it.

Scrapy 2.19's Downloader._process_queue starts each download as a coroutine that marks the request
as "transferring" only once it runs, so the loop that checks free slots drains the whole host queue
at once: CONCURRENT_REQUESTS_PER_DOMAIN = 4 let 13+ requests hit one host together (measured on the
sample farm, tests/test_audit_e2e.py::test_crawl_is_polite_to_every_host). Counting the request as
transferring when it is handed out restores the limit; Scrapy's own code removes it when done.

A request's slot is always its own host's. Scrapy reuses the slot named in request.meta, and its
redirect middleware copies meta into the redirected request, so a link on site C redirecting to site
D was counted in C's slot while it loaded D: D got 8 requests at once
(tests/test_crawl_pace.py::test_no_host_gets_more_than_its_limit).

What the host counts is not what Scrapy counts in two more cases (issue 20: the benchmark farm saw
5 requests at once on a site and 7 on the host every site links to, with a limit of 4):

- Several crawler processes (`--workers N`). A host of one of this process's own sites is this
  process's alone (crawler/shards.py keeps a host's sites together), but any process may check a
  link to another host: the host every site links to (a national portal, a news site) or a site
  another process crawls. Scrapy's count is per process, so with several processes a request also
  needs one of the host's tokens in the table all of them share (crawler/hostlimit.py). A request
  that finds none stays in its slot's queue, and the queue is tried again host_token_retry_s later
  (reactor.callLater: the reactor never waits on it). With one process there is no table.
- A request given up on (our timeout) may still be worked on by the server: the slot stays taken
  (and its token held) for `timeout_hold_s` more seconds before the next request takes its place.
  When this process runs late (a busy machine), a request can leave it shortly before its timeout,
  and the next one would otherwise reach the server while the server still answers the first.

One request can reach the server twice (HTTPHandler): the check of an image or attachment stops at
its headers (StopDownload, crawler/spiders/site_audit.py), and Scrapy closes that connection. When
the whole answer came with the headers (a small file, a HEAD, a 304), Twisted has already taken the
answer as complete and put the connection, closing, back in its pool; the host's next request was
sent on it, cut off by the close, and sent again by Twisted on a new connection: the server answered
both (the benchmark farm saw 5 at once on a site while the processes held 4 tokens).
"""
from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import DownloadTimeoutError
from scrapy.utils.defer import _schedule_coro
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import error as tx

from crawler.hostlimit import HostTokens

TIMEOUTS = (DownloadTimeoutError, tx.TimeoutError, tx.TCPTimedOutError)
TOKENS_SETTING = "GOVAUDIT_HOST_TOKENS"   # the shared table's path (crawler/run.py), when several


class PoliteDownloader(Downloader):
    def __init__(self, crawler):
        super().__init__(crawler)
        path = self.settings.get(TOKENS_SETTING)
        self._tokens = HostTokens(path, self.domain_concurrency) if path else None
        self._token_of: dict = {}    # request (or timeout marker) -> (host, token) it holds
        self._retries: dict = {}     # host -> the delayed call that tries its queue again
        self.handlers = _HoldOnTimeout(self.handlers, self)

    def _wait_for_download(self, slot, request, queue_dfd):
        slot.transferring.add(request)   # before the coroutine runs, so the slot loop sees it
        return super()._wait_for_download(slot, request, queue_dfd)

    def get_slot_key(self, request) -> str:
        return urlparse_cached(request).hostname or ""   # never meta's (a redirect's old host)

    def _process_queue(self, slot) -> None:
        """Scrapy's loop, each request also taking a token of its host's from the shared table.
        DOWNLOAD_DELAY is 0 in this crawler (settings.py), so Scrapy's delay is not repeated."""
        if self._tokens is None:
            return super()._process_queue(slot)
        while slot.queue and slot.free_transfer_slots() > 0:
            request, queue_dfd = slot.queue[0]
            host = self.get_slot_key(request)
            token = self._tokens.take(host)
            if token is None:
                self._retry_later(host)
                return None
            slot.queue.popleft()
            self._token_of[request] = (host, token)
            slot.lastseen = monotonic()
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
        return None

    def _retry_later(self, host: str) -> None:
        if host not in self._retries:
            from twisted.internet import reactor
            seconds = float(self.crawler.spider.cfg["host_token_retry_s"])
            self._retries[host] = reactor.callLater(seconds, self._retry, host)

    def _retry(self, host: str) -> None:
        del self._retries[host]
        slot = self.slots.get(host)
        if slot is not None:
            self._process_queue(slot)

    def release(self, holder) -> None:
        """Give back the token the request (or a timeout's marker) holds, if any."""
        held = self._token_of.pop(holder, None)
        if held is not None:
            self._tokens.give(*held)

    def hold(self, request) -> None:
        """Keep the timed-out request's place in its slot, and its token, for timeout_hold_s."""
        from twisted.internet import reactor
        cfg = getattr(self.crawler.spider, "cfg", None) or {}
        seconds = float(cfg.get("timeout_hold_s", 0) or 0)
        slot = self.slots.get(request.meta.get(self.DOWNLOAD_SLOT, ""))
        if seconds <= 0 or slot is None:
            return
        marker = object()   # stands for the request the server may still be answering
        slot.transferring.add(marker)
        if request in self._token_of:
            self._token_of[marker] = self._token_of.pop(request)

        def release() -> None:
            slot.transferring.discard(marker)
            self.release(marker)
            self._process_queue(slot)
        reactor.callLater(seconds, release)

    def close(self) -> None:
        for call in self._retries.values():
            call.cancel()
        self._retries.clear()
        super().close()


class _HoldOnTimeout:
    """The download handlers, telling the downloader of a timeout before Scrapy frees the slot."""

    def __init__(self, handlers, downloader: PoliteDownloader):
        self._handlers, self._downloader = handlers, downloader

    async def download_request_async(self, request):
        try:
            return await self._handlers.download_request_async(request)
        except TIMEOUTS:
            self._downloader.hold(request)
            raise
        finally:   # before Scrapy frees the slot and tries its queue, which takes a token
            self._downloader.release(request)

    def __getattr__(self, name):
        return getattr(self._handlers, name)


class HTTPHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP(S) handler, its pool never keeping a connection that is being closed (see the
    module's docstring): the next request gets another one, and the host sees it once."""

    def __init__(self, crawler):
        super().__init__(crawler)
        put = self._pool._putConnection   # called when an answer is complete (Twisted's quiescent)

        def keep_unless_closing(key, connection) -> None:
            if not getattr(connection.transport, "disconnecting", False):
                put(key, connection)
        self._pool._putConnection = keep_unless_closing
