"""The crawler process's protocol on stdout, written by the store pipeline and read by whoever
started the process (govaudit.pipeline.run_crawl): one line per finished site,
`GOVAUDIT-PROGRESS {json}` (the terminal's progress display), and `GOVAUDIT-STORE-FAILED message`
when a write to the store failed and the crawl stopped."""
from __future__ import annotations

import json
import sys

PREFIX = "GOVAUDIT-PROGRESS "
STORE_FAILED = "GOVAUDIT-STORE-FAILED "   # the store's message follows


def emit(site: dict) -> None:
    print(PREFIX + json.dumps(site, ensure_ascii=False), file=sys.stdout, flush=True)


def parse(line: str) -> dict | None:
    """The site a progress line reports; None for any other line the crawler prints."""
    return json.loads(line[len(PREFIX):]) if line.startswith(PREFIX) else None
