"""Recorded sample draws (govaudit sample): which sites, how they were chosen."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from store.schema import SampleDraw


def record_draw(engine: Engine, description: str, site_codes: list[str], params: dict) -> None:
    with Session(engine) as s:
        s.add(SampleDraw(description=description, site_codes=site_codes, params=params))
        s.commit()


def draw_of(engine: Engine, site_codes) -> str | None:
    """The description of the newest draw of exactly these sites, if any."""
    wanted = sorted(site_codes)
    with Session(engine) as s:
        for draw in s.scalars(select(SampleDraw).order_by(SampleDraw.id.desc())):
            if sorted(draw.site_codes) == wanted:
                return draw.description
    return None


def recheck_draws(engine: Engine) -> set[frozenset[str]]:
    """Site sets drawn for a re-check (sample --include-failed-last)."""
    with Session(engine) as s:
        return {frozenset(d.site_codes) for d in s.scalars(select(SampleDraw))
                if (d.params or {}).get("include_failed_last")}
