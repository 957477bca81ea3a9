"""How long a 20,000-row register takes to import (issue 10): batch upserts vs the row-by-row ORM
merge the import used before. Prints seconds; run: .venv/bin/python benchmarks/register_import.py"""
from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

from govaudit import pipeline
import store
from govaudit.register import read_register
from samplefarm import REGISTER_HEADERS

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000


def write_register(path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(REGISTER_HEADERS)
        for i in range(ROWS):
            w.writerow([f"某县第{i}局", f"99{i:08d}", f"http://127.0.1.40/s{i}/", "某县人民政府",
                        "县级", "华阳省江北市", "部门网站"])


def row_by_row(engine, path: Path) -> None:
    """The earlier import: one ORM get-or-create per row, one commit."""
    result = read_register(path)
    with Session(engine) as s:
        for rec in result.sites:
            site = s.get(store.Site, rec.code) or store.Site(code=rec.code)
            site.name, site.home_url, site.sponsor = rec.name, rec.home_url, rec.sponsor
            site.level, site.region, site.site_type = rec.level, rec.region, rec.site_type
            site.updated_at = store.now()
            s.add(site)
        s.commit()


def timed(label: str, fn) -> None:
    start = time.perf_counter()
    fn()
    print(f"{label:<40} {time.perf_counter() - start:7.2f} s")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        register = Path(tmp) / "register.csv"
        write_register(register)
        print(f"{ROWS} register rows, SQLite file")
        timed("read_register (parse and check rows)", lambda: read_register(register))
        batch = store.connect(str(Path(tmp) / "batch.sqlite"))
        timed("govaudit: batch upsert, new store", lambda: pipeline.import_register(batch, register))
        timed("govaudit: batch upsert, all rows exist", lambda: pipeline.import_register(batch, register))
        orm = store.connect(str(Path(tmp) / "orm.sqlite"))
        timed("peer: row-by-row ORM merge, new store", lambda: row_by_row(orm, register))
        timed("peer: row-by-row ORM merge, all exist", lambda: row_by_row(orm, register))


if __name__ == "__main__":
    main()
