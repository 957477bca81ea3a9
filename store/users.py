"""Accounts of `govaudit serve` and the key that signs their sessions.

An account is the office's (role `office`: every site) or a county's (role `county`: the sites of its
regions and the sites named in its list). The password is kept only as the hash the web floor made."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, DateTime, String, Text, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.engine import upsert
from store.schema import Base, Site, now


class WebUser(Base):
    __tablename__ = "web_users"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))                 # office | county
    display: Mapped[str] = mapped_column(Text, default="")       # 如 “江北区政府办”
    regions: Mapped[list] = mapped_column(JSON, default=list)     # 所属地区 it may see (and below)
    site_codes: Mapped[list] = mapped_column(JSON, default=list)  # and these sites
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class WebSecret(Base):
    """The key signing session cookies: made once per store, so every `serve` over it (and a restart)
    accepts the same sessions, and never written into a page or a log."""
    __tablename__ = "web_secrets"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def save_user(engine: Engine, name: str, password_hash: str, role: str, display: str = "",
              regions: list[str] = (), site_codes: list[str] = ()) -> None:
    """Add the account or replace it (a new password, other regions)."""
    row = dict(name=name, password_hash=password_hash, role=role, display=display,
               regions=list(regions), site_codes=list(site_codes), created_at=now())
    upsert(engine, WebUser.__table__, [row], ["name"],
           update=["password_hash", "role", "display", "regions", "site_codes"])


def get_user(engine: Engine, name: str) -> WebUser | None:
    with Session(engine, expire_on_commit=False) as s:
        return s.get(WebUser, name)


def list_users(engine: Engine) -> list[WebUser]:
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(select(WebUser).order_by(WebUser.name)))


def _reach(user: WebUser) -> list:
    """The WHERE clauses of the sites an account may see: all for the office; for a county the sites
    of its regions (a region covers those under it: 华阳省江北市 covers 华阳省江北市清河县) and of its
    list."""
    if user.role == "office":
        return []
    return [or_(Site.code.in_(list(user.site_codes or [])),
                *(Site.region.startswith(r, autoescape=True) for r in user.regions or [] if r))]


def visible_sites(engine: Engine, user: WebUser) -> list[Site]:
    """The sites an account may see, by code."""
    with Session(engine, expire_on_commit=False) as s:
        return list(s.scalars(select(Site).where(*_reach(user)).order_by(Site.code)))


def visible_site(engine: Engine, user: WebUser, code: str) -> Site | None:
    """The site if the account may see it, else None (whether it exists or not)."""
    with Session(engine, expire_on_commit=False) as s:
        return s.scalars(select(Site).where(Site.code == code, *_reach(user))).first()


def session_secret(engine: Engine) -> str:
    """The store's session key, made on first use (two servers starting at once keep the first)."""
    with Session(engine) as s:
        row = s.get(WebSecret, "session")
        if row is not None:
            return row.value
    from store.engine import insert_ignore
    insert_ignore(engine, WebSecret.__table__,
                  [{"name": "session", "value": secrets.token_urlsafe(48)}])
    with Session(engine) as s:
        return s.get(WebSecret, "session").value
