"""Screenshots of findings as evidence (截图取证): open the page a finding is about in a real
browser, mark what it is about (the dead link's anchor, the stale list's newest date, the misspelt
term, the hidden spam), and save the view with a caption bar — URL, 北京时间, rule, HTTP status,
browser version — as a content-addressed JPEG.

    plan = targets(site_code, findings, rule_of)        # pure: which findings, what to mark
    with launch() as browser:
        camera = Camera(browser, folder, allow_net)
        rows = [camera.shoot(t) for t in plan]          # store.evidence rows (or None)
"""
from __future__ import annotations

import hashlib
import html
import io
import os
import re
import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import config
from browser.guard import GuardedRoutes
from browser.launch import version
from store.evidence import finding_key

MARK_JS = (Path(__file__).with_name("mark.js")).read_text(encoding="utf-8")
BEIJING = timezone(timedelta(hours=8))
# 0: no screenshots unless asked for (--evidence); the test suite's default, where only the evidence
# tests and the demo take them (each audit's shots cost tens of seconds on the farm)
EVIDENCE_ENV = "GOVAUDIT_EVIDENCE"
ERROR_PAGE = """<html><body style="font-family:'Noto Sans CJK SC',sans-serif;margin:80px;color:#333">
<h1 style="font-size:30px">无法访问此网页</h1><p style="font-size:20px">浏览器打开 {url} 时未收到网页。</p>
<p style="font-size:20px;color:#c00000">错误：{error}</p></body></html>"""


def settings() -> dict:
    return config.load_yaml("evidence.yaml")["capture"]


@dataclass
class Target:
    """One shot to take: the page to open and what to mark on it."""
    site_code: str
    finding_key: str
    kind: str
    page_url: str
    rule: str                       # the rule's Chinese title, for the caption
    problem: str                    # the finding in words, for the caption
    mark: dict = field(default_factory=dict)   # mark.js's spec: link | dates | term | hidden


def date_forms(d: date) -> list[str]:
    """How a list may print a date, most specific first ('2026-03-15' … '[03-15]' … '3月15日')."""
    y, m, dd = d.year, d.month, d.day
    return [f"{y}-{m:02d}-{dd:02d}", f"{y}/{m:02d}/{dd:02d}", f"{y}.{m:02d}.{dd:02d}",
            f"{y}年{m:02d}月{dd:02d}日", f"{y}年{m}月{dd}日", f"{y}-{m}-{dd}", f"{y}/{m}/{dd}",
            f"{m:02d}-{dd:02d}", f"{m:02d}/{dd:02d}", f"{m}月{dd}日"]


_NEWEST = re.compile(r"最近更新 (\d{4}-\d{2}-\d{2})")


def _mark(f: dict) -> tuple[str, dict] | None:
    """The page to open and what to mark there, for one finding dict; None: nothing to show."""
    kind, url = f.get("kind"), f.get("url", "")
    if kind in ("dead_link", "broken_attachment", "online_system_down"):
        return (f["source_url"], {"link": url}) if f.get("source_url") else None
    if kind in ("stale_column", "blank_column"):
        m = _NEWEST.search(f.get("evidence", ""))
        dates = date_forms(date.fromisoformat(m.group(1))) if m else []
        return url, {"dates": dates, "blank": list(config.lexicon("blank_column"))}
    if kind == "misspelt_term" and f.get("term"):
        return url, {"term": f["term"]}
    if kind == "hacked_page" and f.get("term"):
        return url, {"hidden": f["term"]}
    if kind == "availability":
        return url, {}
    return None


def targets(site_code: str, findings: Iterable[dict], rule_of: Callable[[dict], str],
            per_site: int | None = None, kinds: list[str] | None = None) -> list[Target]:
    """The shots of one site's findings, at most per_site, in the configured order of kinds (a
    veto's evidence first), then as listed. rule_of(finding) names the rule charging it."""
    conf = settings()
    kinds = kinds or conf["kinds"]
    per_site = conf["per_site"] if per_site is None else per_site
    order = {k: i for i, k in enumerate(kinds)}
    chosen = sorted((f for f in findings if f.get("kind") in order),
                    key=lambda f: (order[f["kind"]], f.get("measure") != "dead_links_home"))
    out, seen = [], set()
    for f in chosen:
        key, where = finding_key(f), _mark(f)
        if where is None or key in seen:
            continue
        seen.add(key)
        page, mark = where
        problem = f.get("evidence", "")
        if f.get("kind") in ("dead_link", "broken_attachment", "online_system_down"):
            problem = f"链接 {f.get('url', '')}：{problem}"
        elif f.get("title"):
            problem = f"{f['title']}：{problem}"
        out.append(Target(site_code, key, f["kind"], page, rule_of(f), problem, mark))
        if len(out) >= per_site:
            break
    return out


