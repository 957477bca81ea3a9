"""Start the distribution's Chromium through Playwright for Python.

    with launch() as browser:          # a playwright Browser
        page = browser.new_page()
        ...
        browser.version                # e.g. "156.0.8078.129", for captions

`available()` says whether a capture can run at all, and why not, without starting anything."""
from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from typing import Iterator

import config
from config.errors import UserError

INSTALL_HINT = "安装：pip install 'govaudit[evidence]'"
BROWSER_HINT = "安装浏览器：apt-get install -y chromium fonts-noto-cjk"


class BrowserMissing(UserError):
    """Playwright or the browser is not installed: the Chinese message says which and how to add it."""


def settings() -> dict:
    return config.load_yaml("evidence.yaml")["browser"]


def executable() -> str:
    """The browser's path: $GOVAUDIT_CHROMIUM, else the configured one (Debian's /usr/bin/chromium)."""
    return os.environ.get("GOVAUDIT_CHROMIUM") or settings()["executable"]


def missing() -> str | None:
    """Why no browser can be started (a Chinese sentence), or None when both parts are there."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return f"未安装截图组件 Playwright（{INSTALL_HINT}）"
    exe = executable()
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)) and not shutil.which(exe):
        return f"未找到浏览器 {exe}（{BROWSER_HINT}）"
    return None


def user_agent() -> str:
    """The browser names itself as the crawler does (config/crawl.yaml), so a site's log shows who came."""
    return config.load_yaml("crawl.yaml")["user_agent"]


def available() -> bool:
    return missing() is None


_driver = threading.local()   # one Playwright driver per thread, shared by the browsers it starts


@contextmanager
def _playwright() -> Iterator:
    # Playwright's sync API refuses a second driver in a thread whose first is still running, so
    # nested launches (a test session's browser and one a test starts) share one, counted.
    from playwright.sync_api import sync_playwright
    if not getattr(_driver, "users", 0):
        _driver.manager = sync_playwright()
        _driver.pw = _driver.manager.start()
    _driver.users = getattr(_driver, "users", 0) + 1
    try:
        yield _driver.pw
    finally:
        _driver.users -= 1
        if not _driver.users:
            _driver.manager.__exit__(None, None, None)


@contextmanager
def launch(**options) -> Iterator:
    """A started headless Chromium (playwright Browser), closed on leaving. options go to
    chromium.launch (e.g. extra args); raises BrowserMissing with a Chinese message."""
    why = missing()
    if why:
        raise BrowserMissing(why)
    from playwright.sync_api import Error

    conf = settings()
    # on the command line, so every context and the requests the browser starts on its own (not a
    # page's) carry it; set per context only, one said HeadlessChrome in CI
    args = list(conf["args"]) + [f"--user-agent={user_agent()}"] + list(options.pop("args", []))
    with _playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=executable(), args=args,
                                         timeout=conf["launch_timeout"] * 1000, **options)
        except Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BrowserMissing(f"浏览器 {executable()} 无法启动：{first}（{BROWSER_HINT}）") from exc
        try:
            yield browser
        finally:
            browser.close()


def version(browser) -> str:
    """The caption's browser name: "Chromium 156.0.8078.129"."""
    return f"Chromium {browser.version}"
