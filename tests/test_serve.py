"""govaudit serve in a real browser: Playwright on the distribution's Chromium against `govaudit
serve` started on loopback over the store of the session's demo run (its first audit and its re-check),
with the sample farm serving the rectified sites again so a county's self-check crawls them.

The office sees every site; a county sees its own and is refused (403) another county's site, notice,
self-check report and evidence by URL. Expected verdicts come from the demo's results.json files, not
from the store the server reads."""
from __future__ import annotations

import csv
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import samplefarm

pytestmark = pytest.mark.timeout(600)

OFFICE, COUNTY, OTHER, THROTTLED = "省办", "清河县", "白沙县", "限流测试"
PASSWORDS = {OFFICE: "office-secret-1", COUNTY: "county-secret-1", OTHER: "county-secret-2",
             THROTTLED: "county-secret-3"}
COUNTY_REGION, OTHER_REGION = "华阳省江北市清河县", "华阳省江北市白沙县"
QINGHE, BAISHA = "9901230001", "9905000001"
FIXED_AT_RECHECK = "/zwgk/xxgkml/index.html"        # samplefarm/spec_recheck.py
SHOTS = Path(os.environ.get("GOVAUDIT_SHOTS", "")) if os.environ.get("GOVAUDIT_SHOTS") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _register(out: Path) -> list[dict]:
    with open(out / "register.csv", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def served(demo_out, tmp_path_factory):
    """(base URL, store path, register rows): the demo's store copied, accounts added (the office's
    through `govaudit users add`), warning states evaluated, the farm up again, the server started."""
    pytest.importorskip("fastapi", reason="govaudit[serve] not installed")
    import store
    from samplefarm.demo import evaluate_warnings
    from store.users import save_user
    from web.auth import hash_password
    tmp = tmp_path_factory.mktemp("serve")
    db = tmp / "store.sqlite"
    with sqlite3.connect(demo_out / "govaudit.sqlite") as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    from click.testing import CliRunner
    from govaudit.cli import cli as govaudit
    add = CliRunner().invoke(govaudit, ["users", "add", OFFICE, "--role", "office", "--display",
                                        "华阳省人民政府办公厅", "--password-stdin", "--db", str(db)],
                             input=PASSWORDS[OFFICE] + "\n")
    assert add.exit_code == 0, add.output
    assert f"可查看 {len(samplefarm.sites())} 个网站" in add.output
    cli = [sys.executable, "-m", "govaudit.cli"]
    engine = store.connect(str(db))
    for name, region in ((COUNTY, COUNTY_REGION), (OTHER, OTHER_REGION), (THROTTLED, OTHER_REGION)):
        save_user(engine, name, hash_password(PASSWORDS[name]), "county", f"{name}政府办", [region])
    evaluate_warnings(engine, samplefarm.AS_OF)
    engine.dispose()
    rows = _register(demo_out)
    farm_port = int(rows[0]["首页网址"].rsplit(":", 1)[1].strip("/"))
    port = _free_port()
    with samplefarm.start(farm_port, phase="recheck"):
        proc = subprocess.Popen([*cli, "serve", "--db", str(db), "--port", str(port), "--data",
                                 str(tmp / "data"), "--as-of", str(samplefarm.AS_OF), "--timeout", "3",
                                 "--allow-net", "127.0.0.0/8"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert proc.poll() is None, proc.stdout.read()
                    time.sleep(0.1)
            yield base, db, rows
        finally:
            proc.terminate()
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(chromium):
    """The session's Chromium (tests/conftest.py: the distribution's, through Playwright)."""
    return chromium


def login(browser, base, who, width=1366, height=768, js=True):
    ctx = browser.new_context(viewport={"width": width, "height": height},
                              java_script_enabled=js, accept_downloads=True)
    page = ctx.new_page()
    page.goto(base + "/login")
    page.fill("input[name=name]", who)
    page.fill("input[name=password]", PASSWORDS[who])
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return ctx, page


def shot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def expected_results(demo_out: Path) -> dict[str, str]:
    """Each site's latest verdict as the demo's results.json files state it (the re-check's for the
    sites it covered)."""
    out = {}
    for path in (demo_out / "results.json", demo_out / "复查" / "results.json"):
        for s in json.loads(path.read_text(encoding="utf-8"))["sites"]:
            q = s["qualified"]
            out[s["site_code"]] = ("合格" if q else "不合格" if q is False
                                   else "待确认" if s.get("pending_review") else "未能评估")
    return out


def grid_rows(page) -> dict[str, str]:
    """site code → the 结论 shown in its row."""
    rows = {}
    for tr in page.query_selector_all("table.grid tbody tr"):
        code = tr.query_selector("th.site small").inner_text().split(" ")[0]
        rows[code] = tr.query_selector_all("td")[0].inner_text()
    return rows


def test_office_sees_every_site_with_its_latest_verdict(served, browser, demo_out):
    base, _, register = served
    ctx, page = login(browser, base, OFFICE)
    assert grid_rows(page) == expected_results(demo_out)
    assert len(register) == len(samplefarm.sites())         # every farm site, the down one too
    vetoed = page.query_selector_all("td.cell.veto")
    assert len(vetoed) == sum(1 for r in expected_results(demo_out).values() if r == "不合格")
    shot(page, "office-grid-1366")
    page.select_option("select[name=region]", COUNTY_REGION)
    page.click("form.filters button")
    assert set(grid_rows(page)) == {r["网站标识码"] for r in register
                                    if r["所属地区"] == COUNTY_REGION}
    page.goto(base + "/?sort=score")                 # best first
    scores = [float(td.inner_text()) for td in page.query_selector_all("table.grid tbody td.num:nth-of-type(2)")
              if td.inner_text() != "—"]
    assert scores == sorted(scores, reverse=True) and len(scores) > 20
    ctx.close()


def test_a_county_sees_only_its_own_sites(served, browser):
    base, _, register = served
    ctx, page = login(browser, base, COUNTY, 390, 844)
    mine = {r["网站标识码"] for r in register if r["所属地区"].startswith(COUNTY_REGION)}
    assert len(mine) == 6
    assert set(grid_rows(page)) == mine
    shot(page, "county-grid-phone")
    page.goto(base + "/downloads")
    assert {a.get_attribute("href").split("/")[2] for a in page.query_selector_all("a[href$='/notice']")} == mine
    ctx.close()


def test_another_countys_pages_are_refused(served, browser):
    base, db, _ = served
    ctx, page = login(browser, base, COUNTY)
    import store
    from store.evidence import for_site
    engine = store.connect(str(db))
    shots = {s.sha256 for s in for_site(engine, BAISHA)}
    engine.dispose()
    for path in (f"/site/{BAISHA}", f"/site/{BAISHA}/notice", f"/site/{BAISHA}/selfcheck.xlsx",
                 *(f"/site/{BAISHA}/evidence/{sha}.jpg" for sha in shots or ["0" * 64]),
                 "/site/9999999999", "/downloads/ranking.xlsx"):
        response = page.goto(base + path)
        assert response.status == 403, path
        assert "无权" in page.inner_text("main") or "仅供" in page.inner_text("main"), path
    page.goto(base + f"/site/{QINGHE}")
    token = page.get_attribute("input[name=csrf]", "value")
    refused = ctx.request.post(base + f"/site/{BAISHA}/check", form={"csrf": token},
                               max_redirects=0)
    assert refused.status == 403
    ctx.close()
    anon = browser.new_context()
    response = anon.new_page().goto(base + f"/site/{QINGHE}/notice")
    assert response.url.startswith(base + "/login") and response.status == 200
    anon.close()


def test_site_page_findings_recheck_status_and_notice(served, browser):
    base, _, _ = served
    ctx, page = login(browser, base, COUNTY)
    page.click(f"a[href='/site/{QINGHE}']")
    assert page.inner_text("h1").startswith("清河县人民政府")
    main = page.inner_text("main")
    assert "与第 1 次评分" in main                     # the demo's re-check after its first audit
    fixed = page.inner_text("section:has(h2:text('问题清单'))")
    assert "已整改" in fixed and FIXED_AT_RECHECK in fixed
    assert "首页监测" in page.inner_text("ol.timeline") and "评分" in page.inner_text("ol.timeline")
    # each finding: its screenshot when the audit took one (the evidence extra), else 无截图
    import store
    from store import evidence, pages
    engine = store.connect(str(served[1]))
    run = pages.latest_verdicts(engine, [QINGHE])[QINGHE][0].crawl_run_id
    taken = evidence.for_crawl_run(engine, run, [QINGHE])
    engine.dispose()
    pictures = page.query_selector_all(".findings a.shot img")
    assert len(page.query_selector_all(".findings .shot")) == len(pictures) + fixed.count("无截图")
    if taken:
        assert pictures
        href = page.get_attribute(".findings a.shot", "href")
        picture = ctx.request.get(base + href)
        assert picture.status == 200 and picture.headers["content-type"] == "image/jpeg"
        assert picture.body()[:2] == b"\xff\xd8"
    else:
        assert not pictures and "无截图" in fixed
    shot(page, "county-site-1366")
    with page.expect_download() as dl:
        page.click("text=下载整改通知书")
    path = dl.value.path()
    from docx import Document
    text = "\n".join(p.text for p in Document(path).paragraphs)
    assert "清河县人民政府" in text and dl.value.suggested_filename.endswith(f"{QINGHE}.docx")
    ctx.close()


def test_a_county_runs_its_self_check_to_the_end(served, browser):
    base, _, _ = served
    ctx, page = login(browser, base, COUNTY, 390, 844)
    page.goto(base + f"/site/{QINGHE}")
    page.click("#selfcheck button[type=submit]")
    assert "/jobs/" in page.url
    bar = page.wait_for_selector("progress")
    # without JavaScript the job page reloads itself until the check ends
    assert 'http-equiv="refresh"' in page.inner_html("noscript")
    assert 0 <= int(bar.get_attribute("value")) <= 100
    shot(page, "selfcheck-progress-phone")
    page.wait_for_url(f"{base}/site/{QINGHE}#selfcheck", timeout=240_000)
    assert "最近一次自查" in page.inner_text("#selfcheck")
    findings = page.inner_text("section:has(h2:text('问题清单'))")
    assert "的自查相比" in findings and "未整改" in findings
    assert FIXED_AT_RECHECK not in findings          # fixed before the office's re-check
    with page.expect_download() as dl:
        page.click("text=下载自查报告")
    assert dl.value.suggested_filename.endswith(".xlsx")
    shot(page, "selfcheck-done-phone")
    ctx.close()


def test_logins_are_throttled_and_forms_carry_their_token(served, browser):
    base, db, _ = served
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(base + "/login")
    token = page.get_attribute("input[name=csrf]", "value")
    for attempt in range(5):
        wrong = ctx.request.post(base + "/login", form={"csrf": token, "name": THROTTLED,
                                                        "password": "wrong-password"})
        assert wrong.status == 401 and "账号或密码错误" in wrong.text()
    page.fill("input[name=name]", THROTTLED)
    page.fill("input[name=password]", PASSWORDS[THROTTLED])       # right, but too late
    with page.expect_response(base + "/login") as answer:
        page.click("button[type=submit]")
    assert answer.value.status == 429 and "登录失败次数过多" in page.inner_text(".alert")
    ctx.close()

    ctx, page = login(browser, base, OTHER)
    cookie, = [c for c in ctx.cookies() if c["name"] == "govaudit_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert ctx.request.post(base + "/logout", form={"csrf": "forged"}).status == 403
    assert ctx.request.post(base + f"/site/{BAISHA}/check", form={}).status == 403
    html = page.content()
    from sqlalchemy import create_engine, text
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        secret = conn.execute(text("select value from web_secrets")).scalar()
    engine.dispose()
    assert secret not in html and "$argon2" not in html
    ctx.close()


def test_pages_read_with_javascript_off(served, browser):
    base, _, register = served
    ctx, page = login(browser, base, OFFICE, js=False)
    assert len(grid_rows(page)) == len(register)
    page.goto(base + f"/site/{BAISHA}")
    assert "问题清单" in page.inner_text("main")
    page.goto(base + "/rules")
    assert "站点无法访问" in page.inner_text("main") and "site_unreachable" in page.inner_text("main")
    shot(page, "office-rules-nojs")
    ctx.close()
