"""Store problems as one clear Chinese message: which store (password hidden), what is wrong, what to do.

store.connect() raises StoreError for what it can see before any work starts (a directory, a file that
is not SQLite, an unknown kind of database, an unreachable server); the CLI's main() passes any
SQLAlchemy error raised later (a read-only file being written, a dropped connection) through
explain(), so every command — whoever wrote it — reports store trouble the same way.
"""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from config.errors import UserError

SUPPORTED = "只支持 SQLite 文件路径和 PostgreSQL（postgresql://用户@主机:端口/库名）"


class StoreError(UserError):
    """A store that cannot be used, worded in Chinese for the user."""
    debug_hint = True


def shown(url: str) -> str:
    """The store as it may be printed: a SQLite file as its path, a URL with its password as ***."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    try:
        return hide_passwords(make_url(url).render_as_string(hide_password=True))
    except ArgumentError:
        return hide_passwords(url)


# user:secret@host, and a password given as a query parameter (?password=…, &sslpassword=…).
_USERINFO_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]+@")
_QUERY_PASSWORD = re.compile(r"([?&][\w-]*password=)[^&\s]*", re.I)


def hide_passwords(text: str) -> str:
    """Text (a URL, a command line) with every database password replaced by ***."""
    return _QUERY_PASSWORD.sub(r"\1***", _USERINFO_PASSWORD.sub(r"\1***@", text))


def sqlite_path(url: str) -> Path | None:
    try:
        u = make_url(url)
    except ArgumentError:
        return None
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database.removeprefix("file:"))


def check_sqlite_location(url: str) -> None:
    """Refuse, before connecting, a path that is a directory or whose folder cannot hold the file."""
    path = sqlite_path(url)
    if path is None:
        return
    if path.is_dir():
        raise StoreError(f"数据库 {shown(url)} 是一个目录，不是 SQLite 数据库文件："
                         f"请在 --db 中给出文件路径，例如 {path / 'govaudit.sqlite'}")
    if not path.exists() and not path.parent.is_dir():
        raise StoreError(f"数据库 {shown(url)} 所在的目录 {path.parent} 不存在：请先创建该目录，"
                         "或换一个路径")


def explain(exc: BaseException, url: str | None) -> str:
    """A Chinese message with a hint for a SQLAlchemy/driver error raised while using store `url`."""
    where = f"数据库 {shown(url)}" if url else "数据库"
    text = str(getattr(exc, "orig", None) or exc).lower()
    backend = _backend(url)
    if backend == "sqlite":
        if "readonly" in text or "read-only" in text:
            return (f"{where} 是只读的（文件或所在目录不可写）：只能查看（sites list、report），"
                    "不能导入、抓取或评分；请换一个可写的位置，或改正文件权限")
        if "malformed" in text:
            return (f"{where} 已损坏（database disk image is malformed）：请从备份恢复，"
                    "或用 --db 换一个新文件重新抓取")
        if "not a database" in text or "file is encrypted" in text:
            return f"{where} 不是 SQLite 数据库（或文件已损坏）：请检查 --db 是否指错了文件"
        if "full" in text and ("disk" in text or "database" in text):
            return (f"{where} 所在的磁盘已满（database or disk is full）：请腾出空间，"
                    "或用 --db 换到空间足够的位置")
        if "unable to open" in text:
            return f"{where} 无法打开：目录不可写或文件不可读，请检查路径和权限"
        if "no such table" in text or "no such column" in text:
            return f"{where} 不是 govaudit 的数据库（缺少所需的表）：请检查 --db 是否指错了文件"
        if "locked" in text:
            return f"{where} 正被另一个程序写入（database is locked）：请稍后再试"
    if backend == "postgresql":
        if "does not exist" in text and "database" in text:
            return f"{where} 不存在：请检查库名，或先在 PostgreSQL 中创建该库"
        if "password" in text or "authentication" in text or "role" in text:
            return f"{where} 拒绝登录：请检查用户名和密码"
        if "permission denied" in text or "read-only" in text:
            return f"{where} 没有写入权限：请检查该用户的权限"
        return f"无法连接 PostgreSQL {shown(url)}：请检查主机、端口、库名，以及服务器是否在运行"
    first = str(getattr(exc, "orig", None) or exc).splitlines()[0][:300]
    return f"{where} 出错：{first}"


def _backend(url: str | None) -> str:
    try:
        return make_url(url).get_backend_name() if url else ""
    except ArgumentError:
        return ""


class NotFound(UserError, LookupError):
    """What a command asked for is not in the store (no score run yet, no such run); the message,
    in Chinese, says what to run first."""
