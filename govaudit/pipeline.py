"""The audit stages as functions over the store: import, crawl, score, report.

The CLI is a thin layer over these; tests call them too. Each reads what the previous one stored.
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Sequence

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

import config
import store
from crawler import settings as crawl_settings
from crawler import progress, shards
from crawler.interrupts import CrawlerGroup
from govaudit.review import earlier_sightings
from govaudit.errors import AuditError
from govaudit.measuring import Failed, Job, measure_sites, scanner_fingerprint
from govaudit.register import read_register
from govaudit.spotcheck import sample_note
from indicators import serious
from indicators.assemble import load_probes, probe_window
from indicators.beijing import beijing
from indicators.findings import Finding
from indicators.measure import TextChecks, measurement_keys
from indicators.termscan import read_terms_file
from scoring import rank
from scoring.engine import NOT_ASSESSED, assess
from scoring.review import PENDING, apply_reviews, without_pending
from scoring.rulefile import load_ruleset
from scoring.verdict import Deduction, Verdict, restore_details
from store import runs
from store.errors import NotFound
from store.evidence import files_for_crawl_run
from store.reviews import decisions
from store.runs import score_run
from store.sites import all_sites, find_sites, upsert_sites
from store.verdicts import SiteScore, add_score_runs, noted_sites, qualified_by_site, score_run_rows


# ---- register ------------------------------------------------------------------------------
def import_register(engine: Engine, path: str | Path,
                    on_batch: Callable[[int, int], None] | None = None):
    """Upsert the register's good rows by 网站标识码, in batches; returns the RegisterResult (rows +
    errors). on_batch(done, total) is called after each batch (the CLI's progress bar)."""
    result = read_register(path)
    stamp = store.now()
    rows = [{"code": r.code, "name": r.name, "home_url": r.home_url, "sponsor": r.sponsor,
             "level": r.level, "region": r.region, "site_type": r.site_type, "updated_at": stamp}
            for r in result.sites]
    # A column the file does not have never erases what the store holds for registered sites.
    upsert_sites(engine, rows, ["updated_at", *sorted(result.fields - {"code"})], on_batch)
    return result


def list_sites(engine: Engine, region: str | None = None, level: str | None = None,
               limit: int | None = None) -> tuple[list[store.Site], int]:
    """Registered sites matching the filters (first `limit` by code) and how many match in all."""
    from govaudit.register import normalize_level
    return find_sites(engine, region, level and (normalize_level(level) or level), limit)


def registered_sites(engine: Engine, codes: Iterable[str] | None = None) -> list[store.Site]:
    sites = all_sites(engine)
    if codes:
        wanted = set(codes)
        missing = sorted(wanted - {site.code for site in sites})
        if missing:
            raise AuditError(f"网站标识码不在网站名录中：{'、'.join(missing)}（请先 govaudit sites import）")
        sites = [site for site in sites if site.code in wanted]
    return sites


# ---- crawl ---------------------------------------------------------------------------------
def a11y_for(ruleset_names: str | Sequence[str], overrides: dict) -> dict:
    """The browser check after an audit's crawl costs a browser and several pages a site: with
    crawl.yaml `a11y: auto` it runs only when one of the audit's rulesets reads an accessibility
    measurement ({} then); otherwise the crawl overrides that switch it off and say why (未检测)."""
    if "a11y" in overrides or crawl_settings.crawl_config(overrides).get("a11y") != "auto":
        return {}
    names = [ruleset_names] if isinstance(ruleset_names, str) else list(ruleset_names)
    if any(m.startswith("a11y_") for name in names for m in load_ruleset(name).measures()):
        return {}
    return {"a11y": False, "a11y_skip": f"规则集 {'、'.join(names)} 不读取无障碍指标，本次未做浏览器检测"}


def start_crawl_run(engine: Engine, sites: list[store.Site], overrides: dict) -> store.CrawlRun:
    """A new crawl run of these sites (resume state lives in the store, per site: see run_crawl)."""
    if not sites:
        raise AuditError("网站名录为空：请先运行 govaudit sites import 名录文件")
    cfg = crawl_settings.crawl_config(overrides)
    cfg["workers"] = shards.worker_count(cfg.get("workers"))   # fixed per run: resume reshards alike
    return runs.new_crawl_run(engine, [x.code for x in sites], cfg)


def unfinished_run(engine: Engine) -> store.CrawlRun | None:
    return runs.unfinished_crawl_run(engine)


def sites_finished(engine: Engine, run_id: int) -> int:
    return len(runs.finished_site_codes(engine, run_id))


def run_crawl(engine: Engine, run: store.CrawlRun, db: str,
              on_progress: Callable[[dict], None] | None = None,
              on_stop: Callable[[int, bool], None] = lambda signum, forced: None) -> int:
    """Crawl the run's unfinished sites in child processes (Twisted's reactor runs once per
    process), sharded over `workers` of them; returns 0 when every one finished, else non-zero.

    Resume is per site, through the store: a site counts as crawled once its completion is stored
    (after its observations); a site without it is crawled afresh on resume, and what an earlier
    attempt stored is replaced once the site answers (crawler/pipelines.py). So any process may die
    at any moment — kill -9 included — and nothing is lost or stored twice. on_stop(signum, forced)
    is told when a signal stops the crawl (crawler.interrupts)."""
    done = runs.finished_site_codes(engine, run.id)
    sites = [x for x in registered_sites(engine, run.site_codes) if x.code not in done]
    sizes = runs.last_crawl_sizes(engine, [x.code for x in sites]) if sites else {}
    parts = shards.shard([{"code": x.code, "home_url": x.home_url} for x in sites],
                         shards.worker_count(run.settings.get("workers")), sizes) if sites else []
    # processes: how many crawl at once, so each keeps to its share of the memory (crawler/pace.py)
    jobs = [{"db": db, "run_id": run.id, "crawl_config": dict(run.settings, processes=len(parts)),
             "sites": part} for part in parts]

    store_failed: list[str] = []

    def on_line(line: str) -> None:
        site = progress.parse(line)
        if site is not None and on_progress:
            on_progress(site)
        elif (message := progress.store_failure(line)) is not None:
            store_failed.append(message)

    with CrawlerGroup(on_stop) as group:
        results = shards.run_processes(jobs, on_line, spawn=group.spawn)
    if store_failed:
        _fail_run(engine, run, store_failed[0])
    code = next((c for c, _ in results if c != 0), 0)
    if code == 0 and any(reason != "finished" for _, reason in results):
        code = 130
    if group.stopped_by is not None:
        return _end_run(engine, run, code or 130, "interrupted")
    if code == 0:
        from crawler.sitechecks import run_checks   # after the crawl: cryptography is 9 MB
        run_checks(engine, run.id, run.settings)
    return _end_run(engine, run, code, "done" if code == 0 else
                    "interrupted" if code == 130 else "failed")


def run_crawl_distributed(engine: Engine, run: store.CrawlRun, db: str, broker: str, batch: int,
                          on_progress: Callable[[dict], None], enqueue: bool = True,
                          requeue_after: float | None = None, queue: str | None = None) -> int:
    """Crawl through Celery workers (govaudit worker) sharing this store: one task per `batch`
    sites; reports each site as it finishes and returns 0 once all have (see distributed)."""
    from crawler import distributed
    app = distributed.make_app(broker, requeue_after or distributed.REQUEUE_AFTER,
                               queue or distributed.QUEUE)
    if enqueue:
        sites = registered_sites(engine, run.site_codes)
        distributed.enqueue(app, run, db, [{"code": x.code, "home_url": x.home_url}
                                           for x in sites], batch)
    try:
        failed = distributed.follow(engine, run.id, len(run.site_codes), on_progress,
                                    failed=lambda: distributed.store_failure(app, run.id))
    except SQLAlchemyError as exc:   # the store failed under this process too (a corrupted file)
        failed = store.errors.explain(exc, db)
    if failed is not None:
        _fail_run(engine, run, failed)   # the single-machine crawl's line: AuditError
    from crawler.sitechecks import run_checks
    run_checks(engine, run.id, run.settings)   # HTTPS and accessibility, from here as from one machine
    return _end_run(engine, run, 0, "done")


def _end_run(engine: Engine, run: store.CrawlRun, code: int, status: str) -> int:
    runs.end_crawl_run(engine, run.id, status)
    return code


def _fail_run(engine: Engine, run: store.CrawlRun, message: str) -> None:
    """The store failed under the crawl (crawler/pipelines.py stopped at the first failed write):
    mark the run failed where the store still allows it — a run not done is never scored by
    default (pick_crawl_run) — and stop with the store's own message."""
    try:
        _end_run(engine, run, 1, "failed")
        marked = "这次抓取已记为失败，不会用于评分"
    except SQLAlchemyError:
        marked = "这次抓取未完成，不会用于评分"
    raise AuditError(f"第 {run.id} 次抓取在第一次写入失败时停止：{message}。{marked}")


# ---- an audit's stages in order ------------------------------------------------------------
def audit(engine: Engine, register: str | Path, as_of: date, ruleset: str | Sequence[str],
          out: str | Path, *, import_register: Callable, crawl: Callable, sites: Sequence[str] = (),
          overrides: str | None = None, scores: str | None = None, terms: str | None = None,
          recheck: bool = False, notices: bool = True, settings=None,
          notify: Callable[[str], None] = lambda message: None, probe: Callable | None = None,
          before_report: Callable | None = None, evidence: bool | None = None):
    """Register, (probe), crawl, score, (re-check), (capture_evidence), reports: audit, demo. How the
    register is imported and the sites crawled (with a progress display, under the crawl lock) is
    the caller's: import_register(engine, path) -> RegisterResult, crawl(engine, codes) ->
    CrawlRun; probe(engine, codes) and before_report(engine) run between the stages. Returns
    (crawl run, score run id, re-check or None, report folder)."""
    result = import_register(engine, register)
    codes = sites or [s.code for s in result.sites]
    if probe:
        probe(engine, codes)
    run = crawl(engine, codes)
    sid = score(engine, as_of, ruleset, overrides, notify=notify, scores_path=scores,
                terms_path=terms)
    rc = None
    if recheck:
        from govaudit import history
        rc = history.recheck(engine, after=sid)
    capture_evidence(engine, sid, out, evidence, notify)
    if before_report:
        before_report(engine)
    return run, sid, rc, write_reports(engine, out, sid, rc, notices=notices, settings=settings)


def capture_evidence(engine: Engine, score_run_id: int, out, wanted=None, notify=lambda m: None):
    """Screenshots of a score run's findings into out/evidence/ (browser.capture)."""
    from browser.capture import capture_score_run
    ruleset = load_ruleset(score_run(engine, score_run_id).ruleset)
    return capture_score_run(engine, score_run_id, Path(out) / "evidence", wanted,
                             lambda m: ruleset.title_of(next(iter(ruleset.rules_reading(m)), "")), notify)


# ---- score ---------------------------------------------------------------------------------
def score(engine: Engine, as_of: date, ruleset_name: str | Sequence[str] = "census-2015",
          overrides_path: str | None = None, crawl_run_id: int | None = None,
          notify: Callable[[str], None] = lambda message: None,
          scores_path: str | None = None, terms_path: str | None = None) -> int:
    """Measure and judge every site of a crawl run (by default the latest complete one); returns the
    new score run's id (the first ruleset's, when several are given: see score_many)."""
    names = [ruleset_name] if isinstance(ruleset_name, str) else list(ruleset_name)
    return score_many(engine, as_of, names, overrides_path, crawl_run_id, notify, scores_path,
                      terms_path)[0]


def score_many(engine: Engine, as_of: date, ruleset_names: Sequence[str],
               overrides_path: str | None = None, crawl_run_id: int | None = None,
               notify: Callable[[str], None] = lambda message: None,
               scores_path: str | None = None, terms_path: str | None = None,
               workers: int | None = None) -> list[int]:
    """Measure each site once and judge it under every ruleset; one score run per ruleset, grouped
    when there are several. notify() receives what the user should know (which run, unused
    overrides). scores_path: the office's score sheet (govaudit.scoresheet) for hand-filled inputs.
    terms_path: the user's protected terms (one a line), scanned with the shipped ones. Findings a
    reviewer dismissed (govaudit review) are left out; the other judgement findings are marked.
    workers: processes measuring the sites (govaudit.measuring; None: config/score.yaml). A site
    whose measurement fails is told through notify() by code and name and left 未能评估 with the
    error as its note; the other sites are scored as usual."""
    from govaudit.scoresheet import read_scores
    rulesets = [load_ruleset(n) for n in dict.fromkeys(ruleset_names or ["census-2015"])]
    inputs = list({i.id: i for rs in rulesets for i in rs.all_inputs()}.values())
    sheet = read_scores(scores_path, inputs) if scores_path else {}
    taxonomy = config.load_yaml("taxonomy.yaml")
    overrides = load_overrides(overrides_path)
    checks = TextChecks.build(tuple(load_terms(terms_path)))
    review_measures = set().union(*(rs.review_measures() for rs in rulesets),
                                  config.load_yaml("findings.yaml").get("review_always") or ())
    run = pick_crawl_run(engine, crawl_run_id)
    crawls = runs.site_crawls(engine, run.id)
    sites = {x.code: x for x in all_sites(engine)}
    notify(f"评分使用第 {run.id} 次抓取（{_run_label(run, crawls)}）")
    unknown = sorted(set(sheet) - {sc.site_code for sc in crawls})
    if unknown:
        notify(f"评分表中这些网站标识码不在第 {run.id} 次抓取中，未使用：{'、'.join(unknown)}")
    # one measurement of availability: the window of the first ruleset
    window = probe_window(as_of, rulesets[0].windows.get("availability"))
    probes = load_probes(engine, window)
    results, used_overrides = [], set()
    site_columns: dict[str, list[dict]] = {}
    known = decisions(engine, [sc.site_code for sc in crawls])
    seen_before = earlier_sightings(engine, [sc.site_code for sc in crawls], as_of, run.id)
    portals = [bool((site := sites.get(sc.site_code)) and site.is_portal) for sc in crawls]
    job = Job(as_of, taxonomy, overrides, checks, probes, window, scanner_fingerprint(checks))
    keys = measurement_keys(taxonomy)
    for sc, portal, measured in zip(crawls, portals,
                                    measure_sites(engine, crawls, portals, job, workers)):
        if isinstance(measured, Failed):   # a fault of ours on this site's data: the rest go on
            notify(f"网站 {sc.site_code}（{getattr(sites.get(sc.site_code), 'name', '')}）评分时出错，"
                   f"该网站未能评估，其余网站照常评分：{measured.error}。请把这条信息报告给维护者")
            note = SCORING_FAILED + measured.error
            results.append(([Verdict(site_code=sc.site_code, qualified=None, score=None, note=note)
                             for _ in rulesets], dict.fromkeys(keys), [], [[] for _ in rulesets],
                            None))
            site_columns[sc.site_code] = []
            continue
        measurements, findings = measured.measurements, measured.findings
        findings = apply_reviews(sc.site_code, measurements, findings, review_measures, known)
        earlier = seen_before.get(sc.site_code, {}) if measured.reachable else {}
        if measured.reachable:
            serious.mark_seen_before(findings, earlier)
            measurements.update(serious.recount(findings, set(earlier)))
        findings += _unchecked_findings(sc)
        # A ruleset judging the handling of attacks (it reads hacked_pages_unhandled: 2019's
        # 没有及时有效处置) takes a hacked page found again at a re-check as standing without review;
        # one that does not (2015's 严重错误) waits for the reviewer's word that the page is hacked.
        held = without_pending(measurements, findings)
        resighted = without_pending(measurements, findings, serious.resighted(earlier))
        verdicts, extra = [], []
        for ruleset in rulesets:
            confirmed = resighted if serious.UNHANDLED in ruleset.measures() else held
            verdict, unmet_findings = _judge(ruleset, confirmed, portal, sc,
                                             sheet.get(sc.site_code), observed=measurements)
            verdicts.append(verdict)
            extra.append(unmet_findings)
        results.append((verdicts, measurements, findings, extra, measured.reply_table))
        used_overrides.update(measured.override_keys)
        site_columns[sc.site_code] = measured.columns
    if overrides:
        unused = [k for k in overrides if k not in used_overrides]
        if len(unused) == len(overrides):
            raise AuditError(f"栏目分类覆盖文件 {overrides_path} 中的条目没有一个对应到第 {run.id} 次"
                             f"抓取发现的栏目（{'、'.join(map(str, unused))}）：请检查栏目网址或栏目名称")
        if unused:
            notify(f"栏目分类覆盖文件 {overrides_path} 中这些条目没有对应的栏目，未生效："
                   + "、".join(map(str, unused)))
    scored = []
    for n, ruleset in enumerate(rulesets):
        rank([verdicts[n] for verdicts, *_ in results])
        scored.append((ruleset.ref, [
            _site_score(verdicts[n], measurements, [*findings, *extra[n]],
                        site_columns[verdicts[n].site_code], reply_table)
            for verdicts, measurements, findings, extra, reply_table in results]))
    return add_score_runs(engine, run.id, as_of, scored)


def _site_score(v: Verdict, measurements: dict, findings: list[Finding], columns: list[dict],
                reply_table: dict | None) -> SiteScore:
    return SiteScore(verdict=dict(site_code=v.site_code, qualified=v.qualified, score=v.score,
                                  rank=v.rank, vetoes=v.vetoes,
                                  deductions=[asdict(d) for d in v.deductions],
                                  measurements=measurements,
                                  findings=[f.to_dict() for f in findings], note=v.note),
                     columns=columns, details=v.details(), interaction=reply_table)


def probes_missing(engine: Engine, as_of: date, ruleset_name: str | Sequence[str],
                   codes: Iterable[str]) -> list[str]:
    """The sites with no homepage probe in the availability window before as_of (the first
    ruleset's): their 站点无法访问 and 首页可用性 cannot be judged (audit warns before crawling)."""
    names = [ruleset_name] if isinstance(ruleset_name, str) else list(ruleset_name)
    ruleset = load_ruleset(names[0] if names else "census-2015")
    if "availability" not in ruleset.windows:
        return []
    probed = load_probes(engine, probe_window(as_of, ruleset.windows["availability"]))
    return [c for c in codes if not probed.get(c)]


def awaiting_review(engine: Engine, score_run_id: int) -> tuple[int, int]:
    """(findings, sites) still 待人工确认 in a score run: what `govaudit review` is for."""
    from store.verdicts import verdict_rows
    counts = [sum(f.get("review") == PENDING for f in row.findings)
              for row in verdict_rows(engine, score_run_id)]
    return sum(counts), sum(n > 0 for n in counts)


def load_terms(path: str | None) -> list[str]:
    """The user's --terms file (one protected term a line), or none."""
    return read_terms_file(path) if path else []


def rescore(engine: Engine, notify: Callable[[str], None] = lambda message: None,
            **options) -> list[int]:
    """Score the latest score run's crawl again, at its monitoring point and under its rulesets
    (govaudit review, once decisions are recorded); options: overrides_path, scores_path,
    terms_path as the first scoring had them."""
    sr = score_run(engine)
    refs = {r.id: r.ruleset for r in runs.score_runs(engine)}
    names = [refs[i] for i in score_group(engine, None) if i in refs] or [sr.ruleset]
    return score_many(engine, sr.as_of, names, options.get("overrides_path"), sr.crawl_run_id,
                      notify, options.get("scores_path"), options.get("terms_path"))


def score_group(engine: Engine, score_run_id: int | None) -> list[int | None]:
    """The score runs to report together: the group made with the given run (when it was the
    first ruleset), or, by default, the group holding the latest run; else the one run."""
    if score_run_id is None:
        try:
            latest = score_run(engine).id
        except NotFound:
            latest = None
    for ids in runs.score_groups(engine):
        if (score_run_id is None and latest in ids) or ids[:1] == [score_run_id]:
            return ids
    return [score_run_id]


CUT_SHORT = {"page_budget": "达到页面预算，其余页面未抓取",
             "unreachable_on_resume": "续抓时无法访问，保留中断前已抓取的部分",
             "interrupted": "抓取被中断，未完成",
             "crawl_errors": "抓取时出错，出错页面的内容未能全部记录"}
RUN_STATUS = {"done": "完整", "interrupted": "中断，未完成", "running": "未完成或正在进行",
              "failed": "失败"}


def cut_short_of(sc: store.SiteCrawl) -> str:
    """Why a site's observations are incomplete ('' when complete): a key of CUT_SHORT. Errors
    first: they may hide any problem, where a spent page budget leaves out the deepest pages."""
    if sc.errors:
        return "crawl_errors"
    return sc.cut_short or ("interrupted" if sc.status == "running" else "")


SCORING_FAILED = "评分时出错，未能评估："   # a verdict's note when measuring its site raised


def scoring_error_sites(engine: Engine, crawl_run_id: int) -> list[str]:
    """The sites the latest scoring of a crawl run could not measure (a fault of ours on their
    data: SCORING_FAILED), by code."""
    ids = [r.id for r in runs.score_runs(engine) if r.crawl_run_id == crawl_run_id]
    return noted_sites(engine, max(ids), SCORING_FAILED) if ids else []


def crawl_error_sites(engine: Engine, run_id: int) -> list[store.SiteCrawl]:
    """The sites of a crawl run that had errors while being crawled."""
    return [sc for sc in runs.site_crawls(engine, run_id) if sc.errors]


def crawl_errors_of(sc: store.SiteCrawl) -> dict | None:
    """results.json's `crawl_errors`: how many errors, the first one and the page it happened on."""
    if not sc.errors:
        return None
    return {"count": sc.errors, "first_error": sc.first_error, "url": sc.first_error_url}


def _run_label(run: store.CrawlRun, crawls: list[store.SiteCrawl] = ()) -> str:
    """How a run ended; given its sites, a finished run with sites cut short says so with counts
    (a run that ended is not a complete one when pages of it were lost to errors)."""
    when = beijing(run.finished_at or run.started_at).strftime("%Y-%m-%d %H:%M")   # 北京时间
    status = RUN_STATUS.get(run.status, run.status)
    erred = [sc for sc in crawls if sc.errors]
    cut = [sc for sc in crawls if not sc.errors and cut_short_of(sc)]
    if run.status == "done" and (erred or cut):
        status = "抓取不完整：" + "，".join(
            ([f"{len(erred)} 个网站抓取时出错（共 {sum(sc.errors for sc in erred)} 次）"] if erred else [])
            + ([f"{len(cut)} 个网站未抓完（{CUT_SHORT[cut_short_of(cut[0])]}等）"] if cut else []))
    return f"{status}，{len(run.site_codes)} 个网站，{when}"


def pick_crawl_run(engine: Engine, run_id: int | None) -> store.CrawlRun:
    """The crawl run to score: the one asked for, else the latest complete one. A run that failed or
    was interrupted is never picked by default: it would judge sites on a fragment."""
    every = runs.crawl_runs(engine)
    if not every:
        raise AuditError("库中还没有抓取记录：请先运行 govaudit crawl")
    listing = "；".join(f"第 {r.id} 次（{_run_label(r)}）" for r in every)
    if run_id is not None:
        run = next((r for r in every if r.id == run_id), None)
        if run is None:
            raise AuditError(f"没有第 {run_id} 次抓取。库中的抓取：{listing}")
        return run
    done = [r for r in every if r.status == "done"]
    if not done:
        raise AuditError(f"库中没有完整的抓取（{listing}）：请用 govaudit crawl --resume 把中断的抓取"
                         f"做完，或用 --run N 明确指定要评分的那一次")
    return done[-1]


def _judge(ruleset, measurements: dict, portal: bool, sc: store.SiteCrawl,
           inputs: dict | None, observed: dict | None = None) -> tuple[Verdict, list[Finding]]:
    """One site under one ruleset; a rule short of data (`requires`) becomes a finding and a note.
    `measurements` leave out judgement findings nobody has reviewed; `observed` has them: a veto
    they alone would add makes a passing site 待确认 instead of failing it."""
    assessment = assess(measurements, ruleset, is_portal=portal, site_code=sc.site_code,
                        inputs=inputs)
    verdict, found = assessment.verdict, []
    notes = [crawl_error(sc)] if sc.status != "ok" and sc.error else []
    if sc.errors:
        from reports.model import crawl_errors_text
        notes.append(f"抓取不完整：{crawl_errors_text(crawl_errors_of(sc))}")
    if sc.cut_short or cut_short_of(sc) == "interrupted":
        key = sc.cut_short or "interrupted"
        notes.append(f"抓取不完整：{CUT_SHORT[key]}"
                     + (f"（{sc.error}）" if sc.error and sc.status == "ok" else ""))
    for reason in dict.fromkeys(assessment.unmet.values()):   # one finding per reason
        rule_ids = [r for r, why in assessment.unmet.items() if why == reason]
        found.append(Finding(kind="insufficient_data", url=sc.home_url, evidence=reason,
                             measure=_first_measure(ruleset, rule_ids[0]),
                             title="、".join(map(ruleset.title_of, rule_ids))))
        notes.append(reason)
    if sc.status != "ok" and assessment.unmet:   # down at the crawl, no probes: say how to judge it
        notes.append(f"{'、'.join(map(ruleset.title_of, assessment.unmet))}须有首页可用性监测才能判定："
                     f"{MONITOR_HINT}")
    if not (verdict.vetoes and verdict.score is None):   # an exclusive veto leaves the rest unscored
        verdict.unchecked = {rid: why for rid in assessment.skipped
                             if (why := assessment.unmet.get(rid)
                                 or _missing(ruleset, rid, measurements))}
    if observed is not None and observed != measurements:
        alone = assess(observed, ruleset, is_portal=portal, site_code=sc.site_code,
                       inputs=inputs).verdict.vetoes
        verdict.awaiting = [v for v in alone if v not in verdict.vetoes]
        if verdict.awaiting and verdict.qualified:
            verdict.qualified = None
            notes.append(f"待确认：{'、'.join(map(ruleset.title_of, verdict.awaiting))}"
                         f"所依据的问题待人工确认（govaudit review），确认则不合格")
    if notes:
        # The crawl's own reason (首页无法访问：连接被拒绝) says more than the generic one.
        generic = [] if sc.error and verdict.note == NOT_ASSESSED else [verdict.note]
        verdict.note = "；".join(dict.fromkeys(n for n in [*generic, *notes] if n))
    return verdict, found


def _unchecked_findings(sc: store.SiteCrawl) -> list[Finding]:
    """What the crawl's budgets left unchecked, said (未检测链接 N), never dropped silently."""
    if not sc.unchecked:
        return []
    sample = [u for u in (sc.unchecked_sample or "").splitlines() if u][:3]
    return [Finding(kind="unchecked_links", measure="dead_links_other", url=sc.home_url,
                    title="未检测链接",
                    evidence=f"未检测链接 {sc.unchecked}：超出本站的抓取或链接检查预算，这些链接未检查"
                             + (f"，例如 {'、'.join(sample)}" if sample else ""))]


MONITOR_HINT = ("运行 govaudit monitor --days 7 --per-day 24（或每小时由 cron 运行 govaudit probe "
                "--count 1）采集监测时间点前 7 天的监测后重新评分")


def crawl_error(sc: store.SiteCrawl) -> str:
    """The crawl's reason for a site it could not reach, marked as seen at the crawl (one fetch,
    not the week of probes the 站点无法访问 veto needs)."""
    head = "首页无法访问"
    return (f"{head}（抓取时）{sc.error[len(head):]}" if sc.error.startswith(head)
            else f"抓取时{sc.error}")


def _missing(ruleset, rule_id: str, measurements: dict) -> str:
    """Why a rule without `requires` was not judged: the measurements it lacked; '' when it lacked
    only counts of a column the site does not have (no board, no messages: it does not apply)."""
    from reports.labels import measurement_label
    from scoring.rulefile import known_measurements
    try:
        reads = ruleset.rule(rule_id).measures()
    except KeyError:             # an evaluation leaf or a rescale condition
        return "缺少数据"
    known = known_measurements()
    lacking = [m for m in reads if measurements.get(m) is None]
    if lacking and all(measurements.get((known.get(m) or {}).get("none_without", "")) == 0
                       for m in lacking):
        return ""
    return f"缺少数据：{'、'.join(map(measurement_label, lacking))}" if lacking else "缺少数据"


def _first_measure(ruleset, rule_id: str) -> str:
    """The measurement a rule's `requires` reads (where its 数据不足 finding belongs)."""
    from scoring.conditions import measures_in
    return (measures_in(ruleset.rule(rule_id).spec.get("requires")) or [""])[0]


def load_overrides(path: str | None) -> dict | None:
    """The user's per-column category overrides: {column URL or column name: category}."""
    if not path:
        return None
    import yaml
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise AuditError(f"栏目分类覆盖文件 {path} 无法读取：{exc}") from exc
    columns = data.get("columns") if isinstance(data, dict) else None
    if not isinstance(columns, dict) or not columns:
        raise AuditError(f"栏目分类覆盖文件 {path} 格式不对：应以 columns: 开头，其下每行"
                         f"“栏目网址或栏目名称: 分类”，例如\ncolumns:\n  本县要闻: news")
    known = set(config.load_yaml("taxonomy.yaml")["categories"])
    bad = {k: v for k, v in columns.items() if v not in known}
    if bad:
        raise AuditError(f"栏目分类覆盖文件 {path} 中有未知分类："
                         + "、".join(f"{k} → {v}" for k, v in bad.items())
                         + f"（可用分类：{'、'.join(sorted(known))}）")
    return columns


# ---- report ----------------------------------------------------------------------------------
def build_report(engine: Engine, score_run_id: int | None = None, recheck=None, settings=None):
    """The AuditReport of a score run (default: the latest), with the report config `settings`."""
    from reports.model import AuditReport, SiteReport
    from reports.rules_table import ruleset_note
    from reports.settings import load_report_config
    sr = score_run(engine, score_run_id)
    stored = score_run_rows(engine, sr.id)
    rows, columns, details, replies = (stored.verdicts, stored.columns, stored.details,
                                       stored.interaction)
    sites = {x.code: x for x in all_sites(engine)}
    crawls = runs.site_crawls(engine, sr.crawl_run_id)
    ruleset = load_ruleset(sr.ruleset)
    cut = {c.site_code: cut_short_of(c) for c in crawls if cut_short_of(c)}
    errors = {c.site_code: crawl_errors_of(c) for c in crawls if c.errors}
    unchecked = {c.site_code: c.unchecked or 0 for c in crawls}
    shots = files_for_crawl_run(engine, sr.crawl_run_id)
    site_reports = []
    for row in rows:
        site = sites.get(row.site_code) or store.Site(code=row.site_code, name=row.site_code,
                                                      home_url="")
        verdict = Verdict(site_code=row.site_code, qualified=row.qualified, score=row.score,
                          vetoes=list(row.vetoes), rank=row.rank, note=row.note,
                          deductions=[Deduction(**d) for d in row.deductions])
        restore_details(verdict, details.get(row.site_code) or {}, ruleset)
        site_reports.append(SiteReport(site=site, verdict=verdict, measurements=row.measurements,
                                       findings=[Finding(**f) for f in row.findings],
                                       columns=columns.get(row.site_code, []),
                                       interaction=replies.get(row.site_code),
                                       cut_short=cut.get(row.site_code, ""),
                                       crawl_errors=errors.get(row.site_code),
                                       unchecked=unchecked.get(row.site_code, 0),
                                       evidence=shots.get(row.site_code, {})))
    incremental = [c for c in crawls if c.crawl_mode == "incremental"]
    counts = None
    if incremental:   # how many were asked, how many of them unchanged, how many not asked at all
        replayed = sum(c.replayed or 0 for c in incremental)
        counts = {"sites": len(incremental), "asked": sum(c.asked or 0 for c in incremental),
                  "unchanged": sum(c.reused for c in incremental) - replayed,
                  "reused_without_asking": replayed}
    summary = {"抓取方式": (f"增量抓取：{len(incremental)} 个网站只重读有变化的页面；询问 {counts['asked']} 个"
                        f"页面和链接，其中 {counts['unchanged']} 个未变化（304 或内容相同），沿用上次读取的结果；"
                        f"{counts['reused_without_asking']} 个仍在有效期内，未询问网站，直接沿用上次读取的结果"
                        if incremental else "完整抓取"),
               "抓取站点数": len(crawls),
               "无法访问站点数": sum(c.status != "ok" for c in crawls),
               "抓取页面数": sum(c.pages for c in crawls),
               "检查链接数": sum(c.links for c in crawls),
               "超出预算或陷阱而未抓取的页面数": sum(c.skipped for c in crawls),
               "抓取不完整的站点数": len(cut)}
    if any(unchecked.values()):
        summary["未检测链接数（超出检查预算）"] = sum(unchecked.values())
    ids = ruleset.all_rule_ids()
    above = ruleset.pass_boundary == "above"
    return AuditReport(as_of=sr.as_of, ruleset_id=ruleset.id,
                       rule_titles={rid: ruleset.title_of(rid) for rid in ids},
                       rule_hints={rid: ruleset.hint_of(rid) for rid in ids},
                       rules_reading={m: ruleset.rules_reading(m) for m in ruleset.measures()},
                       sites=site_reports, crawl_summary=summary, recheck=recheck,
                       crawl_mode="incremental" if incremental else "full", crawl_counts=counts,
                       sample_note=sample_note(engine, [r.site_code for r in rows]),
                       ruleset_title=ruleset.title,
                       pass_text=(f"无单项否决项且得分{'高于' if above else '不低于'} {ruleset.pass_line:g} 分"
                                  f"（满分 {ruleset.full_score:g} 分）为合格"),
                       rule_clauses={rid: ruleset.clause_of(rid) for rid in ids},
                       ruleset_note=ruleset_note(ruleset),
                       veto_ids=[r.id for r in ruleset.vetoes],
                       deduction_ids=[r.id for r in ruleset.deductions],
                       settings=settings or load_report_config(),
                       history=audit_history(engine, sr, {r.site_code for r in rows}),
                       warnings=warning_rows(engine, ruleset, sites, {r.site_code for r in rows}))


def warning_rows(engine: Engine, ruleset, sites: dict, codes: set[str]) -> list[list]:
    """The stored warning states above 正常 of the report's sites, worst first (预警 sheet)."""
    from notify.deliver import load_states
    from scoring.warnings import LEVELS
    from scoring.watchstate import beijing
    states = sorted((s for s in load_states(engine).values() if s.level and s.site in codes),
                    key=lambda s: (-s.level, s.site, s.rule, s.subject))
    return [[s.site, getattr(sites.get(s.site), "name", ""), ruleset.title_of(s.rule), s.subject,
             LEVELS[s.level], f"{beijing(s.since):%Y-%m-%d %H:%M}" if s.since else "",
             s.countdown if s.countdown and s.countdown > 0 else None, s.detail, s.url]
            for s in states]


def audit_history(engine: Engine, current: store.ScoreRun, codes: set[str], keep: int = 6) -> list:
    """This audit and the earlier audits (govaudit.history) under the same ruleset that judged all
    its sites, oldest first: the data of the pass-rate-across-audits chart."""
    from govaudit import history
    from reports.model import AuditSnapshot
    every = history.audits(engine, current.ruleset)
    earlier = [a for a in every
               if a.crawl_run != current.crawl_run_id and a.as_of <= current.as_of
               and codes <= a.site_codes][-(keep - 1):]
    rechecks = {a.score_run for a in every if a.recheck_of}
    snaps = []
    for sid, as_of in [*((a.score_run, a.as_of) for a in earlier), (current.id, current.as_of)]:
        verdicts = qualified_by_site(engine, sid)
        snaps.append(AuditSnapshot(as_of=as_of, qualified={c: verdicts.get(c) for c in codes},
                                   label=f"{as_of:%Y-%m-%d}\n第 {sid} 次评分"
                                         + ("（复查）" if sid in rechecks else "")))
    return snaps


def write_reports(engine: Engine, out_dir: str | Path, score_run_id: int | None = None,
                  recheck=None, *, notices: bool = True, settings=None) -> Path:
    """results.json, charts/*.png, notices/*.docx (unless notices=False) and ranking.xlsx.

    A crawl scored under several rulesets at once (score_many) is reported together: results.json
    and every sheet but the extra rankings follow the first ruleset; each further ruleset gets
    results-<ruleset id>.json (the same shape) and its own ranking sheet."""
    from reports.charts import write_charts
    from reports.files import gather_evidence
    from reports.forked import forked
    from reports.notices import write_notices
    from reports.ranking_xlsx import write_ranking
    from reports.results_json import write_results
    first, *more = score_group(engine, score_run_id)
    report = build_report(engine, first, recheck, settings)   # first: no score, no empty folder
    report.others = [build_report(engine, sid, None, settings) for sid in more]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_results(report, out / "results.json")
    written = {results_name(other.ruleset_id) for other in report.others}
    for stale in out.glob("results-*.json"):      # from an earlier report into this folder
        if stale.name not in written:
            stale.unlink()
    for other in report.others:
        write_results(other, out / results_name(other.ruleset_id))
    gather_evidence(report, out)                 # the screenshots, beside the notices

    def letters():
        written = write_notices(report, out)
        if recheck is not None:
            from reports.recheck_notice import write_recheck_notices
            written += write_recheck_notices(report, out)
        return written
    # The notices in a child process while the charts are drawn here: the workbook embeds both
    # (the charts' files, the notices' list). A writer's error is raised here all the same.
    with forked(letters) if notices else nullcontext() as written:
        report.charts = write_charts(report, out / "charts")
        if notices:
            report.notices = written()
    write_ranking(report, out / "ranking.xlsx")
    return out


def results_name(ruleset_id: str) -> str:
    """results-<id>.json for a further ruleset; the id made safe as a file name."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in ruleset_id)
    return f"results-{safe}.json"
