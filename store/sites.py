"""The register as the store holds it: one row per site, keyed by 网站标识码."""
from __future__ import annotations

from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from store.engine import upsert
from store.schema import Site, now

IMPORT_BATCH = 2000   # rows per upsert statement: one round trip each, well under SQLite's limits


def upsert_sites(engine: Engine, rows: list[dict], update: list[str],
                 on_batch: Callable[[int, int], None] | None = None) -> None:
    """Insert sites or, where the code exists, overwrite only the `update` columns; in batches,
    on_batch(done, total) after each."""
    for start in range(0, len(rows), IMPORT_BATCH):
        upsert(engine, Site.__table__, rows[start:start + IMPORT_BATCH], ["code"], update=update)
        if on_batch:
            on_batch(min(start + IMPORT_BATCH, len(rows)), len(rows))


def find_sites(engine: Engine, region: str | None = None, level: str | None = None,
               limit: int | None = None) -> tuple[list[Site], int]:
    """Sites whose region contains `region` and whose level is `level` (first `limit` by code),
    and how many match in all."""
    where = []
    if region:
        where.append(Site.region.contains(region))
    if level:
        where.append(Site.level == level)
    with Session(engine) as s:
        total = s.scalar(select(func.count()).select_from(Site).where(*where))
        shown = list(s.scalars(select(Site).where(*where).order_by(Site.code).limit(limit)))
    return shown, total


def all_sites(engine: Engine) -> list[Site]:
    """Every registered site, by code."""
    with Session(engine) as s:
        return list(s.scalars(select(Site).order_by(Site.code)))


def get_sites(engine: Engine, codes: list[str]) -> list[Site | None]:
    """The sites of these codes, in their order (None for a code not registered)."""
    with Session(engine) as s:
        return [s.get(Site, code) for code in codes]


def save_site(engine: Engine, code: str, *, name: str | None, default_name: str, home_url: str,
              site_type: str) -> Site:
    """Register one site or update its name (when given), homepage and type; a new site without
    a name is called default_name."""
    with Session(engine, expire_on_commit=False) as s:
        site = s.get(Site, code) or Site(code=code)
        site.name = name or site.name or default_name
        site.home_url, site.site_type = home_url, site_type
        site.updated_at = now()
        s.add(site)
        s.commit()
        return site