def capturable(f: dict) -> bool:
    """Whether a finding of this kind is one that gets a screenshot (else no 无截图 is said)."""
    return f.get("kind") in settings()["kinds"] and _mark(f) is not None


# ---- the caption bar --------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _font(size: int):
    from PIL import ImageFont
    try:          # fonts-noto-cjk, found by fontconfig: "file\nindex" of the face
        out = subprocess.run(["fc-match", settings()["caption_font"], "-f", "%{file}\n%{index}"],
                             capture_output=True, text=True, timeout=10).stdout.split("\n")
        return ImageFont.truetype(out[0], size, index=int(out[1] or 0))
    except (OSError, ValueError, IndexError, subprocess.SubprocessError):
        return ImageFont.load_default(size)


def _fit(draw, text: str, font, width: int) -> str:
    text = text[:160]                 # a line is at most ~70 characters wide; the rest is cut
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def captioned(shot: bytes, lines: list[str], quality: int) -> bytes:
    """The screenshot with a caption bar under it (black text on light grey, a red rule on top)."""
    from PIL import Image, ImageDraw
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    size = settings()["caption_font_size"]
    font, pad, line_h = _font(size), 12, int(size * 1.45)
    bar = pad * 2 + line_h * len(lines)
    out = Image.new("RGB", (image.width, image.height + bar), (242, 242, 242))
    out.paste(image, (0, 0))
    draw = ImageDraw.Draw(out)
    draw.rectangle([0, image.height, image.width, image.height + 3], fill=(224, 0, 0))
    for n, line in enumerate(lines):
        draw.text((pad, image.height + pad + n * line_h), _fit(draw, line, font, image.width - 2 * pad),
                  font=font, fill=(20, 20, 20))
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


NET_ERRORS = {"ERR_CONNECTION_REFUSED": "连接被拒绝", "ERR_NAME_NOT_RESOLVED": "域名无法解析",
              "ERR_CONNECTION_TIMED_OUT": "连接超时", "ERR_TIMED_OUT": "超时",
              "ERR_CONNECTION_RESET": "连接被重置", "ERR_BLOCKED_BY_CLIENT": "地址属于不允许访问的网段",
              "Timeout": "超时", "ERR_CERT": "证书无效", "ERR_EMPTY_RESPONSE": "服务器未返回内容"}


def net_error(message: str) -> str:
    """Playwright's navigation error in Chinese, keeping Chromium's code: '连接被拒绝（net::ERR_…）'."""
    first = message.split("\n")[0].replace("Page.goto: ", "").split(" at ")[0].strip()
    said = next((v for k, v in NET_ERRORS.items() if k in first), "")
    return f"{said}（{first}）" if said else first


def caption_lines(t: Target, url: str, final_url: str, status: int | None, error: str,
                  at: datetime, browser: str) -> list[str]:
    where = url if final_url in ("", url) else f"{url} → {final_url}"
    answer = f"HTTP {status}" if status is not None else f"未收到网页：{error or '无法访问'}"
    return [f"网址：{where}　状态：{answer}",
            f"规则：{t.rule}　问题：{t.problem}",
            f"截图时间：{at.astimezone(BEIJING):%Y-%m-%d %H:%M:%S}（北京时间）　浏览器：{browser}"
            "　govaudit 截图取证"]


