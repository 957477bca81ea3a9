"""What the store knows about one site between audits: the input of the warning states.

Probes (govaudit probe / monitor), the newest homepage and column dates (the last crawl, refreshed by
govaudit watch), the consultation messages of the last crawl, and the outages the office declared.
Plain data: the store builds these, tests build them by hand.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from indicators.observations import Message


@dataclass(frozen=True)
class Probe:
    at: datetime          # UTC, naive (as the store keeps it)
    ok: bool
    detail: str = ""      # Chinese evidence of a failure, e.g. 'HTTP 503'


@dataclass(frozen=True)
class ColumnSeen:
    name: str
    url: str
    category: str | None          # a key of config/taxonomy.yaml categories
    newest: date | None = None    # newest dated item on its first page
    blank: bool = False
    seen_at: datetime | None = None


@dataclass(frozen=True)
class Declared:
    """A maintenance window or a dated 报备 (declared outage): messages are muted inside it, the data
    is kept and reports show the figure with and without it."""
    start: datetime       # UTC, naive
    end: datetime
    kind: str = "维护"     # '维护' | '报备'
    note: str = ""

    def covers(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass
class SiteWatch:
    code: str
    name: str = ""
    region: str = ""
    home_url: str = ""
    probes: list[Probe] = field(default_factory=list)        # oldest first
    home_seen: bool = False                                  # a homepage observation exists
    home_newest: date | None = None                          # newest dated homepage item
    columns: list[ColumnSeen] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)    # consultation messages
    declared: list[Declared] = field(default_factory=list)
