"""How many sites one crawler process keeps in progress: grown while the machine has room.

Each site gets at most `concurrent_requests_per_host` requests at once, so when answers take 0.3 s
a fixed handful of sites leaves the process waiting on the network most of the time. Every few
seconds the spider measures the machine's idle CPU (all cores, /proc/stat), its own CPU use, its
resident memory and how late the reactor ran the measurement (a starved or overloaded process runs
it late), and decide() says how many sites may be in progress next. The thresholds are
config/crawl.yaml's `active_sites`.

Sites are added while the machine has idle CPU, not while this process uses less than a fixed share
of a core: with two crawler processes on two cores each stopped growing at 60% of a core (cpu_target)
and 30-40% of the machine stayed idle; on a machine busy with other work, a process's own share
looks low (it is starved) and more sites only queued more answers unread, timing some of them out.
Where /proc/stat cannot be read, the process's own share against cpu_target decides instead.
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
    cpu_target: float    # without /proc/stat: grow only while the process used less than this
                         # share of one core
    cpu_high: float      # shrink when it used more (its reactor runs on one core)
    rss_cap_mb: float    # grow only below this resident memory; shrink above it (process_cap)
    max_lag_s: float     # grow only while the reactor ran the measurement at most this late
    every_s: float       # seconds between decisions
    idle_min: float = 0.15   # grow only while at least this share of the machine's CPU (all
                             # cores) was idle since the last decision ...
    cpu_own: float = 0.85    # ... and the process used less than this share of its one core

    @classmethod
    def from_config(cls, cfg: dict) -> "PaceConfig":
        """cfg: a crawl config; its `processes` (the run's crawler processes, set in the job by
        govaudit.pipeline) shares the whole audit's memory budget out (process_cap)."""
        a = cfg.get("active_sites") or {}
        start = max(1, int(cfg.get("max_active_sites", 8)))
        cap = process_cap(float(a.get("rss_cap_mb", 200)), a.get("tree_mb"),
                          float(a.get("cli_mb", 0)), int(cfg.get("processes") or 1))
        return cls(start, max(start, int(a.get("most", start))), max(1, int(a.get("step", 4))),
                   float(a.get("cpu_target", 0.6)), float(a.get("cpu_high", 0.85)),
                   cap, float(a.get("max_lag_s", 0.5)),
                   float(a.get("every_s", 2.0)), float(a.get("idle_min", 0.15)),
                   float(a.get("cpu_own", 0.85)))


def process_cap(rss_cap_mb: float, tree_mb: float | None, cli_mb: float, processes: int) -> float:
    """One crawler process's memory line: its own cap (rss_cap_mb), and no more than its share of
    the whole audit's budget (tree_mb: the CLI and every crawler process together) once the CLI's
    cli_mb is set aside. tree_mb None: the process's own cap alone."""
    if tree_mb is None:
        return rss_cap_mb
    return min(rss_cap_mb, (float(tree_mb) - cli_mb) / max(1, processes))


def decide(target: int, active: int, waiting: int, cpu_share: float, rss_mb: float, lag_s: float,
           cfg: PaceConfig, idle: float | None = None) -> int:
    """The next number of sites to keep in progress.

    target: the current number; active: sites in progress now; waiting: sites not yet started;
    cpu_share: the process's CPU seconds per wall second since the last decision; rss_mb: resident
    memory now; lag_s: how late the reactor ran this decision; idle: the machine's idle share of
    all its CPU since the last decision (None: unknown, then cpu_share < cpu_target stands for it).
    Grows by `step` only when the current target is in use (nothing waits to be started otherwise)
    and the machine's CPU, the process's own, memory and lag all leave room; shrinks by `step`
    when the process's CPU or memory is over its line; otherwise holds. Never below `start` nor
    above `most`."""
    if rss_mb > cfg.rss_cap_mb or cpu_share > cfg.cpu_high:
        return max(cfg.start, target - cfg.step)
    room = cpu_share < cfg.cpu_target if idle is None else \
        idle >= cfg.idle_min and cpu_share < cfg.cpu_own
    if waiting > 0 and active >= target and room and lag_s <= cfg.max_lag_s:
        return min(cfg.most, target + cfg.step)
    return target


class Meter:
    """The process's own CPU share, RSS and reactor lag, and the machine's idle CPU share, between
    two readings (Linux /proc for RSS and idle; elsewhere getrusage, which gives the peak RSS
    instead, and no idle share)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.monotonic(), time.process_time()
        self.ticks = cpu_ticks()

    def read(self, expected_s: float) -> tuple[float, float, float]:
        """(cpu_share, rss_mb, lag_s) since the last reading, expected expected_s seconds ago;
        the machine's idle share over the same time is left in self.idle (None: unknown)."""
        wall, cpu, ticks = time.monotonic(), time.process_time(), cpu_ticks()
        elapsed = max(wall - self.wall, 1e-6)
        share, lag = (cpu - self.cpu) / elapsed, max(0.0, elapsed - expected_s)
        self.idle = idle_share(self.ticks, ticks)
        self.wall, self.cpu, self.ticks = wall, cpu, ticks
        return share, rss_mb(), lag


def cpu_ticks() -> tuple[int, int] | None:
    """(idle, total) clock ticks of all CPUs since boot (/proc/stat), None where unreadable."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    if len(fields) < 4:
        return None
    # user nice system idle iowait irq softirq steal (guest times are already in user and nice)
    return fields[3] + (fields[4] if len(fields) > 4 else 0), sum(fields[:8])


def idle_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def rss_mb() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
