"""The store's part of the early warnings: what govaudit watch saw, declared outages (maintenance,
报备), warning states and their changes, what each channel was last told, and every send with its
answer — the tables and the queries, as rows (the floors above turn them into their own types).
Every read takes a moment and returns only rows dated at or before it, so a replay sees the past."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, Date, DateTime, Float, Integer, String, Text, UniqueConstraint,
                        delete, select)
from sqlalchemy.engine import Engine, RowMapping
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.schema import Base, Column, Probe, SiteCrawl


class WatchObservation(Base):
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


class DeclaredOutage(Base):
    """A maintenance window or a dated 报备: messages muted, data kept."""
    __tablename__ = "declared_outages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_code: Mapped[str] = mapped_column(String(64), index=True)
    start: Mapped[datetime] = mapped_column(DateTime)
    end: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(8), default="维护")
    note: Mapped[str] = mapped_column(Text, default="")


class WarningStateRow(Base):
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


class WarningChangeRow(Base):
    __tablename__ = "warning_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_code: Mapped[str] = mapped_column(String(64), index=True)
    rule: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    old: Mapped[int] = mapped_column(Integer)
    new: Mapped[int] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")   # the evidence at the change


class AlertMark(Base):
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


class AlertSend(Base):
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


# ---- what the warnings read ----------------------------------------------------------------------
def probes_between(engine: Engine, start: datetime, end: datetime) -> list[tuple]:
    """(site code, at, ok, detail) of every probe with start < at <= end, oldest first."""
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(Probe.site_code, Probe.at, Probe.ok, Probe.detail)
            .where(Probe.at > start, Probe.at <= end).order_by(Probe.at, Probe.id))]


def declared_rows(engine: Engine) -> list[RowMapping]:
    with engine.connect() as conn:
        return conn.execute(select(DeclaredOutage.__table__).order_by(DeclaredOutage.start)).mappings().all()


def declare(engine: Engine, code: str, start: datetime, end: datetime, kind: str, note: str) -> None:
    with engine.begin() as conn:
        conn.execute(DeclaredOutage.__table__.insert().values(
            site_code=code, start=start, end=end, kind=kind, note=note))


def latest_watch_rows(engine: Engine, until: datetime, code: str | None = None) -> dict[tuple, RowMapping]:
    """(site code, url) → the latest answered watch row (200 or 304) at or before `until`."""
    q = select(WatchObservation.__table__).where(WatchObservation.at <= until,
                                                 WatchObservation.status.in_((200, 304)))
    if code is not None:
        q = q.where(WatchObservation.site_code == code)
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(WatchObservation.at, WatchObservation.id)).mappings().all()
    return {(r["site_code"], r["url"]): r for r in rows}


def add_watch_rows(engine: Engine, rows: list[dict]) -> None:
    with engine.begin() as conn:
        conn.execute(WatchObservation.__table__.insert(), rows)


def last_crawl(engine: Engine, code: str, at: datetime) -> SiteCrawl | None:
    """The site's latest crawl finished at or before `at` (of two finished at once, as the demo
    stamps them, the later one)."""
    with Session(engine, expire_on_commit=False) as s:
        return s.scalars(select(SiteCrawl)
                         .where(SiteCrawl.site_code == code, SiteCrawl.finished_at.is_not(None),
                                SiteCrawl.finished_at <= at)
                         .order_by(SiteCrawl.finished_at.desc(), SiteCrawl.id.desc())
                         .limit(1)).first()


def column_urls(engine: Engine, site_crawl_id: int) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(Column.url).where(Column.site_crawl_id == site_crawl_id)
                                 .order_by(Column.id)).scalars())


def stamp_crawls(engine: Engine, at: datetime) -> None:
    """The demo's farm keeps fixed dates: its crawl is stamped at the monitoring point."""
    with engine.begin() as conn:
        conn.execute(SiteCrawl.__table__.update().values(finished_at=at))


# ---- states, changes, marks, sends --------------------------------------------------------------
def state_rows(engine: Engine) -> list[RowMapping]:
    with engine.connect() as conn:
        return conn.execute(select(WarningStateRow.__table__)).mappings().all()


def replace_states(engine: Engine, states: list[dict], changes: list[dict]) -> None:
    """The current states replace the stored ones; the changes are added to the history."""
    with engine.begin() as conn:
        conn.execute(delete(WarningStateRow))
        if states:
            conn.execute(WarningStateRow.__table__.insert(), states)
        if changes:
            conn.execute(WarningChangeRow.__table__.insert(), changes)


def change_rows(engine: Engine, after: datetime | None = None,
                until: datetime | None = None) -> list[RowMapping]:
    q = select(WarningChangeRow.__table__)
    if after is not None:
        q = q.where(WarningChangeRow.at > after)
    if until is not None:
        q = q.where(WarningChangeRow.at <= until)
    with engine.connect() as conn:
        return conn.execute(q.order_by(WarningChangeRow.at, WarningChangeRow.id)).mappings().all()


def mark_rows(engine: Engine, channel: str) -> list[RowMapping]:
    with engine.connect() as conn:
        return conn.execute(select(AlertMark.__table__).where(AlertMark.channel == channel)).mappings().all()


def replace_marks(engine: Engine, channel: str, marks: list[dict]) -> None:
    with engine.begin() as conn:
        conn.execute(delete(AlertMark).where(AlertMark.channel == channel))
        if marks:
            conn.execute(AlertMark.__table__.insert(), [{"channel": channel, **m} for m in marks])


def log_send(engine: Engine, **row) -> None:
    with engine.begin() as conn:
        conn.execute(AlertSend.__table__.insert().values(**row))


def recent_sends(engine: Engine, channel: str, since: datetime) -> list[datetime]:
    with engine.connect() as conn:
        return list(conn.execute(select(AlertSend.at).where(AlertSend.channel == channel,
                                                            AlertSend.at > since)).scalars())


def last_send(engine: Engine, kind: str) -> datetime | None:
    """When a message of this kind last went out successfully."""
    with engine.connect() as conn:
        return conn.execute(select(AlertSend.at).where(AlertSend.kind == kind, AlertSend.ok.is_(True))
                            .order_by(AlertSend.at.desc()).limit(1)).scalar()


def send_rows(engine: Engine, channel: str | None = None) -> list[RowMapping]:
    q = select(AlertSend.__table__)
    if channel is not None:
        q = q.where(AlertSend.channel == channel)
    with engine.connect() as conn:
        return conn.execute(q.order_by(AlertSend.id)).mappings().all()
