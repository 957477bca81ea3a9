"""Per-site crawl state and the rules that keep a site's URL frontier finite.

Plain data with a few methods; an interrupted crawl resumes per site, through the store (a site
not finished is crawled afresh), so nothing here outlives its process.
"""
from __future__ import annotations

import zlib
from bisect import bisect_left
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable
from urllib.parse import urlsplit

SAMPLE_SIZE = 10          # skipped URLs kept per site, to show what was left out
_SEEN_BITS = 1 << 23      # 1 MB a site: tells a skipped URL seen before (about) without keeping it
_SEEN_SET_MAX = 8192      # ... once this many were skipped; before, their bit numbers in a set (most
                          # sites skip nothing, and 64 sites in progress held 64 MB of empty bitmaps)


@dataclass
class Limits:
    page_budget: int
    max_depth: int
    max_url_length: int
    max_query_variants_per_path: int
    offsite_budget: int              # links to other hosts checked per site
    file_budget: int                 # the site's own images and attachments checked per site

    @classmethod
    def from_config(cls, cfg: dict) -> "Limits":
        return cls(cfg["page_budget"], cfg["max_depth"], cfg["max_url_length"],
                   cfg["max_query_variants_per_path"], cfg["offsite_link_budget"],
                   cfg["file_budget"])