# ---- the camera -------------------------------------------------------------------------------
class Camera:
    """One browser context and page reused for every shot (a new page per shot would double the
    time). Requests to addresses config/network.yaml blocks (the office's own network) are
    refused unless allowed, as the crawler's are."""

    def __init__(self, browser, folder: str | Path, allow_net: Iterable[str] = ()):
        self.conf = settings()
        self.folder = Path(folder)
        self.browser_name = version(browser)
        self.routes = GuardedRoutes(allow_net)
        vp = self.conf["viewport"]
        self.context = browser.new_context(viewport=vp, locale="zh-CN", timezone_id="Asia/Shanghai",
                                           ignore_https_errors=True, service_workers="block")
        self.routes.attach(self.context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(self.conf["page_timeout"] * 1000)

    def close(self) -> None:
        self.context.close()

    def _error_page(self, url: str, error: str) -> None:
        """Headless Chromium shows no error page of its own: say what the browser met. (Its own
        chrome-error navigation may still be under way: wait for it and try again.)"""
        from playwright.sync_api import Error
        for _ in range(3):
            try:
                self.page.wait_for_load_state("load")
                self.page.set_content(ERROR_PAGE.format(url=html.escape(url), error=html.escape(error)))
                return
            except Error:
                continue

    def shoot(self, t: Target) -> dict | None:
        """Open, mark, capture; the store.evidence row (file written), or None when the page
        showed nothing worth keeping (a homepage that answers normally now)."""
        from playwright.sync_api import Error
        status, error, final = None, "", t.page_url
        try:
            response = self.page.goto(t.page_url, wait_until="load")
            status = response.status if response else None
            final = self.page.url
        except Error as exc:
            error = net_error(str(exc))
            final = ""
            self._error_page(t.page_url, error)
        if t.kind == "availability" and status is not None and status < 400:
            return None
        marked = None
        if t.mark and not error:
            try:
                marked = self.page.evaluate(MARK_JS, t.mark)
            except Error:
                marked = None
        try:
            page_html = self.page.content()
        except Error:
            page_html = ""
        shot = self.page.screenshot(type="jpeg", quality=92)
        at = datetime.now(timezone.utc)
        lines = caption_lines(t, t.page_url, final, status, error, at, self.browser_name)
        data = captioned(shot, lines, self.conf["jpeg_quality"])
        sha = hashlib.sha256(data).hexdigest()
        path = self.folder / f"{sha}.jpg"
        if not path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(path)
        return dict(site_code=t.site_code, finding_key=t.finding_key, kind=t.kind, url=t.page_url,
                    final_url=final, status=status, error=error,
                    captured_at=at.replace(tzinfo=None), selector=(marked or {}).get("selector", ""),
                    box=(marked or {}).get("box"), viewport=dict(self.conf["viewport"]),
                    sha256=sha, page_sha256=hashlib.sha256(page_html.encode("utf-8")).hexdigest(),
                    path=str(path.resolve()), caption="\n".join(lines), browser=self.browser_name)


@dataclass
class Captured:
    rows: list[dict]          # store.evidence rows
    failed: list[str]         # Chinese lines: the shots that could not be taken, and why
    seconds: float            # time taken by the shots (the browser's start not included)
    folder: Path | None = None

    def summary(self) -> str:
        per_shot = f"，平均每张 {self.seconds / len(self.rows):.2f} 秒" if self.rows else ""
        failed = (f"；{len(self.failed)} 张未能截取：{'；'.join(self.failed[:3])}"
                  if self.failed else "")
        return f"截图取证：{len(self.rows)} 张（{self.folder}）{per_shot}{failed}"


def capture(plans: list[Target], folder: str | Path, allow_net: Iterable[str] = ()) -> Captured:
    """Every shot of `plans` in one browser; a page that breaks the browser is one failed shot,
    never the end of the others."""
    import time

    from playwright.sync_api import Error

    from browser.launch import launch
    rows, failed = [], []
    with launch() as browser:
        camera = Camera(browser, folder, allow_net)
        start = time.monotonic()
        for t in plans:
            try:
                row = camera.shoot(t)
            except (Error, OSError) as exc:
                failed.append(f"{t.site_code} {t.page_url}：{str(exc).splitlines()[0] if str(exc) else exc}")
                continue
            if row:
                rows.append(row)
        seconds = time.monotonic() - start
        camera.close()
    return Captured(rows, failed, seconds, Path(folder))


def capture_score_run(engine, score_run_id: int, folder: str | Path, wanted: bool | None,
                      rule_title: Callable[[str], str], notify: Callable[[str], None]) -> int | None:
    """The shots of a score run's findings into folder, recorded in the store; how many, or None
    when none were taken. wanted None: when the evidence extra and the browser are there (and
    $GOVAUDIT_EVIDENCE is not 0), else say why not (the findings say 无截图); True: a missing browser is an error; False: skip.
    rule_title(measurement) names the rule for the captions. Afterwards every site's captures of
    findings it no longer has are marked fixed, and those fixed longer ago than the retention are
    forgotten and their files deleted."""
    from browser import launch
    from store import evidence, runs
    from store.verdicts import score_run_rows
    if wanted is False:
        return None
    why = launch.missing()
    if wanted is None and os.environ.get(EVIDENCE_ENV) == "0":
        why = f"环境变量 {EVIDENCE_ENV}=0"
    if why:
        if wanted:
            raise launch.BrowserMissing(why)
        notify(f"未截图取证：{why}；问题清单和整改通知中相应问题注明“无截图”")
        return None
    score_run = runs.score_run(engine, score_run_id)
    verdicts = score_run_rows(engine, score_run.id).verdicts
    plans = [t for v in verdicts
             for t in targets(v.site_code, v.findings, lambda f: rule_title(f.get("measure", "")))]
    allow = runs.crawl_run(engine, score_run.crawl_run_id).settings.get("allow_net") or []
    done = capture(plans, folder, allow)
    evidence.add(engine, [dict(row, crawl_run_id=score_run.crawl_run_id) for row in done.rows])
    for v in verdicts:
        evidence.mark_open(engine, v.site_code, [finding_key(f) for f in v.findings])
    keep = config.load_yaml("evidence.yaml")["retention"]["keep_days_after_fixed"]
    for path in evidence.prune(engine, timedelta(days=keep)):
        Path(path).unlink(missing_ok=True)
    notify(done.summary())
    return len(done.rows)
