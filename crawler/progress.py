"""The crawler process's protocol on stdout, written by the spider and the store pipeline and read
by whoever started the process (crawler.shards, govaudit.pipeline.run_crawl): one line per finished
site, `GOVAUDIT-PROGRESS {json}` (the terminal's progress display); `GOVAUDIT-STORE-FAILED message`
when a write to the store failed and the crawl stopped; `GOVAUDIT-CLOSED reason` when the spider
closed (finished, or shutdown: interrupted, to be resumed)."""
from __future__ import annotations

import json
import sys

PREFIX = "GOVAUDIT-PROGRESS "
STORE_FAILED = "GOVAUDIT-STORE-FAILED "   # the store's message follows
CLOSED = "GOVAUDIT-CLOSED "               # Scrapy's close reason follows


def emit(site: dict) -> None:
    print(PREFIX + json.dumps(site, ensure_ascii=False), file=sys.stdout, flush=True)


def parse(line: str) -> dict | None:
    """The site a progress line reports; None for any other line the crawler prints."""
    return json.loads(line[len(PREFIX):]) if line.startswith(PREFIX) else None


def closed(reason: str) -> None:
    print(CLOSED + reason, flush=True)


def closed_reason(line: str) -> str | None:
    """The close reason a line reports; None for any other line."""
    return line[len(CLOSED):].strip() if line.startswith(CLOSED) else None


def store_failed(message: str) -> None:
    print(STORE_FAILED + message, flush=True)


def store_failure(line: str) -> str | None:
    """The store's message a line reports; None for any other line."""
    return line[len(STORE_FAILED):].strip() if line.startswith(STORE_FAILED) else None
