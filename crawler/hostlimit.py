"""One per-host request limit for all crawler processes of a crawl (`--workers N`), counted in the
kernel: a counting semaphore per host made of POSIX record locks on one small shared file.

Sites are sharded over the processes by host (crawler/shards.py), but any process may ask any host:
a link to a site another process crawls, or to the host every site links to (a national portal).
Each process counting on its own let such a host see 5-8 requests at once with a limit of 4.

The parent makes an empty file before it starts the crawlers and passes its path in their jobs
(crawler/shards.py). Host h owns a region of 2 × limit bytes at (bucket(h)) × 2 × limit:

- bytes [0, limit) are its tokens. A process sends a request to h only while it holds one: an
  exclusive, non-blocking fcntl.lockf on one byte. Record locks belong to the process, so taking a
  byte it already holds would "succeed" again: the table tracks which bytes this process holds.
  The kernel drops a process's locks when it dies (kill -9 too): no count goes stale.
- bytes [limit, 2 × limit) say who waits: a process that found no token for h holds a shared lock
  on byte limit + c, c being how many tokens of h it holds itself. A process holding n tokens does
  not take another while some other process waits holding fewer than n (one test: an exclusive lock
  on the n bytes [limit, limit + n) fails). Otherwise whoever answers first would keep re-taking a
  token the moment it gives it back, and a process polling for one could wait for that host's whole
  crawl, its other requests backed up behind (max-min share: with two processes asking, 2 and 2).

A host's bucket is 40 bits of a hash of its name (not Python's hash(), which differs per process).
Two hosts in one bucket share one limit: a collision only makes the limit stricter, never looser.
Bytes far past the end of the file can be locked, so the file stays empty.

Closing any descriptor of the file drops all of this process's locks on it (POSIX): the table opens
it once and keeps it open. Celery workers on several machines (crawler/distributed.py) are out of
scope: each crawler process there keeps its own count, and record locks do not cross machines.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import tempfile

BUCKET_BITS = 40


def new_file() -> str:
    """An empty table for one crawl; the caller removes it when the crawl is over."""
    fd, path = tempfile.mkstemp(prefix="govaudit-hosts-", suffix=".locks")
    os.close(fd)
    return path


def bucket(host: str) -> int:
    return int.from_bytes(hashlib.blake2b(host.encode(), digest_size=BUCKET_BITS // 8).digest(), "big")


class HostTokens:
    """This process's side of the table: take() a token for a host before sending it a request,
    give() it back when the answer is in (or the server is taken to be done with it)."""

    def __init__(self, path: str, limit: int):
        self.limit = limit
        self._fd = os.open(path, os.O_RDWR)
        self._held: dict[str, list[int]] = {}   # host -> token bytes this process holds
        self._waiting: dict[str, int] = {}      # host -> the waiting byte this process holds

    def take(self, host: str) -> int | None:
        """A free token of host's (a byte offset), or None: then this process is registered as
        waiting for host until its next take()."""
        base = bucket(host) * 2 * self.limit
        held = self._held.setdefault(host, [])
        self._stop_waiting(host)
        if not self._others_wait_with_fewer(base, len(held)):
            for offset in range(base, base + self.limit):
                if offset not in held and _lock(self._fd, fcntl.LOCK_EX, offset, 1):
                    held.append(offset)
                    return offset
        if len(held) < self.limit:
            level = base + self.limit + len(held)
            # Fails only while another process tests the waiting bytes: its take() goes ahead,
            # this process registers again at its next try.
            if _lock(self._fd, fcntl.LOCK_SH, level, 1):
                self._waiting[host] = level
        if not held:
            del self._held[host]
        return None

    def give(self, host: str, token: int) -> None:
        fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, token)
        held = self._held[host]
        held.remove(token)
        if not held:
            del self._held[host]

    def held(self, host: str) -> int:
        return len(self._held.get(host, ()))

    def close(self) -> None:
        os.close(self._fd)   # drops every lock this process holds on the table

    def _stop_waiting(self, host: str) -> None:
        level = self._waiting.pop(host, None)
        if level is not None:
            fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, level)

    def _others_wait_with_fewer(self, base: int, held: int) -> bool:
        """Does another process wait for this host holding fewer than `held` tokens of it?"""
        if not held:
            return False
        start = base + self.limit
        if not _lock(self._fd, fcntl.LOCK_EX, start, held):
            return True
        fcntl.lockf(self._fd, fcntl.LOCK_UN, held, start)
        return False


def _lock(fd: int, kind: int, start: int, length: int) -> bool:
    try:
        fcntl.lockf(fd, kind | fcntl.LOCK_NB, length, start)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EAGAIN):   # another process holds it
            return False
        raise
    return True
