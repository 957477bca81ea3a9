"""How many sites one crawler process keeps in progress: grown while the machine has room.

Each site gets at most `concurrent_requests_per_host` requests at once, so when answers take 0.3 s
a fixed handful of sites leaves the process waiting on the network most of the time. Every few
seconds the spider measures its own CPU use, its resident memory and how late the reactor ran the
measurement (a starved or overloaded process runs it late), and decide() says how many sites may
be in progress next. The thresholds are config/crawl.yaml's `active_sites`.
"""
from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class PaceConfig:
    start: int           # sites in progress at first (max_active_sites), and never fewer
    most: int            # never more than this many
    step: int            # sites added (or taken away) at one decision
    cpu_target: float    # grow only while the process used less than this share of one core
    cpu_high: float      # shrink when it used more
    rss_cap_mb: float    # grow only below this resident memory; shrink above it
    max_lag_s: float     # grow only while the reactor ran the measurement at most this late
    every_s: float       # seconds between decisions

    @classmethod
    def from_config(cls, cfg: dict) -> "PaceConfig":
        a = cfg.get("active_sites") or {}
        start = max(1, int(cfg.get("max_active_sites", 8)))
        return cls(start, max(start, int(a.get("most", start))), max(1, int(a.get("step", 4))),
                   float(a.get("cpu_target", 0.6)), float(a.get("cpu_high", 0.85)),
                   float(a.get("rss_cap_mb", 200)), float(a.get("max_lag_s", 0.5)),
                   float(a.get("every_s", 2.0)))


def decide(target: int, active: int, waiting: int, cpu_share: float, rss_mb: float, lag_s: float,
           cfg: PaceConfig) -> int:
    """The next number of sites to keep in progress.

    target: the current number; active: sites in progress now; waiting: sites not yet started;
    cpu_share: the process's CPU seconds per wall second since the last decision; rss_mb: resident
    memory now; lag_s: how late the reactor ran this decision.
    Grows by `step` only when the current target is in use (nothing waits to be started otherwise)
    and CPU, memory and lag all leave room; shrinks by `step` when CPU or memory is over its line;
    otherwise holds. Never below `start` nor above `most`."""
    if rss_mb > cfg.rss_cap_mb or cpu_share > cfg.cpu_high:
        return max(cfg.start, target - cfg.step)
    if waiting > 0 and active >= target and cpu_share < cfg.cpu_target and lag_s <= cfg.max_lag_s:
        return min(cfg.most, target + cfg.step)
    return target


class Meter:
    """The process's own CPU share, RSS and reactor lag between two readings (Linux /proc for RSS,
    getrusage elsewhere, which gives the peak instead)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.monotonic(), time.process_time()

    def read(self, expected_s: float) -> tuple[float, float, float]:
        """(cpu_share, rss_mb, lag_s) since the last reading, expected expected_s seconds ago."""
        wall, cpu = time.monotonic(), time.process_time()
        elapsed = max(wall - self.wall, 1e-6)
        share, lag = (cpu - self.cpu) / elapsed, max(0.0, elapsed - expected_s)
        self.wall, self.cpu = wall, cpu
        return share, rss_mb(), lag


def rss_mb() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
