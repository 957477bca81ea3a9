"""The store's part of the early warnings: what govaudit watch saw, declared outages, warning
states and their changes, what each channel was last told, and every send with its answer.

Also the one query that builds a site's warning input (indicators.watched.SiteWatch) as it stood at
a moment: only rows dated at or before it are read, so `--as-of` replays give the live states.
"""
from __future__ import annotations

import weakref
from datetime import date, datetime, timedelta

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

import store
from indicators.watched import ColumnSeen, Declared, Probe, SiteWatch
from scoring.watchstate import Change, Key, State, beijing


class WatchObservation(store.Base):
    """One re-read of a homepage or a column's first page (govaudit watch)."""
    __tablename__ = "watch_observations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_code: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(8))          # home | column
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)   # 200, 304, 404 …; None: no answer
    etag: Mapped[str] = mapped_column(Text, default="")
    last_modified: Mapped[str] = mapped_column(Text, default="")
    newest: Mapped[date | None] = mapped_column(Date, nullable=True)     # newest dated item seen
    items: Mapped[int | None] = mapped_column(Integer, nullable=True)
    blank: Mapped[bool] = mapped_column(Boolean, default=False)
    detail: Mapped[str] = mapped_column(Text, default="")


class DeclaredOutage(store.Base):
    """A maintenance window or a dated 报备: messages muted, data kept."""
    __tablename__ = "declared_outages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_code: Mapped[str] = mapped_column(String(64), index=True)
    start: Mapped[datetime] = mapped_column(DateTime)
    end: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(8), default="维护")
    note: Mapped[str] = mapped_column(Text, default="")


