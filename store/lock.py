"""One crawl per store at a time: a second `govaudit crawl` on the same store refuses (or, with
--wait, waits) and names the crawl that holds it.

The exclusion is a lock its holder cannot forget to release: an flock on a file beside a SQLite store,
a session advisory lock on PostgreSQL. The operating system or the server drops either when the
holder dies, kill -9 included. Who holds it (process, host, run, command) is written to the store's
crawl_lock table, only to name the holder in the refusal.
"""
from __future__ import annotations

import fcntl
import os
import socket
import time
from contextlib import contextmanager
from datetime import timedelta
from typing import Callable, Iterator

from sqlalchemy import delete, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from store import errors as store_errors
from store.schema import CrawlLock, now

BEIJING = timedelta(hours=8)   # stored UTC shown as 北京时间 (indicators.beijing sits a floor above)

PG_LOCK_KEY = 0x60FA0D17   # any fixed 64-bit number: this application's advisory lock


class StoreBusy(store_errors.StoreError):
    """Another crawl holds the store; the message names it."""


@contextmanager
def crawl_lock(engine: Engine, command: str, wait: bool = False,
               on_wait: Callable[[str], None] = lambda message: None,
               poll_seconds: float = 1.0) -> Iterator[Callable[[int], None]]:
    """Hold the store's crawl lock for the block; yields set_run(run_id) to name the run once known."""
    release = _try_lock(engine)
    told = False
    while release is None:
        message = busy_message(engine)
        if not wait:
            raise StoreBusy(message + "。请等它结束后再运行，或加 --wait 排队等待")
        if not told:
            on_wait(message + "，等待它结束……")
            told = True
        time.sleep(poll_seconds)
        release = _try_lock(engine)
    _write_holder(engine, command)
    try:
        yield lambda run_id: _set_run(engine, run_id)
    finally:
        try:
            with engine.begin() as conn:
                conn.execute(delete(CrawlLock))
        except SQLAlchemyError:
            pass   # a store that failed mid-crawl: the next holder replaces the row (_write_holder)
        finally:
            release()


def busy_message(engine: Engine) -> str:
    where = store_errors.shown(engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        row = conn.execute(CrawlLock.__table__.select()).mappings().first()
    if row is None:
        return f"数据库 {where} 正被另一个抓取使用"
    run = f"第 {row['run_id']} 次抓取" if row["run_id"] else "一个抓取"
    return (f"数据库 {where} 正被{run}使用（进程 {row['pid']}，主机 {row['host']}，"
            f"开始于 {row['started_at'] + BEIJING:%Y-%m-%d %H:%M:%S}（北京时间），命令：{row['command']}）")


def _try_lock(engine: Engine) -> Callable[[], None] | None:
    """Take the lock without waiting; returns its release function, or None when it is held."""
    if engine.dialect.name == "postgresql":
        conn = engine.connect()
        if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_LOCK_KEY}).scalar():
            conn.commit()

            def release() -> None:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
                conn.close()
            return release
        conn.close()
        return None
    path = f"{engine.url.database}.crawl-lock"
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        try:            # the holder before us removes the file as it lets go: lock the file that is there
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)

    def release() -> None:
        # remove the file while still holding it, so no empty *.crawl-lock is left in the folder
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    return release


def _write_holder(engine: Engine, command: str) -> None:
    with engine.begin() as conn:   # a holder that died left its row: replace it
        conn.execute(delete(CrawlLock))
        conn.execute(CrawlLock.__table__.insert().values(
            id=1, pid=os.getpid(), host=socket.gethostname(), command=command[:500],
            started_at=now()))


def _set_run(engine: Engine, run_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(CrawlLock.__table__.update().values(run_id=run_id))
