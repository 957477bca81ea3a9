"""The web application: routes, sessions, and what each account may see.

    app = create_app(WebSettings(db=..., data_dir=...), run_check=..., write_reports=...,
                     describe_rules=...)

Every route that names a site asks `_site()` first: the office sees every site, a county only its own
(anything else is 403, whether the site exists or not); downloads and evidence go through the same
question. Sessions are signed cookies (HttpOnly, SameSite=Lax) carrying only the account name and the
form token; every form posts the token back."""
from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from functools import lru_cache
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

import store
from reports.notices import FOLDER as NOTICES, file_name
from scoring.rulefile import load_ruleset
from scoring.warnings import LEVELS
from store import evidence, pages, runs
from store.errors import NotFound
from store.users import get_user, session_secret, visible_site, visible_sites
from web import auth, views
from web.jobs import Jobs

HERE = Path(__file__).parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SECURITY_HEADERS = {
    # no inline script or style anywhere: htmx comes from /static, the progress bar is <progress>
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                               "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass
class WebSettings:
    db: str | None                 # the store (--db / $GOVAUDIT_DB)
    data_dir: Path                 # self-check stores and report files made for downloads
    as_of: date | None = None      # self-checks' monitoring point (default: the day they run)
    ruleset: str | None = None     # self-checks' ruleset (default: the latest audit's)
    secure_cookies: bool = False   # True behind an HTTPS proxy


class NeedLogin(Exception):
    pass


def create_app(settings: WebSettings, run_check: Callable, write_reports: Callable,
               describe_rules: Callable) -> FastAPI:
    """run_check(site, out_dir, as_of, ruleset, progress) runs `govaudit check`'s pipeline on one
    registered site into its own store in out_dir; write_reports(score_run_id, out_dir) writes an
    audit's workbook and notices; describe_rules(ref) → what `govaudit rules show` shows."""
    cfg = auth.settings()
    engine = store.connect(settings.db)
    jobs = Jobs(cfg["selfcheck"]["keep_jobs"])

    @asynccontextmanager
    async def lifespan(app):
        yield
        jobs.shutdown()

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.add_middleware(SessionMiddleware, secret_key=session_secret(engine),
                       session_cookie="govaudit_session", same_site="lax",
                       max_age=int(cfg["session"]["max_age_hours"] * 3600),
                       https_only=settings.secure_cookies)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # a ruleset is read once per server: an office that edits its file restarts the server
    ruleset_of = lru_cache(maxsize=8)(load_ruleset)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals.update(LEVELS=LEVELS, bj=views.bj, RESULT_CSS=views.RESULT_CSS,
                                 STATUS_CSS=views.STATUS_CSS, quote=quote,
                                 result_text=views.result_text, web_url=views.web_url)
    throttle = auth.Throttle(cfg["login"]["attempts"], cfg["login"]["window_seconds"])
    report_lock = threading.Lock()

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            if k != "Cache-Control" or not request.url.path.startswith("/static/"):
                response.headers.setdefault(k, v)
        return response

    @app.exception_handler(NeedLogin)
    async def to_login(request: Request, exc: NeedLogin):
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(HTTPException)
    async def error_page(request: Request, exc: HTTPException):
        return page(request, "error.html", status_code=exc.status_code, message=exc.detail,
                    user=_user_or_none(request))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        # outside the session middleware: a plain page, no account; the server logs the traceback
        return templates.TemplateResponse(request, "error.html", {
            "csrf": "", "user": None, "message": "服务内部出错，请稍后重试；如一直出错，请联系管理员查看服务日志"},
            status_code=500)

    # ---- helpers ------------------------------------------------------------------------------
    def page(request: Request, name: str, status_code: int = 200, **ctx) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"csrf": auth.csrf_token(request.session),
                                                          **ctx}, status_code=status_code)

    def _user_or_none(request: Request):
        name = request.session.get("user")
        return get_user(engine, name) if name else None

    def user_of(request: Request):
        user = _user_or_none(request)
        if user is None:
            request.session.pop("user", None)
            raise NeedLogin()
        return user

    def _site(user, code: str):
        site = visible_site(engine, user, code)
        if site is None:
            if user.role == "office":
                raise HTTPException(404, f"库中没有网站标识码为 {code} 的网站")
            raise HTTPException(403, "无权查看该网站：本账号只能查看本地区的网站")
        return site

    async def checked_form(request: Request) -> dict:
        form = dict(await request.form())
        if not auth.csrf_ok(request.session, form.get("csrf")):
            raise HTTPException(403, "页面已过期或来源不明：请回到上一页刷新后重试")
        return form

    def selfcheck_dir(code: str) -> Path:
        return settings.data_dir / "自查" / code

    def selfchecks(site) -> list[tuple]:
        """(when it ran, verdict, details) of the site's self-checks, newest first."""
        db = selfcheck_dir(site.code) / "govaudit.sqlite"
        if not db.exists():
            return []
        sc_engine = store.connect(str(db))
        try:
            return [(sr.created_at, v, d) for sr, v, d in pages.site_verdicts(sc_engine, site.code)]
        finally:
            sc_engine.dispose()

    def report_dir(score_run_id: int) -> Path:
        """The audit's workbook and notices, written once per score run for downloads."""
        out = settings.data_dir / "报告" / str(score_run_id)
        with report_lock:
            if not (out / "ranking.xlsx").exists():
                write_reports(score_run_id, out)
        return out

    def ruleset_ref() -> str:
        try:
            return runs.score_run(engine).ruleset
        except NotFound:
            return settings.ruleset or "census-2015"

    @app.get("/favicon.ico")
    def favicon():
        return Response(status_code=204)      # no icon: browsers ask anyway

    # ---- login --------------------------------------------------------------------------------
    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/"):
        return page(request, "login.html", next=_safe_next(next), message="")

    @app.post("/login")
    async def login(request: Request):
        form = await checked_form(request)
        name, password = form.get("name", "").strip(), form.get("password", "")
        nxt = _safe_next(form.get("next", "/"))
        client = request.client.host if request.client else ""
        wait = throttle.wait(client, name)
        if wait:
            return page(request, "login.html", status_code=429, next=nxt,
                        message=f"登录失败次数过多，请 {wait} 秒后再试")
        user = get_user(engine, name)
        if not auth.verify_password(user.password_hash if user else None, password):
            throttle.failed(client, name)
            return page(request, "login.html", status_code=401, next=nxt, message="账号或密码错误")
        throttle.succeeded(client, name)
        request.session.clear()                  # a fresh session (and form token) per login
        request.session["user"] = user.name
        return RedirectResponse(nxt, status_code=303)

    @app.post("/logout")
    async def logout(request: Request):
        await checked_form(request)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    # ---- the grid -----------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def grid(request: Request, region: str = "", level: str = "", type: str = "",
             warn: str = "", result: str = "", sort: str = "rank"):
        user = user_of(request)
        sites = visible_sites(engine, user)
        codes = [s.code for s in sites]
        ruleset = ruleset_of(ruleset_ref())
        rows = views.grid(sites, pages.latest_verdicts(engine, codes),
                          pages.warning_states(engine, codes), ruleset)
        shown = views.filter_sort(rows, region, level, type, warn, result, sort)
        choices = {"region": sorted({s.region for s in sites if s.region}),
                   "level": sorted({s.level for s in sites if s.level}),
                   "type": sorted({s.site_type for s in sites if s.site_type}),
                   "result": ["合格", "不合格", views.AWAITING, "未能评估", "尚未检查"]}
        chosen = dict(region=region, level=level, type=type, warn=warn, result=result)
        mixed = len({r.run for r in rows if r.run}) > 1
        return page(request, "grid.html", user=user, rows=shown, total=len(rows), mixed=mixed,
                    rules=ruleset.rules(), ruleset=ruleset, choices=choices, chosen=chosen,
                    sort=sort)

    # ---- a site -------------------------------------------------------------------------------
    @app.get("/site/{code}", response_class=HTMLResponse)
    def site_page(request: Request, code: str):
        user = user_of(request)
        site = _site(user, code)
        judged = pages.site_verdicts(engine, code)
        latest = judged[0] if judged else None
        checks = selfchecks(site)
        selfcheck = checks[0] if checks else None
        ps = pages.site_probes(engine, code, cfg["pages"]["probes"])
        cfg_pages = cfg["pages"]
        # each finding's re-check status: against a later self-check, else since the audit before
        sections, apart, compared = [], [], ""
        if latest:
            status = {}
            later = selfcheck if selfcheck and selfcheck[0] > latest[0].created_at else None
            if later:
                status, apart = views.statuses(site, latest[1], later[1], shown="earlier")
                compared = f"与 {views.bj(later[0])} 的自查相比"
            elif len(judged) > 1:
                status, apart = views.statuses(site, judged[1][1], latest[1], shown="later")
                compared = f"与第 {judged[1][0].id} 次评分（{judged[1][0].as_of:%Y-%m-%d}）相比"
            shots = evidence.for_crawl_run(engine, latest[0].crawl_run_id, [code])
            sections = views.sections(latest[1], ruleset_of(latest[0].ruleset), status,
                                      cfg_pages["findings_per_rule"],
                                      lambda f: shots.get((code, evidence.finding_key(f))))
        events = views.timeline(
            ps, pages.warning_changes(engine, code), pages.site_crawl_rows(engine, code),
            judged, [(at, views.result_text(v, d), v.score) for at, v, d in checks],
            cfg_pages["timeline"])
        states = pages.warning_states(engine, [code])
        return page(request, "site.html", user=user, site=site, latest=latest,
                    result=views.result_text(latest[1], latest[2]) if latest else "尚未检查",
                    sections=sections, apart=apart, compared=compared, events=events,
                    states=states, selfcheck=selfcheck,
                    selfcheck_result=selfcheck and views.result_text(selfcheck[1], selfcheck[2]),
                    selfcheck_xlsx=(selfcheck_dir(code) / "ranking.xlsx").exists(),
                    running=jobs.running_for(code))

    @app.get("/site/{code}/notice")
    def notice(request: Request, code: str):
        user = user_of(request)
        site = _site(user, code)
        latest = pages.latest_verdicts(engine, [site.code]).get(site.code)
        if latest is None:
            raise HTTPException(404, "该网站尚未检查，没有整改通知")
        path = report_dir(latest[0].id) / NOTICES / file_name(site.code)
        if not path.exists():
            raise HTTPException(404, "该网站本次检查未发现需要整改的问题，没有整改通知")
        return FileResponse(path, media_type=DOCX,
                            filename=f"整改通知书-{site.name}-{site.code}.docx")

    @app.get("/site/{code}/evidence/{sha256}.jpg")
    def evidence_image(request: Request, code: str, sha256: str):
        site = _site(user_of(request), code)
        path = pages.evidence_path(engine, site.code, sha256)
        if not path or not Path(path).is_file():
            raise HTTPException(404, "没有这张截图（问题整改后截图只保存一段时间）")
        return FileResponse(path, media_type="image/jpeg")

    @app.get("/site/{code}/selfcheck.xlsx")
    def selfcheck_workbook(request: Request, code: str):
        site = _site(user_of(request), code)
        path = selfcheck_dir(site.code) / "ranking.xlsx"
        if not path.exists():
            raise HTTPException(404, "该网站还没有自查报告")
        return FileResponse(path, media_type=XLSX, filename=f"自查报告-{site.name}-{site.code}.xlsx")

    # ---- self-check ---------------------------------------------------------------------------
    @app.post("/site/{code}/check")
    async def start_check(request: Request, code: str):
        await checked_form(request)
        user = user_of(request)
        site = _site(user, code)
        job = jobs.running_for(site.code)
        if job is None:
            out = selfcheck_dir(site.code)
            out.mkdir(parents=True, exist_ok=True)
            as_of = settings.as_of or datetime.now(views.BEIJING).date()
            rules = settings.ruleset or ruleset_ref()    # the office's rules unless told otherwise
            job = jobs.start(site.code, user.name, lambda progress: run_check(
                site, out, as_of, rules, progress))
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    def _job(request: Request, job_id: str):
        user = user_of(request)
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "没有这项检查（服务重启后，之前的检查进度不再显示）")
        return _site(user, job.site_code), job

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str):
        site, job = _job(request, job_id)
        if job.state == "done":
            return RedirectResponse(f"/site/{site.code}#selfcheck", status_code=303)
        return page(request, "job.html", user=user_of(request), site=site, job=job,
                    poll=cfg["selfcheck"]["poll_seconds"])

    @app.get("/jobs/{job_id}/bar", response_class=HTMLResponse)
    def job_bar(request: Request, job_id: str):
        site, job = _job(request, job_id)
        response = page(request, "job_bar.html", site=site, job=job,
                        poll=cfg["selfcheck"]["poll_seconds"])
        if job.state == "done":
            response.headers["HX-Redirect"] = f"/site/{site.code}#selfcheck"
        return response

    # ---- downloads and rules ------------------------------------------------------------------
    @app.get("/downloads", response_class=HTMLResponse)
    def downloads(request: Request):
        user = user_of(request)
        sites = visible_sites(engine, user)
        latest = pages.latest_verdicts(engine, [s.code for s in sites])
        try:
            newest = runs.score_run(engine)
        except NotFound:
            newest = None
        rows = [(s, latest.get(s.code)) for s in sites]
        return page(request, "downloads.html", user=user, rows=rows, newest=newest,
                    selfchecks={s.code for s in sites
                                if (selfcheck_dir(s.code) / "ranking.xlsx").exists()})

    @app.get("/downloads/ranking.xlsx")
    def workbook(request: Request):
        user = user_of(request)
        if user.role != "office":
            raise HTTPException(403, "全省排名表仅供省政府办公厅账号下载；本地区的整改通知见各网站页面")
        try:
            sr = runs.score_run(engine)
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None
        return FileResponse(report_dir(sr.id) / "ranking.xlsx", media_type=XLSX,
                            filename=f"排名表-第{sr.id}次评分-{sr.as_of:%Y%m%d}.xlsx")

    @app.get("/rules", response_class=HTMLResponse)
    def rules(request: Request):
        user = user_of(request)
        return page(request, "rules.html", user=user, rules=describe_rules(ruleset_ref()))

    return app


def _safe_next(target: str) -> str:
    """Only a path on this server (never //host, /\\host, which browsers read as //host, or a
    scheme): no open redirect after login."""
    ok = target.startswith("/") and not target.startswith(("//", "/\\")) and target.isprintable()
    return target if ok else "/"
