"""Screenshot evidence (截图取证, issue 18): which findings get a shot and what is marked (pure), the
shots themselves in the distribution's Chromium against planted pages on loopback (the anchor of a
dead link outlined, a stale list's newest date highlighted, a misspelt term marked, hidden spam
revealed, the error page of a homepage that refuses), and the notice and workbook around them."""
from __future__ import annotations

import hashlib
import io
import socket
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import config
from docx import Document

from browser.capture import Camera, capturable, date_forms, targets
from store.evidence import finding_key

HEAD = "<html><head><meta charset='utf-8'></head><body style='margin:0'>"
PAGES = {
    "/": HEAD + "<h1>某县人民政府</h1>" + "<p>正文</p>" * 30
         + "<p><a href='/gone.html'>失效的链接</a> <img src='/gone.jpg' alt='图' width=50 height=20></p>"
         + "</body></html>",
    "/col/": HEAD + "<h2>工作动态</h2><ul class='list'>"
             + "".join(f"<li><a href='/a{i}.html'>县政府召开第{i}次常务会议</a><span>2026-0{9 - i}-15</span></li>"
                       for i in range(1, 6)) + "</ul></body></html>",
    "/art.html": HEAD + "<div class='content'><p>深入学习贯彻习近平新时代中国特色社会主义思想，"
                 "认真落实习近平总书记重要指示。</p><p>会议要求，习近平总书纪强调的各项任务要落到实处。</p>"
                 "</div></body></html>",
    "/hacked.html": HEAD + "<p>政务公开</p><div style='display:none'><a href='http://a..b/'>澳门新葡京"
                    "</a> 百家乐 真人娱乐</div></body></html>",
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):            # noqa: N802 - the http.server name
        body = PAGES.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write((body or HEAD + "页面不存在</body></html>").encode("utf-8"))

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _refused_url() -> str:
    with socket.socket() as s:           # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/"


def _findings(base: str, home: str) -> list[dict]:
    return [
        {"kind": "dead_link", "measure": "dead_links_home", "url": f"{base}/gone.html",
         "evidence": "HTTP 404", "source_url": f"{base}/"},
        {"kind": "dead_link", "measure": "dead_links_other", "url": f"{base}/gone.jpg",
         "evidence": "HTTP 404", "source_url": f"{base}/"},
        {"kind": "stale_column", "measure": "stale_columns_news", "url": f"{base}/col/",
         "title": "工作动态", "evidence": "最近更新 2026-08-15，超过 14 天未更新"},
        {"kind": "misspelt_term", "measure": "serious_misstatements", "url": f"{base}/art.html",
         "term": "习近平总书纪", "evidence": "正文中“习近平总书纪”疑为“习近平总书记”之误"},
        {"kind": "hacked_page", "measure": "hacked_pages", "url": f"{base}/hacked.html",
         "term": "澳门新葡京", "evidence": "疑似被植入赌博内容"},
        {"kind": "availability", "measure": "availability_failures", "url": home,
         "evidence": "监测 20 次，无法访问 20 次"},
        {"kind": "no_column", "measure": "survey_columns", "url": f"{base}/", "evidence": "未开设"},
    ]


# ---- pure: what gets a shot -------------------------------------------------------------------
def test_targets_put_vetoes_first_keep_to_the_cap_and_say_what_to_mark():
    found = _findings("http://x", "http://x/")
    plan = targets("A", found, rule_of=lambda f: f"规则{f['kind']}")
    assert [t.kind for t in plan] == ["availability", "hacked_page", "misspelt_term",
                                      "stale_column", "dead_link", "dead_link"]
    by_kind = {t.kind: t for t in plan}
    assert by_kind["stale_column"].mark["dates"][:4] == ["2026-08-15", "2026/08/15", "2026.08.15",
                                                         "2026年08月15日"]
    assert by_kind["stale_column"].problem == "工作动态：最近更新 2026-08-15，超过 14 天未更新"
    assert plan[4].page_url == "http://x/" and plan[4].mark == {"link": "http://x/gone.html"}
    assert plan[4].problem == "链接 http://x/gone.html：HTTP 404"      # the homepage's link first
    assert plan[0].finding_key == finding_key(found[5]) == "availability|availability_failures|http://x/"
    assert [t.kind for t in targets("A", found, str, per_site=2)] == ["availability", "hacked_page"]
    assert [capturable(f) for f in found] == [True] * 6 + [False]
    assert not capturable({"kind": "dead_link", "url": "http://x/a"})   # no page known to hold it
    assert date_forms(date(2026, 3, 5))[-3:] == ["03-05", "03/05", "3月5日"]


