"""The kept text scans of page records (PageScanRow): read a site's at a time, written in batches by
the one process that stores a scoring's results (govaudit.measuring), never by its children."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import Text, cast, select
from sqlalchemy.engine import Engine

from store.engine import insert_ignore
from store.schema import PageScanRow

_CHUNK = 500   # digests a query: well under SQLite's and PostgreSQL's bound parameters


def scans_of(engine: Engine, scanners: str, digests: Iterable[str]) -> dict[str, str]:
    """digest → the kept scan data, as JSON text, of those records scanned by `scanners` (the others
    are absent). Text, not parsed: most pages have the same scan (nothing found), parsed once."""
    wanted = sorted(set(digests))
    out: dict[str, str] = {}
    data = cast(PageScanRow.data, Text)
    with engine.connect() as conn:
        for i in range(0, len(wanted), _CHUNK):
            out.update(conn.execute(select(PageScanRow.digest, data).where(
                PageScanRow.scanners == scanners,
                PageScanRow.digest.in_(wanted[i:i + _CHUNK]))).all())
    return out


def keep_scans(engine: Engine, scanners: str, scans: dict[str, dict]) -> None:
    """digest → scan data, in one transaction; a record another scoring kept meanwhile is left."""
    insert_ignore(engine, PageScanRow.__table__,
                  [{"scanners": scanners, "digest": d, "data": data} for d, data in scans.items()])
