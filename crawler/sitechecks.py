"""Checks of a whole site made once its crawl is done: the HTTPS of its homepage host
(crawler/tls.py) and, when the browser is installed, the accessibility of a few of its pages
(browser/axe.py). Each result is stored as the site crawl's `site_checks` row of its kind and
judged at score time (indicators/https.py, indicators/a11y.py); a site already checked in this
run (resume) is not checked again.
"""
from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine

import config
from crawler.netguard import Guard
from crawler.tls import check_https
from store.observations import checked_sites, crawl_pages_by_role, page_text_of, save_check
from store.runs import site_crawls

A11Y_ENV = "GOVAUDIT_A11Y"   # 0: no browser check after the crawl (the test suite's default)


def run_checks(engine: Engine, run_id: int, cfg: dict) -> None:
    """Every site crawl of the run that reached its site gets the checks it lacks."""
    checks = cfg.get("site_checks") or {}
    crawls = [sc for sc in site_crawls(engine, run_id) if sc.status == "ok"]
    guard = Guard.from_config(cfg.get("allow_net") or ())
    https_cfg = checks.get("https") or {}
    todo = [sc for sc in crawls if sc.id not in checked_sites(engine, run_id, "https")]

    def one(sc):
        return sc.id, check_https(sc.home_url, https_port=int(https_cfg.get("port", 443)),
                                  http_port=int(https_cfg.get("http_port", 80)),
                                  cafile=cfg.get("trust_ca") or None,
                                  timeout=float(https_cfg.get("timeout", 10)), guard=guard)
    with ThreadPoolExecutor(max_workers=int(https_cfg.get("parallel", 8))) as pool:
        for sc_id, result in pool.map(one, todo):
            save_check(engine, sc_id, "https", result)
    enabled = cfg.get("a11y", True) and os.environ.get(A11Y_ENV, "1") != "0"
    a11y_checks(engine, run_id, crawls, checks.get("a11y") or {}, enabled,
                cfg.get("allow_net") or (), cfg.get("a11y_skip") or "")


def a11y_checks(engine: Engine, run_id: int, crawls, cfg: dict, enabled: bool = True,
                allow_net=(), skip: str = "") -> None:
    """axe-core in the distribution's Chromium on each site's homepage, its 关怀版 and a sample of
    column and article pages; without the browser each site's row says why (未检测)."""
    from browser import axe, launch
    done = checked_sites(engine, run_id, "a11y")
    todo = [sc for sc in crawls if sc.id not in done]
    if not todo:
        return
    why = skip or ("本次抓取未启用无障碍检测（config/crawl.yaml a11y）" if not enabled else launch.missing())
    if why:
        for sc in todo:
            save_check(engine, sc.id, "a11y", {"skipped": why, "hint": _hint(why, launch)})
        return
    with launch.launch() as browser:   # one browser for the whole run, one context a site
        for sc in todo:
            pages = crawl_pages_by_role(engine, sc.id, sc.home_url, int(cfg.get("sample", 2)))
            pages["elderly"] = _elderly_url(engine, sc)
            urls = list(dict.fromkeys(u for role in pages.values() for u in role))
            result = axe.check_pages(browser, urls, int(float(cfg.get("timeout", 15)) * 1000),
                                     allow_net)
            save_check(engine, sc.id, "a11y", {"axe": axe.axe_version(), "pages": result,
                                               "roles": pages})


def _hint(why: str, launch) -> str:
    if "Playwright" in why:
        return launch.INSTALL_HINT
    if "规则集" in why:
        return ("按读取无障碍指标的规则集（如 province-2026-example）检查时自动检测；"
                "或在 config/crawl.yaml 中设 a11y: true 后重新抓取")
    if "浏览器" in why:
        return launch.BROWSER_HINT
    return f"在 config/crawl.yaml 中设 a11y: true 并去掉环境变量 {A11Y_ENV}=0 后重新抓取"


def _elderly_url(engine: Engine, sc) -> list[str]:
    """The homepage's 关怀版/无障碍 entry (config/a11y.yaml), checked too (its pop-ups)."""
    home = page_text_of(engine, sc.id, sc.home_url) or {}
    entry = re.compile(config.load_yaml("a11y.yaml")["entry"])
    return [href for text, href in home.get("marks", []) if entry.search(text)][:1]