# ---- in the browser ---------------------------------------------------------------------------
def _red_share(jpeg: bytes, box: dict) -> float:
    """Share of strongly red pixels on the outline just outside the marked element's box."""
    from PIL import Image
    img = Image.open(io.BytesIO(jpeg)).convert("RGB")
    y = box["y"] - 4                                      # the 4 px outline above the box
    xs = range(max(box["x"], 0), min(box["x"] + box["width"], img.width))
    red = sum(1 for x in xs if (lambda p: p[0] > 180 and p[1] < 90 and p[2] < 90)(img.getpixel((x, y))))
    return red / max(len(xs), 1)


@pytest.fixture(scope="module")
def shots(chromium, site, tmp_path_factory):
    folder = tmp_path_factory.mktemp("evidence")
    home = _refused_url()
    plan = targets("A", _findings(site, home), rule_of=lambda f: "链接可用性")
    camera = Camera(chromium, folder, allow_net=["127.0.0.0/8"])

    start = time.monotonic()
    rows = {t.kind + ("@img" if t.mark.get("link", "").endswith(".jpg") else ""): camera.shoot(t)
            for t in plan}
    per_shot = (time.monotonic() - start) / len(plan)
    camera.close()
    return rows, folder, per_shot, home


def test_each_shot_is_a_captioned_content_addressed_jpeg(shots, site):
    rows, folder, per_shot, _ = shots
    from PIL import Image
    for kind, row in rows.items():
        data = Path(row["path"]).read_bytes()
        assert Path(row["path"]).parent == folder and data[:3] == b"\xff\xd8\xff", kind
        assert row["sha256"] == hashlib.sha256(data).hexdigest() == Path(row["path"]).stem
        img = Image.open(io.BytesIO(data))
        assert img.size[0] == 1280 and img.size[1] > 720 + 60          # the caption bar under it
        lines = row["caption"].split("\n")
        assert lines[0].startswith("网址：http://127.0.0.1:") and "（北京时间）" in lines[2]
        assert "浏览器：Chromium " in lines[2] and row["browser"].startswith("Chromium ")
        assert row["viewport"] == {"width": 1280, "height": 720}
    dead = rows["dead_link"]
    assert (dead["url"], dead["final_url"], dead["status"]) == (f"{site}/", f"{site}/", 200)
    assert "规则：链接可用性　问题：链接 " in dead["caption"] and "状态：HTTP 200" in dead["caption"]
    assert per_shot < 3        # about 0.3 s on an idle machine; generous under a loaded CI


def test_what_each_finding_is_about_is_marked(shots):
    rows, _, _, _ = shots
    dead, image = rows["dead_link"], rows["dead_link@img"]
    assert dead["selector"].endswith("a:nth-of-type(1)") and dead["box"]["width"] > 20
    assert image["selector"].endswith("img:nth-of-type(1)")
    stale = rows["stale_column"]
    assert stale["selector"].endswith("li:nth-of-type(1) > span:nth-of-type(1)")  # the newest date
    assert stale["box"]["height"] > 5 * 15                        # the outline is the whole list
    assert rows["misspelt_term"]["selector"].endswith("mark:nth-of-type(1)")
    assert rows["hacked_page"]["selector"].endswith("div:nth-of-type(1)")
    for kind in ("dead_link", "stale_column"):
        row = rows[kind]
        data = Path(row["path"]).read_bytes()
        # scrolled into view: the outline is drawn in the picture where the box says
        assert 0 < row["box"]["y"] < 720 and _red_share(data, row["box"]) > 0.5, kind


def test_a_homepage_that_refuses_is_shown_as_an_error_page(shots):
    rows, _, _, home = shots
    down = rows["availability"]
    assert down["status"] is None and down["url"] == home
    assert down["error"].startswith("连接被拒绝（net::ERR_CONNECTION_REFUSED")
    assert "状态：未收到网页：连接被拒绝" in down["caption"]


def test_a_homepage_that_answers_now_gives_no_shot(chromium, site, tmp_path):
    plan = targets("A", [{"kind": "availability", "measure": "availability_failures",
                          "url": f"{site}/", "evidence": "x"}], str)
    camera = Camera(chromium, tmp_path, allow_net=["127.0.0.0/8"])
    try:
        assert camera.shoot(plan[0]) is None      # the page works now: nothing to prove
    finally:
        camera.close()


def test_the_office_network_is_not_reached_from_a_page(chromium, site, tmp_path):
    """Without --allow-net the loopback site is refused inside the browser as in the crawler."""
    plan = targets("A", _findings(site, site)[:1], str)
    camera = Camera(chromium, tmp_path)           # loopback blocked by config/network.yaml
    try:
        row = camera.shoot(plan[0])
    finally:
        camera.close()
    assert row["status"] is None and "ERR_BLOCKED_BY_CLIENT" in row["error"]


