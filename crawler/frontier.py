"""Per-site crawl state and the rules that keep a site's URL frontier finite.

Plain data with a few methods so Scrapy's JOBDIR can pickle it into spider.state and an interrupted
crawl resumes with what it had already seen.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Limits:
    page_budget: int
    max_depth: int
    max_url_length: int
    max_query_variants_per_path: int

    @classmethod
    def from_config(cls, cfg: dict) -> "Limits":
        return cls(cfg["page_budget"], cfg["max_depth"], cfg["max_url_length"],
                   cfg["max_query_variants_per_path"])


@dataclass
class SiteState:
    code: str
    home_url: str
    hosts: set[str] = field(default_factory=set)
    links: dict[str, dict] = field(default_factory=dict)  # target → {kind, on_home, source, text}
    pages_fetched: int = 0
    skipped: int = 0
    outstanding: int = 0
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
        """'fetch' (parse and follow), 'check' (fetch only to see it answers) or 'skip'."""
        if len(url) > limits.max_url_length:
            return "skip"
        parts = urlsplit(url)
        if parts.query:
            # Same path and parameter names, endless values: calendars, searches, filters.
            names = sorted({kv.split("=", 1)[0] for kv in parts.query.split("&")})
            key = parts.path + "?" + "&".join(names)
            seen = self.query_variants.get(key, 0)
            if seen >= limits.max_query_variants_per_path:
                return "skip"           # calendars, search results: same path, endless queries
            self.query_variants[key] = seen + 1
        if self.pages_fetched >= limits.page_budget:
            self.budget_hit = True
            return "skip"
        self.pages_fetched += 1
        if depth <= limits.max_depth:
            return "fetch"
        self.depth_cut = True
        return "check"


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
