"""One report writer run in a forked child process while the caller writes the others: the writers
are pure Python (python-docx, matplotlib, openpyxl), so threads would take turns on one core.

The child is forked: it has the report as the parent has it, in memory, and the same loaded code
and settings; it writes its files itself and sends back only what work() returns (pickled), or
the exception it raised, raised again in the caller as if work() had run there. Where fork is not
available, or other threads run in this process (a fork copies their locks, held or not: `serve`),
work() runs in this process when its result is asked for.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
import traceback
from contextlib import contextmanager
from typing import Any, Callable, Iterator


@contextmanager
def forked(work: Callable[[], Any]) -> Iterator[Callable[[], Any]]:
    """Starts work() in a child; yields result(): waits for it, returns what work() returned or
    raises what it raised. Leaving the block waits for the child too (result() asked or not, the
    caller failing or not): no child outlives the block, none is left half-way through a file."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        yield work
        return
    child = _Child(work)
    try:
        yield child.result
    finally:
        child.wait()


class _Child:
    def __init__(self, work: Callable[[], Any]):
        self.work = work
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:                # the child: never returns
            os.close(read)
            _run_child(work, write)
        os.close(write)
        self.pipe = os.fdopen(read, "rb")
        self.sent: bytes | None = None

    def wait(self) -> None:
        if self.sent is None:
            with self.pipe:
                self.sent = self.pipe.read()     # the child blocks on a full pipe until read
            os.waitpid(self.pid, 0)

    def result(self) -> Any:
        self.wait()
        if not self.sent:                # the child died (killed, out of memory): work done here
            return self.work()
        ok, value = pickle.loads(self.sent)
        if ok:
            return value
        raise value


def _run_child(work: Callable[[], Any], pipe: int) -> None:
    try:
        try:
            sent = (True, work())
        except BaseException as exc:     # noqa: BLE001 - raised again in the parent
            exc.add_note("（在生成报告的子进程中）\n" + traceback.format_exc())
            sent = (False, exc)
        try:
            data = pickle.dumps(sent)
            pickle.loads(data)           # an exception whose class cannot be rebuilt: said in words
        except Exception:                # noqa: BLE001
            error = None if sent[0] else sent[1]
            plain = RuntimeError(f"{type(error).__name__}: {error}" if error is not None
                                 else "报告子进程的结果无法传回")
            for note in getattr(error, "__notes__", []):
                plain.add_note(note)
            data = pickle.dumps((False, plain))
        with os.fdopen(pipe, "wb") as out:
            out.write(data)
    finally:
        os._exit(0)                      # no atexit handlers, no flushing the parent's buffers twice
