"""Scrapy settings for the govaudit crawler, read from config/crawl.yaml.

This is an ordinary Scrapy settings module (SCRAPY_SETTINGS_MODULE=crawler.settings); the values a
user tunes live in config/crawl.yaml and on the `govaudit crawl` command line (see build()).
"""
from __future__ import annotations

import os

from config import load_yaml

_cfg = load_yaml("crawl.yaml")
# The homepage backoff (home_retry_delays, 93 s in all) for scripts and tests that cannot wait that
# long on a homepage that never answers: comma-separated seconds, e.g. 0.2,0.2,0.2,0.2,0.2.
RETRY_DELAYS_ENV = "GOVAUDIT_HOME_RETRY_DELAYS"
# The pace controller's thresholds (crawl.yaml active_sites) for scripts and tests that must not
# depend on how busy the machine is: comma-separated key=value, e.g. idle_min=0.
ACTIVE_SITES_ENV = "GOVAUDIT_ACTIVE_SITES"
# crawl.yaml revisit.heuristic_fraction for one run (0: ask every page again), without editing the
# file (which would also retire every memo: crawler.revisit.reader fingerprints config/).
FRACTION_ENV = "GOVAUDIT_HEURISTIC_FRACTION"

BOT_NAME = "govaudit"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = _cfg["user_agent"]
ROBOTSTXT_OBEY = False            # the census audits what a citizen sees, robots.txt or not
CONCURRENT_REQUESTS = _cfg["concurrent_requests"]
CONCURRENT_REQUESTS_PER_DOMAIN = _cfg["concurrent_requests_per_host"]
DOWNLOAD_TIMEOUT = _cfg["download_timeout"]
DOWNLOAD_MAXSIZE = _cfg["download_maxsize"]
DOWNLOAD_WARNSIZE = 0
# Many small hosts: hand out requests so no host waits behind another's queue.
DOWNLOADER = "crawler.downloader.PoliteDownloader"   # enforces the per-host limit (see module)
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
RETRY_ENABLED = False             # the spider retries transient failures itself, once, later
HTTPERROR_ALLOW_ALL = True        # a 404 is a finding, not an error: the spider classifies statuses
REDIRECT_ENABLED = True
REDIRECT_MAX_TIMES = 20           # as browsers: a longer chain, or a loop, is a link that never opens
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
DEPTH_LIMIT = 0                   # the spider applies config max_depth itself
DNS_TIMEOUT = 10
REACTOR_THREADPOOL_MAXSIZE = 20
LOG_LEVEL = "WARNING"
AUTOTHROTTLE_ENABLED = False
# Items go to one synchronous store pipeline: processing them "in parallel" only costs Scrapy an
# asyncio task per slot per response (the default of 100 spent ~25% of the crawler's CPU on
# create_task; measured in benchmarks/results.md, also against the epoll reactor).
CONCURRENT_ITEMS = 1
ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
# Every request and item passes through each spider middleware; these three do nothing for us
# (the spider tracks depth and URL length itself, and a Referer header is not needed).
SPIDER_MIDDLEWARES = {"scrapy.spidermiddlewares.depth.DepthMiddleware": None,
                      "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
                      "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
                      "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None}
# The same for every request and response on the downloader side: the spider decides itself what
# is internal (external links are checked on purpose, so no offsite filter), sends no credentials,
# and keeps no download statistics; meta refreshes are still followed, found more cheaply.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.LeanMetaRefreshMiddleware": 580,
    # First of all: a request to a blocked address (config/network.yaml) never goes further.
    "crawler.guarded.GuardMiddleware": 50,
    "crawler.guarded.ProxyTargetGuard": 760,   # right after HttpProxyMiddleware (750)
    "crawler.middlewares.BackoffMiddleware": 60,
}
# Every connection's resolved address is checked against config/network.yaml (crawler/guarded.py).
TWISTED_DNS_RESOLVER = "crawler.guarded.GuardedResolver"
# Only the web: no request ever reads a local file or another kind of server.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "s3": None, "ftp": None,
                     # Scrapy's own, whose pool never keeps a connection being closed (see there)
                     "http": "crawler.downloader.HTTPHandler", "https": "crawler.downloader.HTTPHandler"}
