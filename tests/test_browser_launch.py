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