@dataclass
class SiteState:
    code: str
    home_url: str
    hosts: set[str] = field(default_factory=set)
    # Targets being or already checked → {kind, on_home, source, text}; never the ones left out,
    # which are only counted (a trap page of 2,000 new links each held 0.9 KB a link).
    links: dict[str, dict] = field(default_factory=dict)
    pages_fetched: int = 0
    offsite_checked: int = 0
    files_checked: int = 0
    skipped: int = 0                    # pages left out: trap limits or the page budget
    unchecked: int = 0                  # targets left unchecked because a budget was spent
    unchecked_sample: list[str] = field(default_factory=list)
    seen_skips: set[int] | bytearray = field(default_factory=set)
    outstanding: int = 0                # requests not yet answered (waiting ones included)
    released: int = 0                   # of those, handed to Scrapy
    pending: deque = field(default_factory=deque)   # (url, callback name, meta) waiting their turn
    query_variants: dict[str, int] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # column url → name
    column_finds: set[tuple[str, str]] = field(default_factory=set)   # (column url, source) told
    special_pages: set[tuple[str, str]] = field(default_factory=set)  # (role, url) fetched as such
    fingerprint: str | None = None      # the site's answer to a non-existent path, when it is a 200
    error_target: str | None = None     # where the site redirects unknown paths, if anywhere
    home_ok: bool = False
    budget_hit: bool = False            # a page was left out because the page budget was spent
    depth_cut: bool = False             # a page beyond max_depth was only checked, not read
    shallower: set[str] = field(default_factory=set)   # pages met again nearer home before any cut
    done: bool = False
    error: str = ""
    errors: int = 0                     # exceptions while handling this site's pages (a bug, not the site)
    first_error: str = ""
    first_error_url: str = ""
    # An incremental crawl (crawler/revisit.py): the site's memos, (url, context) → (memo id, etag,
    # last_modified, body_hash), and how many answers they gave back instead of a reading.
    crawl_mode: str = "full"
    memos: dict = field(default_factory=dict)
    reused: int = 0
    asked: int = 0       # pages and link checks sent to the site
    replayed: int = 0    # memos used without asking (fresh: crawler/revisit.py)
    dead: set = field(default_factory=set)    # targets the last crawl found at fault
    facts: "FreshFacts" = field(default_factory=lambda: _NO_FACTS)   # fresh memos' packed Answers, until used
    asked_facts: "FreshFacts" = field(default_factory=lambda: _NO_FACTS)   # the others', for their 304s

    def __post_init__(self) -> None:
        if not self.hosts:
            self.hosts.add(host_of(self.home_url))

    def record_error(self, exc: BaseException, url: str) -> None:
        self.errors += 1
        if self.errors == 1:
            self.first_error = error_text(exc)
            self.first_error_url = url

    def is_internal(self, url: str) -> bool:
        return host_of(url) in self.hosts

    def admit_page(self, url: str, depth: int, limits: Limits) -> str:
        """'fetch' (parse and follow), 'check' (fetch only to see it answers), 'skip' (a trap
        limit) or 'budget' (the page budget is spent)."""
        if len(url) > limits.max_url_length:
            return "skip"
        if self.pages_fetched >= limits.page_budget:
            self.budget_hit = True
            return "budget"
        parts = urlsplit(url)
        if parts.query:
            # Same path and parameter names, endless values: calendars, searches, filters.
            names = sorted({kv.split("=", 1)[0] for kv in parts.query.split("&")})
            key = parts.path + "?" + "&".join(names)
            seen = self.query_variants.get(key, 0)
            if seen >= limits.max_query_variants_per_path:
                return "skip"           # calendars, search results: same path, endless queries
            self.query_variants[key] = seen + 1
        self.pages_fetched += 1
        if depth <= limits.max_depth:
            return "fetch"
        self.depth_cut = True
        return "check"

    def admit_check(self, internal: bool, limits: Limits) -> bool:
        """May one more image, attachment or off-site link be checked (within its budget)?"""
        if internal:
            if self.files_checked >= limits.file_budget:
                return False
            self.files_checked += 1
        else:
            if self.offsite_checked >= limits.offsite_budget:
                return False
            self.offsite_checked += 1
        return True

    def left_out(self, url: str, why: str) -> None:
        """Count a target not fetched, once per URL (about: its hash's bit, not the URL itself). why:
        'trap' (calendars, long URLs), 'page_budget', or 'check_budget' (a file or off-site link)."""
        bit = zlib.crc32(url.encode("utf-8", "surrogatepass")) % _SEEN_BITS
        seen = self.seen_skips
        if isinstance(seen, set):
            if bit in seen:
                return
            seen.add(bit)
            if len(seen) > _SEEN_SET_MAX:
                self.seen_skips = bytearray(_SEEN_BITS // 8)
                for b in seen:
                    self.seen_skips[b >> 3] |= 1 << (b & 7)
        elif seen[bit >> 3] & (1 << (bit & 7)):
            return
        else:
            seen[bit >> 3] |= 1 << (bit & 7)
        if why != "check_budget":
            self.skipped += 1
        if why != "trap":
            self.unchecked += 1
            if len(self.unchecked_sample) < SAMPLE_SIZE:
                self.unchecked_sample.append(url)

    def free(self) -> None:
        """A finished site's frontier is no longer needed (thousands of sites per crawl)."""
        self.links.clear()
        self.shallower.clear()
        self.query_variants.clear()
        self.columns.clear()
        self.memos = {}
        self.dead = set()
        self.facts = self.asked_facts = _NO_FACTS
        self.seen_skips = set()


@lru_cache(maxsize=4096)   # every link of every page is asked whether it is the site's own
def host_of(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        return f"{host}:{parts.port}" if parts.port and parts.port not in (80, 443) else host
    except ValueError:
        return ""


def error_text(exc: BaseException) -> str:
    """One line naming an exception, short enough for a workbook cell."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


class FreshFacts:
    """A site's fresh memos (crawler/revisit.py) whose packed Answers a re-audit replays: `id in`
    while not yet used, pop(id) gives the Answer once. Fetched `batch` at a time, never all at the
    site's start (≈ 2.3 KB a page: a 2,000-page site held 4.6 MB, 64 such sites in progress 300 MB
    a crawler process). A crawl reaches pages about in the order the last one stored their memos
    (ids), so a miss fetches the needed memo and the unfetched ones after it in id order: one
    query per batch (one a memo cost more CPU than the replay itself)."""

    def __init__(self, ids, fetch: Callable[[list[int]], dict[int, bytes]], batch: int):
        self._unused = set(ids)
        self._unfetched = sorted(self._unused)
        self._fetch, self._batch = fetch, max(1, batch)
        self._fetched: dict[int, bytes] = {}

    def __contains__(self, memo_id: int) -> bool:
        return memo_id in self._unused

    def __len__(self) -> int:
        return len(self._unused)

    def held(self) -> int:
        """Answers fetched and not yet used (what the batches keep in memory)."""
        return len(self._fetched)

    def pop(self, memo_id: int) -> bytes:
        """The memo's packed Answer; KeyError when it is not fresh or was used already, or the
        store no longer has it."""
        self._unused.remove(memo_id)
        if memo_id not in self._fetched:
            at = bisect_left(self._unfetched, memo_id)
            ids = self._unfetched[at:at + self._batch]
            self._fetched.update(self._fetch(ids))   # a failed read leaves them to be read again
            del self._unfetched[at:at + self._batch]
        return self._fetched.pop(memo_id)

    def discard(self, memo_id: int) -> None:
        """The memo's Answer will not be needed (its page changed): never fetched, or let go."""
        if memo_id in self._unused:
            self._unused.remove(memo_id)
            if self._fetched.pop(memo_id, None) is None:
                at = bisect_left(self._unfetched, memo_id)
                if at < len(self._unfetched) and self._unfetched[at] == memo_id:
                    del self._unfetched[at]


_NO_FACTS = FreshFacts((), lambda ids: {}, 1)   # a full crawl's, and a finished site's: empty