DOWNLOADER_STATS = False
# Scrapy 2.19's remote control: an HTTP server in every crawler process that runs Python code sent
# to it (token-protected, on localhost) and leaves a job file in the user's home. Nobody drives a
# govaudit crawl that way, and an office's shared server should not carry one.
REMOTE_CONTROL_ENABLED = False
# Scrapy's extensions (its EXTENSIONS_BASE) less statistics, periodic log lines and memory checks
# nobody reads (the CLI shows its own progress; the statistics' signal handlers ran for every
# request, response and item), the telnet console and the remote control. Left out of the base
# rather than set to None in EXTENSIONS: Scrapy 2.19 imports every key listed there, even one set
# to None, and the remote control's module imports aiohttp, ~100 modules and 10 MB of each crawler
# process (issue 20: the whole audit within 300 MB). The base is spelled out here, not filtered
# from scrapy.settings.default_settings, because the CLI imports this module and must not import
# Scrapy (tests/test_crawler_middlewares.py compares it with Scrapy's).
EXTENSIONS_BASE = {
    "scrapy.extensions.logcount.LogCount": 0,
    "scrapy.extensions.memdebug.MemoryDebugger": 0,
    "scrapy.extensions.closespider.CloseSpider": 0,
    "scrapy.extensions.feedexport.FeedExporter": 0,
    "scrapy.extensions.spiderstate.SpiderState": 0,
    "scrapy.extensions.throttle.AutoThrottle": 0,
}
EXTENSIONS_OFF = ("scrapy.extensions.corestats.CoreStats", "scrapy.extensions.logstats.LogStats",
                  "scrapy.extensions.memusage.MemoryUsage", "scrapy.extensions.telnet.TelnetConsole",
                  "scrapy.extensions.remote_control.RemoteControl")
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# Scrapy looks for `return value` in every generator callback by reading and parsing its source
# (inspect.getsource + ast.parse) on each response: its cache is weak, and never holds the spider's
# bound-method callbacks, so ~5% of the crawler's CPU went to a warning meant for spider authors.
WARN_ON_GENERATOR_RETURN_VALUE = False

CLI_KEYS = {  # `govaudit crawl` option → crawl.yaml key
    "timeout": "download_timeout",
    "per_host": "concurrent_requests_per_host",
    "page_budget": "page_budget",
    "concurrency": "concurrent_requests",
    "workers": "workers",
}


def crawl_config(overrides: dict | None = None) -> dict:
    """config/crawl.yaml with command-line overrides applied (None values ignored)."""
    cfg = dict(_cfg)
    for key, value in (overrides or {}).items():
        if value is not None:
            cfg[CLI_KEYS.get(key, key)] = value
    delays = os.environ.get(RETRY_DELAYS_ENV, "").strip()
    if delays:
        try:
            cfg["home_retry_delays"] = [float(d) for d in delays.split(",")]
        except ValueError:
            raise ValueError(f"环境变量 {RETRY_DELAYS_ENV} 应为逗号分隔的秒数（如 1,2,4），实际为 {delays!r}")
    pace = os.environ.get(ACTIVE_SITES_ENV, "").strip()
    if pace:
        try:
            cfg["active_sites"] = dict(cfg.get("active_sites") or {}, **{
                k.strip(): float(v) for k, _, v in (p.partition("=") for p in pace.split(","))})
        except ValueError:
            raise ValueError(f"环境变量 {ACTIVE_SITES_ENV} 应为逗号分隔的 名称=数值（如 idle_min=0），"
                             f"实际为 {pace!r}")
    fraction = os.environ.get(FRACTION_ENV, "").strip()
    if fraction:
        try:
            cfg["revisit"] = dict(cfg.get("revisit") or {}, heuristic_fraction=float(fraction))
        except ValueError:
            raise ValueError(f"环境变量 {FRACTION_ENV} 应为 0 到 1 之间的小数，实际为 {fraction!r}")
    return cfg


def build(cfg: dict) -> dict:
    """Scrapy settings for one crawl from a crawl config (see crawl_config)."""
    settings = {k: v for k, v in globals().items()
                if k.isupper() and k not in ("CLI_KEYS", "EXTENSIONS_OFF")}
    settings.update(
        USER_AGENT=cfg["user_agent"],
        CONCURRENT_REQUESTS=cfg["concurrent_requests"],
        CONCURRENT_REQUESTS_PER_DOMAIN=cfg["concurrent_requests_per_host"],
        DOWNLOAD_TIMEOUT=cfg["download_timeout"],
        DOWNLOAD_MAXSIZE=cfg["download_maxsize"],
        GOVAUDIT_ALLOW_NET=list(cfg.get("allow_net") or ()),
    )
    return settings
