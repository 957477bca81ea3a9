"""The per-host token table crawler processes share (crawler/hostlimit.py): this test process and a
child process, each with its own HostTokens on one file, as two crawler processes would."""
from __future__ import annotations

import subprocess
import sys

import pytest

from crawler import hostlimit
from crawler.hostlimit import HostTokens

pytestmark = pytest.mark.timeout(60)
HOST, OTHER = "www.example.gov.cn", "www.portal.gov.cn"
CHILD = """
import sys
from crawler.hostlimit import HostTokens
tokens = HostTokens(sys.argv[1], 4)
for line in sys.stdin:
    verb, host, *token = line.split()
    if verb == "take":
        print(tokens.take(host), flush=True)
    else:
        tokens.give(host, int(token[0]))
        print("given", flush=True)
"""


class Child:
    """Another process taking and giving tokens on the same table."""

    def __init__(self, path: str):
        self.proc = subprocess.Popen([sys.executable, "-c", CHILD, path], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def ask(self, line: str) -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def take(self, host: str) -> int | None:
        answer = self.ask(f"take {host}")
        return None if answer == "None" else int(answer)

    def give(self, host: str, token: int) -> None:
        assert self.ask(f"give {host} {token}") == "given"

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def table(tmp_path):
    path = str(tmp_path / "hosts.locks")
    open(path, "w").close()
    mine, child = HostTokens(path, 4), Child(path)
    yield mine, child
    child.kill()
    mine.close()


def test_four_tokens_a_host_for_all_processes_together(table):
    mine, child = table
    assert hostlimit.bucket(HOST) != hostlimit.bucket(OTHER)
    theirs = [child.take(HOST) for _ in range(3)]
    own = mine.take(HOST)
    assert None not in theirs and own is not None and len({*theirs, own}) == 4
    assert mine.take(HOST) is None          # the 5th, from this process
    assert child.take(HOST) is None         # ... and from the other
    assert mine.take(OTHER) is not None     # another host has its own 4
    child.give(HOST, theirs[0])
    token = mine.take(HOST)                 # a token given back can be taken
    assert token == theirs[0] and mine.held(HOST) == 2
    assert mine.take(HOST) is None


def test_a_dead_process_gives_its_tokens_back(table):
    mine, child = table
    assert None not in [child.take(HOST) for _ in range(4)]
    assert mine.take(HOST) is None
    child.kill()                            # kill -9: the kernel drops its locks
    assert None not in [mine.take(HOST) for _ in range(4)]
    assert mine.take(HOST) is None and mine.held(HOST) == 4


def test_a_process_holding_more_gives_way_to_one_waiting_with_fewer(table):
    """Otherwise the process holding all 4 re-takes each token the moment it gives it back, and
    the other, asking again every host_token_retry_s, could wait for the host's whole crawl."""
    mine, child = table
    own = [mine.take(HOST) for _ in range(4)]
    assert child.take(HOST) is None         # the child now waits, holding none
    mine.give(HOST, own.pop())
    assert mine.take(HOST) is None          # 3 held, someone waits with 0: give way
    assert child.take(HOST) is not None     # the child takes the free token and waits no more
    mine.give(HOST, own.pop())
    assert mine.take(HOST) is not None      # nobody waits: take it back
    assert child.take(HOST) is None         # the child waits again, holding 1
    mine.give(HOST, own.pop())
    assert mine.take(HOST) is None          # 2 held, the child waits with 1: give way
    assert child.take(HOST) is not None     # 2 and 2: the child waits no more
    mine.give(HOST, own.pop())
    assert mine.take(HOST) is not None      # nobody waits: take it back
    assert (mine.held(HOST), child.take(HOST), mine.take(HOST)) == (2, None, None)
