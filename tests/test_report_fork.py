"""reports.forked: a report writer run in a forked child gives what it gives here, and its errors
are raised here as they would be if it had run here."""
from __future__ import annotations

import os
import signal
import threading

import pytest

from reports.forked import forked
from reports.workdays import CalendarError


@pytest.fixture(autouse=True)
def alone(monkeypatch):
    """As in a command's process: a thread an earlier test left (asyncio's child watcher after the
    browser tests) would have the work run here."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)


def test_the_work_runs_in_a_child_and_its_result_comes_back():
    with forked(lambda: [os.getpid(), "整改通知"]) as result:
        pid, text = result()
    assert pid != os.getpid() and text == "整改通知"


def test_an_error_of_the_child_is_raised_here_with_its_class_and_words():
    def fails():
        raise CalendarError("整改期限算到 2031 年")
    with pytest.raises(CalendarError) as caught:
        with forked(fails) as result:
            result()
    assert str(caught.value) == "整改期限算到 2031 年"     # what the command line prints
    assert "在生成报告的子进程中" in "".join(caught.value.__notes__)   # and --debug shows


def test_an_error_that_cannot_be_rebuilt_is_said_in_words():
    class Odd(Exception):
        def __init__(self, a, b):
            super().__init__(f"{a}{b}")
    def fails():
        raise Odd("坏", "数据")
    with pytest.raises(RuntimeError) as caught:
        with forked(fails) as result:
            result()
    assert str(caught.value) == "Odd: 坏数据"


def test_a_child_that_dies_loses_nothing_the_work_is_done_here():
    parent = os.getpid()
    def work():
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return "here"
    with forked(work) as result:
        assert result() == "here"


def test_with_other_threads_running_the_work_runs_here(monkeypatch):
    monkeypatch.undo()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with forked(os.getpid) as result:
            assert result() == os.getpid()
    finally:
        stop.set()
        other.join()


def test_an_error_here_still_waits_for_the_child(tmp_path):
    done = tmp_path / "done"
    with pytest.raises(ValueError):
        with forked(lambda: done.write_text("ok")):
            raise ValueError("charts failed")
    assert done.read_text() == "ok"         # the child ran to its end before the error left
