"""适老化与无障碍: axe-core (vendored) in the distribution's Chromium on a loopback page with known
violations — exact counts by rule, axe's CJK-punctuation false positive filtered — and the
measurements indicators/a11y.py makes of them, with and without the browser."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import config
from indicators.a11y import accessibility
from indicators.observations import PageText, SiteObservations

HOST = "127.0.1.76"
BAD_HOME = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>测试县人民政府</title></head>
<body><h1>测试县人民政府</h1><h3>要闻</h3>
<img src="/a.png"><img src="/b.png">
<p style="color:#aaaaaa;background:#ffffff">对比度不足的文字</p>
<input type="text" name="q">
<button aria-label="提交">提交。</button>
<button aria-label="搜索">查询</button>
<a href="/ghb/">关怀版</a>
</body></html>"""
ELDERLY = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>关怀版</title>
<script>alert('欢迎访问');</script></head><body><h1>关怀版</h1><p>立即下载APP，享受更多服务</p></body></html>"""
PAGES = {"/": BAD_HOME, "/ghb/": ELDERLY}


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self):   # noqa: N802
        body = PAGES.get(self.path, "").encode()
        self.send_response(200 if self.path in PAGES else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    srv = ThreadingHTTPServer((HOST, 0), _Pages)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    yield f"http://{HOST}:{srv.server_address[1]}/"
    srv.shutdown()
    srv.server_close()


def _obs(home: str) -> SiteObservations:
    return SiteObservations("9999000001", home, True, pages={
        home: PageText(text="测试县人民政府", marks=[["关怀版", home + "ghb/"]]),
        home + "ghb/": PageText(text="关怀版 立即下载APP，享受更多服务")})


def test_axe_counts_known_violations_and_filters_cjk_punctuation(site):
    from browser import axe, launch
    if launch.missing():
        pytest.skip(launch.missing())
    with launch.launch() as browser:
        result = axe.check_pages(browser, [site, site + "ghb/"], allow_net=["127.0.0.0/8"])
    home = {v["id"]: (v["impact"], v["nodes"]) for v in result[site]["violations"]}
    assert home == {"image-alt": ("critical", 2), "color-contrast": ("serious", 1),
                    "label": ("critical", 1), "html-has-lang": ("serious", 1),
                    "heading-order": ("moderate", 1),
                    # 搜索 vs 查询 is a real mismatch; 提交 vs 提交。 only differs by a full stop
                    "label-content-name-mismatch": ("serious", 1)}
    assert result[site + "ghb/"]["dialogs"] == 1
    values, findings = accessibility(_obs(site), {"pages": result}, config.load_yaml("a11y.yaml"))
    assert values == {"elderly_version": 1, "elderly_version_problems": 3, "a11y_pages_checked": 2,
                      "a11y_violations": 2 + 1 + 1 + 1 + 1, "a11y_image_alt": 2, "a11y_contrast": 1,
                      "a11y_form_labels": 2, "a11y_page_lang": 1, "a11y_heading_order": 1}
    assert {f.term for f in findings if f.kind == "a11y_violation"} == set(home)


def test_axe_pages_pass_the_network_guard(site):
    """Without --allow-net the loopback site is refused inside the axe browser too: a hostile
    site must not turn the accessibility check into a way into the office's network."""
    from browser import axe, launch
    if launch.missing():
        pytest.skip(launch.missing())
    with launch.launch() as browser:
        result = axe.check_pages(browser, [site])
    assert result[site]["violations"] == []
    assert "ERR_BLOCKED_BY_CLIENT" in result[site]["error"]


def test_without_the_browser_measurements_are_null_never_zero():
    cfg = config.load_yaml("a11y.yaml")
    skipped = {"skipped": "未安装截图组件 Playwright", "hint": "安装：pip install 'govaudit[evidence]'"}
    values, findings = accessibility(_obs("http://a.gov.cn/"), skipped, cfg)
    assert values["a11y_violations"] is None and values["a11y_image_alt"] is None
    assert values["elderly_version"] == 1 and values["elderly_version_problems"] == 2
    unchecked = [f for f in findings if f.kind == "a11y_unchecked"]
    assert [f.evidence for f in unchecked] == [
        "未检测：未安装截图组件 Playwright（安装：pip install 'govaudit[evidence]'）"]
    no_entry = SiteObservations("1", "http://a.gov.cn/", True, pages={"http://a.gov.cn/": PageText()})
    values, findings = accessibility(no_entry, None, cfg)
    assert values["elderly_version"] == 0 and values["elderly_version_problems"] is None
    assert {f.kind for f in findings} == {"elderly_version_missing", "a11y_unchecked"}
