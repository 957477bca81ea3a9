"""County self-check (自查): one site audited without a register or a database to set up.

Everything lives in the output folder (its own SQLite store included), so running the check again
after fixing compares the two runs, and the second report shows what was fixed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from config.errors import UserError
import store
from store import runs
from store.sites import get_sites, save_site
from store.verdicts import verdict_rows
from scoring.sections import NotJudged, RuleSection, rule_sections
from govaudit.register import code_problem, fix_url, normalize_site_type

class CheckError(UserError, ValueError):
    """The self-check cannot start; Chinese message."""


def default_out(url: str) -> Path:
    return Path(f"自查结果-{urlsplit(url).hostname}")


def register_site(engine, url: str, name: str | None, site_type: str | None,
                  code: str | None) -> store.Site:
    """Upsert the one site being checked; its code defaults to the host name."""
    fixed = fix_url(url.strip())
    if not fixed:
        raise CheckError(f"网址“{url}”无效：应为 http:// 或 https:// 开头的网站首页地址")
    kind = normalize_site_type(site_type) if site_type else "门户网站"
    if kind is None:
        raise CheckError(f"网站类型“{site_type}”无法识别，应为 门户网站 或 部门网站")
    host = urlsplit(fixed).hostname or fixed
    if code and (problem := code_problem(code)):
        raise CheckError(f"--code：{problem}")
    return save_site(engine, code or host, name=name, default_name=host, home_url=fixed,
                     site_type=kind)


@dataclass
class CheckResult:
    """A self-check's outcome (check()): the verdict (qualified, score, note), its problems by rule,
    the rules one run could not judge, the crawl's errors, the comparison with the folder's previous
    check (None the first time), and where the store and reports are."""
    site: store.Site
    db: str
    crawl_run: store.CrawlRun
    score_run: int
    verdict: store.VerdictRow
    problems: list[RuleSection]
    not_judged: list[NotJudged]
    crawl_errors: list[dict]
    recheck: Any
    report_dir: Path


def sections(engine, score_run: int, db: str | None = None
             ) -> tuple[store.VerdictRow, list[RuleSection], list[NotJudged]]:
    """The site's verdict, its problems grouped by rule (vetoes first), and the rules one run could
    not judge with what to do about each; the commands name `db`, the self-check's own store (run
    without it they would read ./govaudit.sqlite, where this site is not registered)."""
    from scoring.rulefile import load_ruleset
    sr = runs.score_run(engine, score_run)
    row, = verdict_rows(engine, sr.id)
    site, = get_sites(engine, [row.site_code])
    problems, not_judged = rule_sections(row, load_ruleset(sr.ruleset),
                                         bool(site and site.is_portal), db)
    return row, problems, not_judged


def check(url: str, out_dir: str | Path, *, crawl: Callable, name: str | None = None,
          site_type: str | None = None, code: str | None = None, as_of: date | None = None,
          ruleset: str = "census-2015", on_site: Callable[[store.Site], None] = lambda site: None,
          progress: Callable[[float, str], None] = lambda done, text: None) -> CheckResult:
    """A county's self-check of one site, the stages in order (govaudit check and the web page's
    检查我的网站 call this): its own store in out_dir (govaudit.sqlite), so checking again compares
    with the previous check. The site is registered (on_site told), crawled by
    crawl(engine, db, codes) -> CrawlRun (the caller's: progress display, crawl lock), scored,
    compared and reported (no notice to itself); progress(share done, what now) is told between."""
    from govaudit import history, pipeline
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    db = str(out_dir / "govaudit.sqlite")
    engine = store.connect(db)
    try:
        site = register_site(engine, url, name, site_type, code)
        on_site(site)
        progress(0.05, "开始抓取网站")
        run = crawl(engine, db, [site.code])
        progress(0.8, "按规则评分")
        sid = pipeline.score(engine, as_of or date.today(), ruleset, None, run.id)
        try:
            rc = history.recheck(engine, after=sid)
        except history.HistoryError:
            rc = None                                  # the first check of this site
        progress(0.85, "截图取证")                      # the screenshots its staff will check
        pipeline.capture_evidence(engine, sid, out_dir, None, lambda message: progress(0.88, message))
        progress(0.9, "写出自查报告")
        report_dir = pipeline.write_reports(engine, out_dir, sid, recheck=rc, notices=False)
        verdict, problems, not_judged = sections(engine, sid, db)
        return CheckResult(site=site, db=db, crawl_run=run, score_run=sid, verdict=verdict,
                           problems=problems, not_judged=not_judged, recheck=rc,
                           report_dir=report_dir,
                           crawl_errors=[pipeline.crawl_errors_of(sc)
                                         for sc in pipeline.crawl_error_sites(engine, run.id)])
    finally:
        engine.dispose()


def check_registered(site: store.Site, out_dir: Path, as_of, ruleset: str,
                     progress: Callable[[float, str], None], crawl: dict | None = None) -> int:
    """check() of a registered site for the web page, told as it goes (its progress bar); the
    crawl runs under the check store's crawl lock. Returns the score run's id in that store."""
    import threading
    from govaudit import pipeline
    from store.lock import crawl_lock
    from store.observations import observation_counts

    def crawl_site(engine, db: str, codes: list[str]) -> store.CrawlRun:
        with crawl_lock(engine, "govaudit serve（自查）") as set_run:
            run = pipeline.start_crawl_run(engine, get_sites(engine, codes), crawl or {})
            set_run(run.id)
            done = threading.Event()

            def watch() -> None:        # pages stored so far: the crawl's only measure of progress
                while not done.wait(1.0):
                    crawls = runs.site_crawls(engine, run.id)
                    if crawls:
                        pages, links = observation_counts(engine, crawls[0].id)
                        progress(0.1 + 0.65 * pages / (pages + 60),
                                 f"正在抓取：已读 {pages} 个页面，检查 {links} 个链接")
            threading.Thread(target=watch, daemon=True).start()
            try:
                code = pipeline.run_crawl(engine, run, db)
            finally:
                done.set()
        if code != 0:
            raise CheckError(f"抓取未完成（第 {run.id} 次抓取），请稍后重新检查")
        return run

    return check(site.home_url, out_dir, crawl=crawl_site, name=site.name or None,
                 site_type=site.site_type or None, code=site.code, as_of=as_of, ruleset=ruleset,
                 progress=progress).score_run
