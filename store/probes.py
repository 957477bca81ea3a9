"""Homepage probes (govaudit probe / monitor): recorded one by one, read back by window."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from store.schema import Probe


def record_probe(engine: Engine, row: dict) -> None:
    """One homepage probe: site_code, url, at, ok, outcome, status, latency_ms, detail."""
    with engine.begin() as conn:
        conn.execute(Probe.__table__.insert().values(**row))


def stored_counts(engine: Engine, since: datetime) -> dict[str, tuple[int, datetime]]:
    """site code → (probes since `since`, time of the latest one)."""
    with engine.connect() as conn:
        rows = conn.execute(select(Probe.site_code, func.count(), func.max(Probe.at))
                            .where(Probe.at >= since).group_by(Probe.site_code)).all()
    return {code: (n, last) for code, n, last in rows}


def probes_between(engine: Engine, start: datetime, end: datetime,
                   codes: Iterable[str] | None = None) -> dict[str, list[Probe]]:
    """The stored probes with start <= at < end, per site, oldest first."""
    q = select(Probe).where(Probe.at >= start, Probe.at < end)
    if codes is not None:
        q = q.where(Probe.site_code.in_(list(codes)))
    out: dict[str, list[Probe]] = {}
    with Session(engine, expire_on_commit=False) as s:
        for p in s.scalars(q.order_by(Probe.at, Probe.id)):
            out.setdefault(p.site_code, []).append(p)
    return out