# ---- the notice and the workbook ------------------------------------------------------------
def test_a_notice_shows_each_shot_under_its_finding_and_says_no_shot_otherwise(shots, tmp_path):
    from reports.notices import write_notices
    from tests.test_reports import make_report
    rows, _, _, _ = shots
    report = make_report()
    sr = next(s for s in report.sites if s.verdict.site_code == "4401000002")
    stale = next(f for f in sr.findings if f.kind == "stale_column")
    sr.evidence = {finding_key(stale.to_dict()): Path(rows["stale_column"]["path"])}
    write_notices(report, tmp_path)
    doc = Document(tmp_path / "notices" / "4401000002.docx")
    table = doc.tables[0]                               # 栏目不更新: the stale column, then its picture
    assert stale.url in [c.text for c in table.rows[1].cells]
    picture_row = table.rows[2]
    assert len({id(c._tc) for c in picture_row.cells}) == 1
    assert picture_row.cells[0]._tc.xpath(".//*[local-name()='drawing']")
    assert len(doc.inline_shapes) == 1
    # the dead link (a page known to hold it) had no shot taken: it says so; the homepage's
    # update count is no finding a screenshot proves, and says nothing
    rows = {r.cells[2].text: r.cells[3].text for t in doc.tables for r in t.rows}
    assert rows["http://4401000002.gov.cn/dead.html"] == "HTTP 404（所在页面：http://4401000002.gov.cn/）（无截图）"
    assert not rows["http://4401000002.gov.cn/"].endswith("（无截图）")
    assert not rows[stale.url].endswith("（无截图）")

def test_without_a_browser_an_audit_says_why_and_takes_none(monkeypatch, tmp_path):
    from browser.capture import capture_score_run
    from browser.launch import BrowserMissing
    monkeypatch.setenv("GOVAUDIT_CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("GOVAUDIT_EVIDENCE", "1")
    said: list[str] = []
    assert capture_score_run(None, 1, tmp_path, False, str, said.append) is None and said == []
    assert capture_score_run(None, 1, tmp_path, None, str, said.append) is None
    assert said == ["未截图取证：未找到浏览器 /nonexistent/chromium（安装浏览器：apt-get install -y "
                    "chromium fonts-noto-cjk）；问题清单和整改通知中相应问题注明“无截图”"]
    monkeypatch.setenv("GOVAUDIT_EVIDENCE", "0")         # switched off: said so, whatever is installed
    assert capture_score_run(None, 1, tmp_path, None, str, said.append) is None
    assert said[1] == "未截图取证：环境变量 GOVAUDIT_EVIDENCE=0；问题清单和整改通知中相应问题注明“无截图”"
    with pytest.raises(BrowserMissing):
        capture_score_run(None, 1, tmp_path, True, str, said.append)
    assert not any(tmp_path.iterdir())


def test_the_browser_keeps_the_crawlers_limit_per_host(chromium):
    """A page with 16 slow images: Chromium alone opens six connections to the host; through the
    guard it never has more than config/crawl.yaml's concurrent_requests_per_host at once, and
    every image still arrives."""
    from browser.guard import GuardedRoutes
    limit = config.load_yaml("crawl.yaml")["concurrent_requests_per_host"]
    state = {"active": 0, "most": 0, "images": 0, "agents": set()}
    lock = threading.Lock()
    page_html = "<html><body>" + "".join(f'<img src="/i{n}.png">' for n in range(16)) + "</body></html>"

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            with lock:
                state["active"] += 1
                state["most"] = max(state["most"], state["active"])
                state["agents"].add(self.headers["User-Agent"])
            time.sleep(0.2 if self.path != "/" else 0)
            body = page_html.encode() if self.path == "/" else b"\x89PNG"
            # the answer counts as given before its last bytes go out: the browser may see the
            # response end, and send the next request, before this thread runs again (seen as 5)
            with lock:
                state["active"] -= 1
                state["images"] += self.path != "/"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.1.77", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = chromium.new_context()
    try:
        GuardedRoutes(["127.0.0.0/8"]).attach(context)
        context.new_page().goto(f"http://127.0.1.77:{server.server_port}/", wait_until="load")
    finally:
        context.close()
        server.shutdown()
    assert state["images"] == 16
    assert 2 <= state["most"] <= limit, state
    assert state["agents"] == {config.load_yaml("crawl.yaml")["user_agent"]}
