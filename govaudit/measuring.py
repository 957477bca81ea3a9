"""Every site of a crawl read back from the store and measured, in child processes when there are
enough sites (config/score.yaml): the scoring's largest cost, and each site's independent of the
others'. The judging, ranking and storing stay in the caller, in crawl order, so the results do not
depend on which process measured which site or when it finished.

The children are forked: they share the parent's loaded code, settings and hash seed (a set of
strings iterates in the same order in each), so a site measured in a child gives what it gives
here. Where fork is not available the sites are measured in this process.

A page's text scans (indicators.pagescan) are kept in the store by its text record's digest and the
scanners' fingerprint: a child reads those of its site's pages and scans the others; this process
alone writes the new ones, a site's in one transaction, so children never queue on SQLite's lock.
"""
from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import platform
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Iterator, Sequence

import config
from indicators import observations, pagescan, personal, spam, termscan
from indicators.assemble import crawl_probe, load_observations
from indicators.classify import override_key
from indicators.findings import Finding
from indicators.measure import TextChecks, measure_site
from indicators.updates import column_judgements
from store import pagescans


@dataclass
class Measured:
    """One site's measurement: what the scoring reads of its observations."""
    measurements: dict
    findings: list[Finding]
    reply_table: dict | None
    reachable: bool
    override_keys: set          # the overrides file's keys that matched one of its columns
    columns: list[dict]         # column_judgements, for the report's 栏目明细
    new_scans: dict = field(default_factory=dict)   # record digest → pagescan data not yet kept


@dataclass
class Failed:
    """A site whose measurement raised: the error, for a message naming the site."""
    error: str
    trace: str


@dataclass
class Job:
    """What every site's measurement reads besides its crawl (the same for all sites)."""
    as_of: date
    taxonomy: dict
    overrides: dict | None
    checks: TextChecks
    probes: dict
    window: tuple
    scanners: str | None = None   # scanner_fingerprint(checks): the kept page scans used; None: none


def scanner_fingerprint(checks: TextChecks) -> str:
    """What a page's text scans are a function of besides its text: the scanners' code, their
    configuration as built (lexicons, --terms, settings) and the pinyin table and automaton
    library they use. A change to any gives another fingerprint, so every page is scanned anew."""
    h = hashlib.sha256()
    for part in (checks.terms.terms, checks.terms.allowed, checks.terms.settings,
                 config.lexicon("shape_confusion"), checks.spam.lexicon, checks.spam.settings,
                 checks.personal, [platform.python_version(), version("pypinyin"),
                                   version("pyahocorasick")]):
        h.update(json.dumps(part, ensure_ascii=False, sort_keys=True, default=str).encode())
    for module in (pagescan, termscan, spam, personal, observations):
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()


def measure_one(engine, sc, portal: bool, job: Job) -> Measured:
    """One site crawl: its observations from the store, measured (pure after the read)."""
    obs = load_observations(engine, sc, taxonomy=job.taxonomy, overrides=job.overrides,
                            is_portal=portal)
    obs.probes = job.probes.get(sc.site_code, []) + crawl_probe(sc, job.window)
    scans, new = _page_scans(engine, obs, job) if job.scanners and obs.reachable else (None, {})
    measurements, findings, reply_table = measure_site(obs, job.as_of, job.taxonomy, job.checks,
                                                       scans)
    keys = ({override_key(job.overrides, c.name, c.url) for c in obs.columns} - {None}
            if job.overrides else set())
    return Measured(measurements, findings, reply_table, obs.reachable, keys,
                    column_judgements(obs.columns, job.as_of, job.taxonomy), new)


def _page_scans(engine, obs, job: Job) -> tuple[dict, dict]:
    """Each page's scans: those kept for its record read from the store, the others made now and
    returned (digest → data) for measure_sites to keep: children only read the store."""
    kept = pagescans.scans_of(engine, job.scanners, obs.records.values())
    parsed: dict[str, pagescan.PageScan] = {}   # pages with the same scan share it (read only)
    known = {}
    for url, digest in obs.records.items():
        if digest in kept:
            text = kept[digest]
            if text not in parsed:
                parsed[text] = pagescan.from_data(json.loads(text))
            known[url] = parsed[text]
    c = job.checks
    scans = pagescan.scan_pages(obs, c.terms, c.spam, c.personal, known)
    return scans, {obs.records[url]: pagescan.to_data(scan) for url, scan in scans.items()
                   if url not in known and url in obs.records}


def _kept(engine, job: Job, result: Measured | Failed) -> Measured | Failed:
    """The result, the page scans it made kept in the store (by this process only)."""
    if isinstance(result, Measured) and result.new_scans:
        pagescans.keep_scans(engine, job.scanners, result.new_scans)
        result.new_scans = {}
    return result


def _guarded(engine, sc, portal: bool, job: Job) -> Measured | Failed:
    try:
        return measure_one(engine, sc, portal, job)
    except Exception as exc:   # noqa: BLE001 - reported naming the site; the others go on
        return Failed(f"{type(exc).__name__}: {exc}", traceback.format_exc())


def worker_count(sites: int, settings: dict | None = None) -> int:
    """How many processes measure `sites` sites: score.yaml's workers (0 = cores), at most one per
    site; 1 (this process) under min_sites or where fork is unavailable."""
    cfg = settings if settings is not None else config.load_yaml("score.yaml")
    wanted = cfg.get("workers") or os.cpu_count() or 1
    if sites < max(cfg.get("min_sites", 1), 2) or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(wanted, sites))


# What the forked children read: set just before the pool is made, inherited by fork.
_forked: tuple | None = None


def _child_start() -> None:
    engine = _forked[0]
    engine.dispose(close=False)   # the parent's pooled connections are not this process's to use
    # What the child inherited lives as long as it does: kept out of the collector, whose full
    # passes otherwise walk it again and again (about 110,000 objects, 42,000 of them the pinyin
    # readings the protected-term scanner was built from)
    gc.freeze()


def _child_measure(index: int) -> Measured | Failed:
    engine, crawls, portals, job = _forked
    return _guarded(engine, crawls[index], portals[index], job)


def measure_sites(engine, crawls: Sequence, portals: Sequence[bool], job: Job,
                  workers: int | None = None) -> Iterator[Measured | Failed]:
    """Each site crawl's Measured (or Failed), in the order of `crawls`, whatever process measured
    it. workers: processes (None: worker_count). A child that dies (killed, out of memory) loses
    no site: what it had not returned is measured here."""
    global _forked
    workers = worker_count(len(crawls)) if workers is None else workers
    if workers <= 1 or len(crawls) < 2:
        for sc, portal in zip(crawls, portals):
            yield _kept(engine, job, _guarded(engine, sc, portal, job))
        return
    _forked = (engine, list(crawls), list(portals), job)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_child_start)
    try:
        # one site a task: sites differ tenfold in pages, so chunks would leave a child idle
        futures = [pool.submit(_child_measure, i) for i in range(len(crawls))]
        for i, future in enumerate(futures):
            try:
                result = future.result()
            except BrokenProcessPool:
                result = _guarded(engine, crawls[i], portals[i], job)
            yield _kept(engine, job, result)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _forked = None
