"""browser/launch.py: the distribution's Chromium starts through Playwright, renders Chinese, and a
missing part is named in Chinese with how to install it."""
from __future__ import annotations

import pytest

from browser import launch


def test_the_browser_renders_a_page_and_tells_its_version(chromium):
    page = chromium.new_page()
    try:
        page.set_content("<p id=t>政府网站</p>")
        assert page.inner_text("#t") == "政府网站"
        assert page.screenshot(type="jpeg")[:3] == b"\xff\xd8\xff"
    finally:
        page.close()
    assert launch.version(chromium).startswith("Chromium ")
    assert launch.version(chromium).split()[1][0].isdigit()


def test_a_missing_browser_is_named_in_chinese(monkeypatch):
    monkeypatch.setenv("GOVAUDIT_CHROMIUM", "/nonexistent/chromium")
    if launch.missing() and "Playwright" in launch.missing():
        pytest.skip("the evidence extra is not installed")
    assert launch.missing() == ("未找到浏览器 /nonexistent/chromium"
                                "（安装浏览器：apt-get install -y chromium fonts-noto-cjk）")
    assert not launch.available()
    with pytest.raises(launch.BrowserMissing, match="未找到浏览器"):
        with launch.launch():
            pass


def test_a_browser_that_cannot_start_is_a_chinese_error(tmp_path, monkeypatch):
    if launch.missing() and "Playwright" in launch.missing():
        pytest.skip("the evidence extra is not installed")
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("GOVAUDIT_CHROMIUM", str(fake))
    with pytest.raises(launch.BrowserMissing, match=f"浏览器 {fake} 无法启动"):
        with launch.launch():
            pass


def test_every_request_of_the_browser_names_the_crawler(chromium):
    """The User-Agent is on the browser's command line, not only set per context: a context that
    sets none (and requests the browser starts itself) still say govaudit, never HeadlessChrome."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import config
    agents = set()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            agents.add(self.headers["User-Agent"])
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.1.78", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = chromium.new_context()
    try:
        context.new_page().goto(f"http://127.0.1.78:{server.server_port}/")
    finally:
        context.close()
        server.shutdown()
    assert agents == {config.load_yaml("crawl.yaml")["user_agent"]}