class WarningStateRow(store.Base):
    __tablename__ = "warning_states"
    __table_args__ = (UniqueConstraint("site_code", "rule", "subject"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_code: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(Text)
    quantity: Mapped[str] = mapped_column(String(32))
    level: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime] = mapped_column(DateTime)
    detail: Mapped[str] = mapped_column(Text, default="")
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    countdown: Mapped[int | None] = mapped_column(Integer, nullable=True)
    url: Mapped[str] = mapped_column(Text, default="")
    evaluated_at: Mapped[datetime] = mapped_column(DateTime)


class WarningChangeRow(store.Base):
    __tablename__ = "warning_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_code: Mapped[str] = mapped_column(String(64), index=True)
    rule: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    old: Mapped[int] = mapped_column(Integer)
    new: Mapped[int] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")   # the evidence at the change


class AlertMark(store.Base):
    """The level last told on a channel for one key (notify.policy)."""
    __tablename__ = "alert_marks"
    __table_args__ = (UniqueConstraint("channel", "site_code", "rule", "subject"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(Text)
    site_code: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(Text)
    level: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)


class AlertSend(store.Base):
    """Every message sent (or tried) with the platform's answer; secrets never reach this table."""
    __tablename__ = "alert_sends"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(Text, index=True)
    kind: Mapped[str] = mapped_column(String(8))          # alert | daily | weekly | test
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    ok: Mapped[bool] = mapped_column(Boolean)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    answer: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")


# ---- the warning input of one site at a moment ---------------------------------------------------
# A finished crawl never changes: its observations are read once per process (the monitor
# evaluates every few minutes).
_CRAWLS: dict[tuple, object] = {}


def site_watches(engine: Engine, sites: list, at: datetime, taxonomy: dict,
                 probe_days: int = 8) -> list[SiteWatch]:
    """Each site as known at `at`: probes of the last `probe_days`, the last crawl finished by then
    (columns, homepage items, messages), refreshed by the watch rows seen by then."""
    from indicators.assemble import load_observations
    from indicators.windows import newest_dated
    out = []
    with engine.connect() as conn:
        probes: dict[str, list[Probe]] = {}
        for code, t, ok, detail in conn.execute(
                select(store.Probe.site_code, store.Probe.at, store.Probe.ok, store.Probe.detail)
                .where(store.Probe.at > at - timedelta(days=probe_days), store.Probe.at <= at)
                .order_by(store.Probe.at, store.Probe.id)):
            probes.setdefault(code, []).append(Probe(t, ok, detail))
        watched: dict[tuple[str, str], WatchObservation] = {}
        for row in conn.execute(select(WatchObservation.__table__).where(WatchObservation.at <= at)
                                .order_by(WatchObservation.at, WatchObservation.id)).mappings():
            if row["status"] in (200, 304):
                watched[(row["site_code"], row["url"])] = row
    declared = declared_by_site(engine)
    for site in sites:
        sw = SiteWatch(site.code, site.name, site.region, site.home_url,
                       probes=probes.get(site.code, []), declared=declared.get(site.code, []))
        crawl = last_crawl(engine, site.code, at)
        if crawl is not None:
            key = (str(engine.url), crawl.id, site.is_portal)
            obs = _CRAWLS.get(key)
            if obs is None:
                if len(_CRAWLS) > 256:
                    _CRAWLS.clear()
                obs = _CRAWLS[key] = load_observations(engine, crawl, taxonomy=taxonomy,
                                                       is_portal=site.is_portal)
            today = beijing(at).date()
            sw.home_seen = obs.reachable
            sw.home_newest = newest_dated((i.date for i in obs.home_items), today)
            cols = []
            for col in obs.columns:
                newest = newest_dated((i.date for i in col.items), today)
                cols.append(ColumnSeen(col.name, col.url, col.category, newest, col.blank))
                if col.category == "consultation":
                    sw.messages.extend(col.messages.values())
            sw.columns = cols
        _refresh(sw, watched)
        out.append(sw)
    return out


def declared_by_site(engine: Engine) -> dict[str, list[Declared]]:
    declared: dict[str, list[Declared]] = {}
    with engine.connect() as conn:
        for row in conn.execute(select(DeclaredOutage.__table__)
                                .order_by(DeclaredOutage.start)).mappings():
            declared.setdefault(row["site_code"], []).append(
                Declared(row["start"], row["end"], row["kind"], row["note"]))
    return declared


def declare(engine: Engine, code: str, start: datetime, end: datetime, kind: str, note: str) -> None:
    ensure_tables(engine)
    with engine.begin() as conn:
        conn.execute(DeclaredOutage.__table__.insert().values(
            site_code=code, start=start, end=end, kind=kind, note=note))


def _refresh(sw: SiteWatch, watched: dict) -> None:
    """Later watch rows move a column's newest date forward (or mark it blank / filled)."""
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


def stamp_crawls(engine: Engine, at: datetime) -> None:
    """The demo's farm keeps fixed dates: its crawl is stamped at the monitoring point."""
    with engine.begin() as conn:
        conn.execute(store.SiteCrawl.__table__.update().values(finished_at=at))


def last_crawl(engine: Engine, code: str, at: datetime) -> store.SiteCrawl | None:
    from sqlalchemy.orm import Session
    with Session(engine, expire_on_commit=False) as s:
        return s.scalars(select(store.SiteCrawl)
                         .where(store.SiteCrawl.site_code == code,
                                store.SiteCrawl.finished_at.is_not(None),
                                store.SiteCrawl.finished_at <= at)
                         .order_by(store.SiteCrawl.finished_at.desc()).limit(1)).first()


# ---- states, changes, marks, sends --------------------------------------------------------------
_READY: weakref.WeakSet = weakref.WeakSet()     # engines whose tables are known to exist


def ensure_tables(engine: Engine) -> bool:
    """These tables exist in the store (a store opened before this module was imported has not
    created them); False when the store cannot create them (read-only)."""
    from sqlalchemy.exc import SQLAlchemyError
    if engine in _READY:
        return True
    tables = [WatchObservation.__table__, DeclaredOutage.__table__, WarningStateRow.__table__,
              WarningChangeRow.__table__, AlertMark.__table__, AlertSend.__table__]
    try:
        store.Base.metadata.create_all(engine, tables=tables)
    except SQLAlchemyError:
        return False
    _READY.add(engine)
    return True


def load_states(engine: Engine) -> dict[Key, State]:
    with engine.connect() as conn:
        rows = conn.execute(select(WarningStateRow.__table__)).mappings().all()
    return {(r["site_code"], r["rule"], r["subject"]): State(
        r["site_code"], r["rule"], r["subject"], r["quantity"], r["level"], r["detail"], r["value"],
        r["countdown"], r["url"], r["since"]) for r in rows}


def save_states(engine: Engine, states: dict[Key, State], changes: list[Change],
                at: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(delete(WarningStateRow))
        if states:
            conn.execute(WarningStateRow.__table__.insert(), [
                {"site_code": s.site, "rule": s.rule, "subject": s.subject, "quantity": s.quantity,
                 "level": s.level, "since": s.since, "detail": s.detail, "value": s.value,
                 "countdown": s.countdown, "url": s.url, "evaluated_at": at}
                for s in states.values()])
        if changes:
            conn.execute(WarningChangeRow.__table__.insert(), [
                {"site_code": c.site, "rule": c.rule, "subject": c.subject, "at": c.at,
                 "old": c.old, "new": c.new, "detail": c.detail} for c in changes])


def changes_since(engine: Engine, since: datetime) -> list[Change]:
    return _changes(engine, WarningChangeRow.at > since)


def changes_until(engine: Engine, until: datetime) -> list[Change]:
    return _changes(engine, WarningChangeRow.at <= until)


def _changes(engine: Engine, where) -> list[Change]:
    with engine.connect() as conn:
        rows = conn.execute(select(WarningChangeRow.__table__).where(where)
                            .order_by(WarningChangeRow.at, WarningChangeRow.id)).mappings().all()
    return [Change(r["site_code"], r["rule"], r["subject"], r["at"], r["old"], r["new"], r["detail"])
            for r in rows]


def load_marks(engine: Engine, channel: str):
    from notify.policy import Mark
    with engine.connect() as conn:
        rows = conn.execute(select(AlertMark.__table__).where(AlertMark.channel == channel)).mappings()
        return {(r["site_code"], r["rule"], r["subject"]): Mark(r["level"], r["at"]) for r in rows}


def save_marks(engine: Engine, channel: str, marks: dict) -> None:
    with engine.begin() as conn:
        conn.execute(delete(AlertMark).where(AlertMark.channel == channel))
        if marks:
            conn.execute(AlertMark.__table__.insert(), [
                {"channel": channel, "site_code": k[0], "rule": k[1], "subject": k[2],
                 "level": m.level, "at": m.at} for k, m in marks.items()])


def log_send(engine: Engine, channel: str, kind: str, at: datetime, title: str, text: str,
             result) -> None:
    with engine.begin() as conn:
        conn.execute(AlertSend.__table__.insert().values(
            channel=channel, kind=kind, at=at, title=title, text=text, ok=result.ok,
            attempts=result.attempts, answer=result.answer, error=result.error))


def recent_sends(engine: Engine, channel: str, since: datetime) -> list[datetime]:
    with engine.connect() as conn:
        return list(conn.execute(select(AlertSend.at).where(AlertSend.channel == channel,
                                                            AlertSend.at > since)).scalars())


def last_send(engine: Engine, kind: str, channel: str | None = None) -> datetime | None:
    q = select(AlertSend.at).where(AlertSend.kind == kind, AlertSend.ok.is_(True))
    if channel:
        q = q.where(AlertSend.channel == channel)
    with engine.connect() as conn:
        return conn.execute(q.order_by(AlertSend.at.desc()).limit(1)).scalar()
