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


# ---- assembled from the store's rows (store.watch) at a moment ------------------------------------
# A finished crawl never changes: its observations are read once per process (the monitor
# evaluates every few minutes).
_CRAWLS: dict[tuple, object] = {}


def site_watches(engine, sites: list, at: datetime, taxonomy: dict,
                 probe_days: int = 8) -> list[SiteWatch]:
    """Each site as known at `at`: its probes of the last `probe_days`, the last crawl finished by
    then (columns, homepage items, consultation messages), moved forward by the watch rows seen by
    then, and its declared outages. Nothing dated after `at` is read: a replay sees the past."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from indicators.assemble import load_observations
    from indicators.windows import newest_dated
    from store import watch as rows
    today = at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Shanghai")).date()
    probes: dict[str, list[Probe]] = {}
    for code, t, ok, detail in rows.probes_between(engine, at - timedelta(days=probe_days), at):
        probes.setdefault(code, []).append(Probe(t, ok, detail))
    declared = declared_by_site(engine)
    watched = rows.latest_watch_rows(engine, at)
    out = []
    for site in sites:
        sw = SiteWatch(site.code, site.name, site.region, site.home_url,
                       probes=probes.get(site.code, []), declared=declared.get(site.code, []))
        crawl = rows.last_crawl(engine, site.code, at)
        if crawl is not None:
            key = (str(engine.url), crawl.id, site.is_portal)
            if key not in _CRAWLS:
                if len(_CRAWLS) > 256:
                    _CRAWLS.clear()
                _CRAWLS[key] = load_observations(engine, crawl, taxonomy=taxonomy,
                                                 is_portal=site.is_portal)
            obs = _CRAWLS[key]
            sw.home_seen = obs.reachable
            sw.home_newest = newest_dated((i.date for i in obs.home_items), today)
            for col in obs.columns:
                sw.columns.append(ColumnSeen(col.name, col.url, col.category,
                                             newest_dated((i.date for i in col.items), today),
                                             col.blank))
                if col.category == "consultation":
                    sw.messages.extend(col.messages.values())
        _refresh(sw, watched)
        out.append(sw)
    return out


def declared_by_site(engine) -> dict[str, list[Declared]]:
    from store import watch as rows
    declared: dict[str, list[Declared]] = {}
    for r in rows.declared_rows(engine):
        declared.setdefault(r["site_code"], []).append(Declared(r["start"], r["end"], r["kind"], r["note"]))
    return declared


def _refresh(sw: SiteWatch, watched: dict) -> None:
    """Later watch rows move the homepage's and a column's newest date forward (and say whether a
    column is blank now)."""
    home = watched.get((sw.code, sw.home_url))
    if home is not None:
        sw.home_seen = True
        if home["newest"] and (sw.home_newest is None or home["newest"] > sw.home_newest):
            sw.home_newest = home["newest"]
    cols = []
    for c in sw.columns:
        row = watched.get((sw.code, c.url))
        if row is not None:
            newest = max([d for d in (c.newest, row["newest"]) if d], default=None)
            c = ColumnSeen(c.name, c.url, c.category, newest, bool(row["blank"]), row["at"])
        cols.append(c)
    sw.columns = cols
