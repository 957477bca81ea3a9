"""Opening the store (a SQLite file or a PostgreSQL URL) and the writes whose SQL differs between
the two: insert-ignore and upsert."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from sqlalchemy import create_engine, event, insert, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from store import errors
from store.errors import StoreError
from store.schema import Base, Site

DEFAULT_DB = "sqlite:///govaudit.sqlite"


def db_url(url: str | None = None) -> str:
    """--db, else $GOVAUDIT_DB, else ./govaudit.sqlite; a bare file path means a SQLite file.
    postgres:// and postgresql:// mean PostgreSQL through psycopg 3 (the driver we install)."""
    url = url or os.environ.get("GOVAUDIT_DB") or DEFAULT_DB
    if "://" not in url:
        return "sqlite:///" + str(Path(url).resolve())
    scheme, rest = url.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        url = "postgresql+psycopg://" + rest
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise StoreError(f"数据库地址 {errors.shown(url)} 无效：应为 SQLite 文件路径或 "
                         f"postgresql://用户@主机:端口/库名") from None
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(f"不支持的数据库 {backend}（{errors.shown(url)}）："
                         f"{errors.SUPPORTED}")
    return url


# The store the current command opened last: main() names it when a later error comes from it.
current_url: str | None = None


def connect(url: str | None = None) -> Engine:
    """Open (and create if needed) the store; StoreError with a Chinese hint when it cannot be used.
    A SQLite file the user may not write (read-only file or folder) opens read-only: it can still be
    listed and reported."""
    global current_url
    url = current_url = db_url(url)
    errors.check_sqlite_location(url)
    path = errors.sqlite_path(url)
    if path is not None and path.exists() and not _writable(path):
        return _connect_read_only(url, path)
    # Several crawler processes write one SQLite file (govaudit crawl --workers): a writer that
    # finds the file locked waits up to 60 s for its turn instead of failing. An unreachable
    # PostgreSQL server is reported after 10 s instead of hanging.
    sqlite = url.startswith("sqlite")
    engine = create_engine(url, future=True,
                           connect_args={"timeout": 60} if sqlite else {"connect_timeout": 10})
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # WAL: the crawler writes while the CLI reads progress
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            # Concurrent writers (cron probes, a crawl) wait for each other instead of failing.
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
    try:
        _create_tables(engine)
        _add_missing_columns(engine)
    except Exception as exc:  # noqa: BLE001 - drivers raise more than DBAPI errors (e.g. idna)
        engine.dispose()
        raise StoreError(errors.explain(exc, url)) from exc
    return engine


def _add_missing_columns(engine: Engine) -> None:
    """A store made by an older govaudit lacks columns added since: add them (create_all only adds
    tables). Only columns with a server default or NULL allowed are added, which is how new
    columns must be declared."""
    from sqlalchemy import inspect
    from sqlalchemy.schema import CreateColumn
    insp = inspect(engine)
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            have = {c["name"] for c in insp.get_columns(table.name)}
            for column in table.columns:
                if column.name not in have:
                    ddl = CreateColumn(column).compile(dialect=engine.dialect)
                    conn.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN {ddl}')


def _writable(path: Path) -> bool:
    # SQLite also writes beside the file (-wal, -shm), so the folder must be writable too.
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _connect_read_only(url: str, path: Path) -> Engine:
    """mode=ro reads a file in a read-only place; a WAL file there needs immutable=1 (no -shm)."""
    for flag in ("mode=ro", "immutable=1"):
        engine = create_engine(f"sqlite:///file:{path}?{flag}&uri=true", future=True)
        try:
            with engine.connect() as conn:
                conn.execute(select(Site.code).limit(1)).all()
            return engine
        except SQLAlchemyError as exc:
            engine.dispose()
            error = exc
    raise StoreError(errors.explain(error, url)) from error


def _create_tables(engine: Engine) -> None:
    """create_all, tolerating another process creating the same tables at the same moment."""
    from sqlalchemy.exc import OperationalError, ProgrammingError, IntegrityError
    for attempt in range(3):
        try:
            Base.metadata.create_all(engine)
            return
        except (OperationalError, ProgrammingError, IntegrityError):
            if attempt == 2:
                raise


def insert_ignore(engine: Engine, table, rows: Iterable[dict]) -> None:
    """Insert rows, skipping those that hit a unique key (a resumed crawl may write a row twice)."""
    insert_ignore_many(engine, [(table, rows)])


def insert_ignore_many(engine: Engine, batches: Iterable[tuple]) -> None:
    """insert_ignore for several (table, rows) batches in one transaction: one lock and one
    commit per flush, which is what lets several crawler processes share a SQLite file."""
    batches = [(table, rows) for table, rows in ((t, list(r)) for t, r in batches) if rows]
    if not batches:
        return
    with engine.begin() as conn:
        for table, rows in batches:
            conn.execute(insert_ignore_statement(conn, table), rows)


def insert_ignore_statement(conn, table):
    """INSERT that skips rows hitting a unique key, in the connection's SQL dialect."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:  # other databases: plain insert; unique clashes there are a bug worth seeing
        return insert(table)
    return dialect_insert(table).on_conflict_do_nothing()


def upsert(engine: Engine, table, rows: list[dict], key: list[str],
           update: list[str] | None = None) -> None:
    """Insert rows or, where `key` already exists, overwrite the other columns (register import),
    or only the `update` ones."""
    if not rows:
        return
    if engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    stmt = dialect_insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=key, set_={
        c: stmt.excluded[c] for c in (update or rows[0]) if c not in key})
    with engine.begin() as conn:
        conn.execute(stmt, rows)
