"""Stopping a crawl: Ctrl-C, SIGTERM and SIGHUP reach the crawler processes, and none outlives the CLI.

The crawler processes run in one process group of their own, so the terminal's Ctrl-C reaches only
the CLI, which decides: the first signal asks every crawler to stop and save (Scrapy's graceful
close: the store pipeline flushes), and says so at once; a second one, or a graceful stop that takes
longer than GRACE_SECONDS, kills the group. Killing is safe: a site counts as crawled only once its
completion is stored, and a resumed run crawls unfinished sites afresh (govaudit.pipeline).
Each crawler also stops by itself when its parent dies (crawler/run.py).
"""
from __future__ import annotations

import os
import signal
import subprocess
import threading
from typing import Callable

GRACE_SECONDS = 30.0   # a graceful stop waits for in-flight requests (timeouts up to the crawl's)
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class CrawlerGroup:
    """Spawns the crawler processes (spawn() replaces subprocess.Popen) and stops them together.

    on_stop(signum, forced) tells the user; it must not raise (the terminal may be gone)."""

    def __init__(self, on_stop: Callable[[int, bool], None] = lambda signum, forced: None):
        self.on_stop = on_stop
        self.pgid: int | None = None
        self.procs: list[subprocess.Popen] = []
        self.stopped_by: int | None = None      # the first signal received, if any
        self._previous: dict = {}
        self._timer: threading.Timer | None = None

    def spawn(self, args, preexec_fn=None, **kwargs) -> subprocess.Popen:
        target = self.pgid or 0

        def setup() -> None:
            os.setpgid(0, target)
            if preexec_fn:
                preexec_fn()
        proc = subprocess.Popen(args, preexec_fn=setup, **kwargs)
        if self.pgid is None:
            self.pgid = proc.pid
        self.procs.append(proc)
        return proc

    def __enter__(self) -> "CrawlerGroup":
        if threading.current_thread() is threading.main_thread():
            for sig in SIGNALS:
                self._previous[sig] = signal.signal(sig, self._on_signal)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        if self._timer:
            self._timer.cancel()
        self._send(signal.SIGKILL)          # whatever is still there: never an orphan
        for proc in self.procs:
            proc.wait()

    def _on_signal(self, signum, frame) -> None:
        forced = self.stopped_by is not None
        if not forced:
            self.stopped_by = signum
            self._timer = threading.Timer(GRACE_SECONDS, self._send, (signal.SIGKILL,))
            self._timer.daemon = True
            self._timer.start()
        try:
            self.on_stop(signum, forced)
        except Exception:  # noqa: BLE001 - a closed terminal (SIGHUP) must not stop the stopping
            pass
        self._send(signal.SIGKILL if forced else signal.SIGINT)

    def _send(self, sig: int) -> None:
        if self.pgid is None or all(p.poll() is not None for p in self.procs):
            return
        try:
            os.killpg(self.pgid, sig)
        except ProcessLookupError:
            pass
