"""Scrapy's meta-refresh redirect, without decoding every page to look for one; a request held
back for its retry backoff.

Scrapy's MetaRefreshMiddleware decodes the body of every HTML response (w3lib's charset detection
over the whole page) to read its first 4,096 characters; the spider decodes the page again itself.
A refresh needs the bytes `refresh` in the page's head, so pages without them (nearly all) pass
untouched and the rest go to Scrapy's own code.
"""
from __future__ import annotations

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.utils.defer import maybe_deferred_to_future

# 4,096 characters as Scrapy reads them are at most 16 KB in any charset a government page uses.
_HEAD_BYTES = 16384


class LeanMetaRefreshMiddleware(MetaRefreshMiddleware):
    def process_response(self, request, response, spider=None):
        # The bytes lower-cased (ASCII only, as a case-blind bytes pattern matches) and searched
        # for the literal: a case-blind regex scan tests each of the 16 KB in turn, ~15x slower.
        if b"refresh" not in response.body[:_HEAD_BYTES].lower():
            return response
        return super().process_response(request, response)


class BackoffMiddleware:
    """Holds a request whose meta carries `delay` (seconds) before it is downloaded: the backoff
    between a flaky homepage's attempts. The wait happens before the request takes a download
    slot, so the site's other requests and other sites go on meanwhile."""

    async def process_request(self, request, spider=None):
        delay = request.meta.get("delay")
        if delay:
            # Imported here: Scrapy installs its reactor before any request, not at import time.
            from twisted.internet import reactor
            from twisted.internet.task import deferLater
            await maybe_deferred_to_future(deferLater(reactor, float(delay), lambda: None))
        return None
