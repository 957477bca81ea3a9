"""Screenshot evidence (截图取证): one row per capture of a finding, and the queries over them.

The picture itself is a content-addressed JPEG file (its SHA-256 is its name) in the report folder's
evidence/; the row says what it shows and where it is. A capture is kept while its finding is open
and for a configurable time after a later audit of the site no longer finds it (prune)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterable

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.schema import Base, now


def finding_key(f: dict) -> str:
    """What a capture is evidence of, the same across audits: the finding's kind, the measurement it
    counts in and its target URL (as scoring.recheck tells findings apart)."""
    return f"{f.get('kind', '')}|{f.get('measure', '')}|{f.get('url', '')}"


class Evidence(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_code: Mapped[str] = mapped_column(String(64), index=True)
    finding_key: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))              # the finding's kind (dead_link …)
    # the crawl whose findings it shows (kept when the crawl is deleted: the file may be in a notice)
    crawl_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="SET NULL"), nullable=True, index=True)
    url: Mapped[str] = mapped_column(Text)                      # the page opened
    final_url: Mapped[str] = mapped_column(Text, default="")    # after redirects
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)   # None: no HTTP answer
    error: Mapped[str] = mapped_column(Text, default="")        # net::ERR_… when there was none
    captured_at: Mapped[datetime] = mapped_column(DateTime, default=now)   # UTC
    selector: Mapped[str] = mapped_column(Text, default="")     # the element marked ('' : the page)
    # the marked element's {x, y, width, height} in the picture's pixels (above the caption bar)
    box: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    viewport: Mapped[dict] = mapped_column(JSON, default=dict)  # {width, height}
    sha256: Mapped[str] = mapped_column(String(64), index=True)   # of the JPEG file
    page_sha256: Mapped[str] = mapped_column(String(64), default="")   # of the page's HTML
    path: Mapped[str] = mapped_column(Text)                     # absolute path of the JPEG
    caption: Mapped[str] = mapped_column(Text, default="")      # the caption bar's text, lines
    browser: Mapped[str] = mapped_column(Text, default="")      # e.g. "Chromium 156.0.8078.129"
    # When an audit of the site last found the finding gone (None: still open).
    fixed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


@dataclass
class Shot:
    """A capture as the reports and the web page use it."""
    site_code: str
    finding_key: str
    path: str
    sha256: str
    url: str
    final_url: str
    status: int | None
    captured_at: datetime
    caption: str


def add(engine: Engine, rows: Iterable[dict]) -> int:
    """Store captures (dicts of Evidence's columns); returns how many."""
    rows = list(rows)
    with Session(engine) as s:
        s.add_all(Evidence(**r) for r in rows)
        s.commit()
    return len(rows)


def _shot(e: Evidence) -> Shot:
    return Shot(e.site_code, e.finding_key, e.path, e.sha256, e.url, e.final_url, e.status,
                e.captured_at, e.caption)


def for_crawl_run(engine: Engine, crawl_run_id: int,
                  site_codes: Iterable[str] | None = None) -> dict[tuple[str, str], Shot]:
    """(site code, finding key) → the latest capture made for that crawl's findings."""
    with Session(engine) as s:
        q = select(Evidence).where(Evidence.crawl_run_id == crawl_run_id).order_by(Evidence.id)
        if site_codes is not None:
            q = q.where(Evidence.site_code.in_(list(site_codes)))
        return {(e.site_code, e.finding_key): _shot(e) for e in s.scalars(q)}


def files_for_crawl_run(engine: Engine, crawl_run_id: int) -> dict[str, dict[str, Path]]:
    """site code → {finding key → the picture's file} of a crawl's findings, files still there."""
    out: dict[str, dict[str, Path]] = {}
    for (code, key), shot in for_crawl_run(engine, crawl_run_id).items():
        if Path(shot.path).is_file():
            out.setdefault(code, {})[key] = Path(shot.path)
    return out


def for_site(engine: Engine, site_code: str) -> list[Shot]:
    """A site's captures still kept, newest first (the web page's finding thumbnails)."""
    with Session(engine) as s:
        return [_shot(e) for e in s.scalars(select(Evidence).where(Evidence.site_code == site_code)
                                            .order_by(Evidence.captured_at.desc(), Evidence.id.desc()))]


def by_sha256(engine: Engine, sha256: str) -> Shot | None:
    """The capture whose file has this hash (a web page serving evidence/<hash>.jpg checks the
    site it belongs to before sending it)."""
    with Session(engine) as s:
        e = s.scalars(select(Evidence).where(Evidence.sha256 == sha256).limit(1)).first()
        return _shot(e) if e else None


def mark_open(engine: Engine, site_code: str, open_keys: Iterable[str], at: datetime | None = None
              ) -> None:
    """After an audit of a site: captures of findings it still has are open again, the others fixed
    from `at` (unless already marked)."""
    keys, at = set(open_keys), at or now()
    with Session(engine) as s:
        for e in s.scalars(select(Evidence).where(Evidence.site_code == site_code)):
            if e.finding_key in keys:
                e.fixed_at = None
            elif e.fixed_at is None:
                e.fixed_at = at
        s.commit()


def prune(engine: Engine, keep_after_fixed: timedelta, at: datetime | None = None) -> list[str]:
    """Forget captures whose finding was fixed longer ago than keep_after_fixed; returns the file
    paths no capture refers to any more (the caller deletes them)."""
    cutoff = (at or now()) - keep_after_fixed
    with Session(engine) as s:
        old = s.scalars(select(Evidence).where(Evidence.fixed_at.is_not(None),
                                               Evidence.fixed_at < cutoff)).all()
        paths = {e.path for e in old}
        s.execute(delete(Evidence).where(Evidence.id.in_([e.id for e in old])))
        still = set(s.scalars(select(Evidence.path).where(Evidence.path.in_(paths))))
        s.commit()
    return sorted(paths - still)

