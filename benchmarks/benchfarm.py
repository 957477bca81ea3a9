#!/usr/bin/env python
"""A benchmark farm: N generated government sites (default 100, up to 1,000) in the sample farm's CMS
styles, served on loopback 127.0.2.1 … 127.0.5.232 (never the sample farm's 127.0.1.X).

Sites are built from the sample farm's own model and renderers (samplefarm: TRS static lists
with createPageHTML paging, Hanweb/JCMS datastore + dataproxy.jsp, ?page=N and 下一页 town sites,
GB18030 pages labelled gb2312), with seeded random column and item counts: about 200 pages a site on
average (a county department to a provincial portal), each with a few planted dead links.

The server is one asyncio process answering every address with keep-alive HTTP/1.1, routing each
request through the sample farm's own handler code. It counts the requests it answered and its own
CPU seconds, so a benchmark can show that the server was not the bottleneck (its capacity, requests
per CPU second, against the rate the crawler asked for).

    python benchmarks/benchfarm.py serve --sites 100 --state DIR   # writes DIR/register.csv,
                                                                   # DIR/farm.json; stats on SIGTERM
"""
from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from samplefarm import common, render_hanweb, render_trs, server  # noqa: E402
from samplefarm.model import Block, Col, Item, Link, Site, Special  # noqa: E402
from samplefarm.spec import Maker  # noqa: E402

FIRST_NET = 2                      # 127.0.2.x …
EXT_ADDRESS = "127.0.5.255"        # the generated sites' external host (news site, national portal)
MAX_SITES = 1000
# The renderers link the external host through this module constant: point it at our own address.
common.EXT_HOST = EXT_ADDRESS


def address(index: int) -> str:
    k = index + 1
    return f"127.0.{FIRST_NET + k // 256}.{k % 256}"


@dataclass
class BenchSite(Site):
    address: str = ""

    @property
    def ip(self) -> str:       # the sample farm's Site is always 127.0.1.host
        return self.address


LEVELS = [("省级", "门户网站", "省人民政府"), ("地市级", "门户网站", "市人民政府"),
          ("县级", "门户网站", "县人民政府"), ("地市级", "部门网站", "市生态环境局"),
          ("县级", "部门网站", "县教育局"), ("乡镇", "门户网站", "镇人民政府")]
# (key, name, category, newest item, days between items)
COLUMNS = [("yw", "要闻动态", "news", "2026-11-21", 2), ("bmdt", "部门动态", "news", "2026-11-19", 3),
           ("xzdt", "基层动态", "news", "2026-11-12", 5), ("tzgg", "通知公告", "notice", "2026-11-18", 6),
           ("gsgg", "公示公告", "notice", "2026-10-02", 9), ("zcwj", "政策文件", "policy", "2026-10-28", 9),
           ("zcjd", "政策解读", "policy", "2026-08-10", 15), ("rsxx", "人事信息", "personnel", "2026-03-01", 40),
           ("ghjh", "规划计划", "plan", "2026-02-14", 60), ("zxft", "在线访谈", "interview", "2026-09-15", 45),
           ("yjzj", "意见征集", "survey", "2026-10-30", 30), ("xx", "领导信箱", "consultation", "2026-11-15", 8)]


def generate(n: int, seed: int = 2026) -> list[BenchSite]:
    if not 1 <= n <= MAX_SITES:
        raise SystemExit(f"--sites must be 1..{MAX_SITES}")
    rnd = random.Random(seed)
    return [_site(i, rnd) for i in range(n)]


def _site(i: int, rnd: random.Random) -> BenchSite:
    level, site_type, suffix = LEVELS[i % len(LEVELS)]
    place = f"第{i + 1}区"
    style = rnd.choice(["trs", "trs", "hanweb", "town"])
    m = Maker(place, place + suffix)
    cols: list[Col] = []
    chosen = rnd.sample(COLUMNS, rnd.randint(6, len(COLUMNS)))
    size = rnd.choice([0.3, 0.6, 1.0, 1.0, 1.5, 2.5])        # department … provincial portal
    # Two first-level hubs (新闻中心, 政务公开) whose pages and sidebars list their columns, as on
    # the sample sites; the first columns are also in the navigation menu.
    hubs = [("xwzx", "新闻中心", 900), ("zwgk", "政务公开", 901)]
    for key, name, colid in hubs:
        path = f"/col/col{colid}/index.html" if style == "hanweb" else f"/{key}/"
        cols.append(Col(key, name, path, None, kind="hub", nav=True, colid=colid))
    for k, (key, name, cat, newest, step) in enumerate(chosen):
        count = max(2, int(rnd.randint(6, 40) * size))
        # How articles show their date varies by CMS template: meta + visible, one of them, or
        # none at all (then only the URL, or nothing, dates them).
        article = rnd.choice(["both", "both", "visible", "meta", "none"])
        items = m.run(cat, newest, count, step, article=article,
                      url_dated=article != "none" or rnd.random() < 0.5)
        colid, group = 1000 + k, hubs[0][1] if cat == "news" else hubs[1][1]
        if style == "hanweb":
            col = Col(key, name, f"/col/col{colid}/index.html", cat, paging="hanweb", items=items,
                      colid=colid)
        elif style == "town":
            paging, path = (("page", f"/{key}/list.html") if k % 2 else ("next", f"/{key}/index.htm"))
            col = Col(key, name, path, cat, paging=paging, per_page=10, items=items)
        else:
            col = Col(key, name, f"/{key}/", cat, paging="trs", per_page=20, items=items)
        col.group, col.nav = group, k < 4
        cols.append(col)
    dead = f"/{chosen[0][0]}/old/t20180506_{i}.html"
    lists = [c for c in cols if c.kind == "list"]
    _first_article(lists[0]).links.append(Link(dead, "相关文件"))                      # 404
    _first_article(lists[1]).links.append(Link("{ext}/news/2019/0101/c123.html", "外部报道"))  # ext 404
    static = Col("gk", "概况", "/gk/", "static", kind="static", nav=True,
                 text=f"{place}位于华阳省，辖若干乡镇街道，常住人口约三十万。")
    cols.append(static)
    site = BenchSite(
        code=f"98{i:08d}", name=f"{place}{suffix}", place=place, org=place + suffix, level=level,
        region=f"华阳省{place}", site_type=site_type, host=0, address=address(i),
        domain=f"www.d{i}.gov.cn", style="hanweb" if style == "hanweb" else "trs",
        encoding="gb18030" if i % 7 == 3 else "utf-8",
        date_fmt=rnd.choice(["iso", "slash", "cn", "dot"]), columns=cols,
        nav=[c.key for c in cols if c.nav] + [("政务服务", "{ext}/zwfw/")],
        blocks=[Block(c.key, 6) for c in lists[:4]],
        specials={dead: Special("404")}, friends=[("华阳新闻网", "{ext}/")],
        uid_base=100000 + i * 1000)
    if style == "town":
        site.theme = {"nav": "<nav>", "side": "sidebar", "crumb": "crumb"}
    return site.build()


def _first_article(col: Col) -> Item:
    return next(it for it in col.items if not it.href)


# ---------------------------------------------------------------- serving

class _Capture(server.Handler):
    """The sample farm's request handler, run without a socket: routing, planted answers and
    encodings stay exactly the farm's; we only collect what it would have written."""

    def __init__(self, host: server.Host):                 # noqa: D107 - no socket to set up
        self.server = type("S", (), {"host": host})()
        self.wfile = io.BytesIO()
        self.status, self.out_headers = 200, []

    def send_response(self, code, message=None):
        self.status = code
        self.out_headers.append(("Date", self.date_time_string()))   # as http.server sends it

    def send_header(self, keyword, value):
        self.out_headers.append((keyword, value))

    def end_headers(self):
        pass


REASONS = {200: "OK", 302: "Found", 304: "Not Modified", 404: "Not Found", 410: "Gone",
           500: "Internal Server Error", 503: "Service Unavailable"}


class FarmProtocol(asyncio.Protocol):
    stats = {"requests": 0}
    latency = 0.0    # seconds before each answer: a remote server, not one on loopback
    # Requests a host is answering at once, and the most since the last reading (SIGUSR1): how
    # hard a tool presses one site. Only visible with --latency (otherwise answers are instant).
    in_flight: dict[int, int] = {}
    most_in_flight = {"site": 0, "external": 0}   # a registered site / the host every site links to
    # Requests each registered site answered since the last reading: the busiest one bounds the
    # wall time of any tool that keeps to N at once per site (requests × latency / N).
    answered: dict[int, int] = {}

    def __init__(self, host: server.Host):
        self.host, self.buf = host, b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buf[:end].decode("latin-1").split("\r\n")
            headers = {}
            for line in head[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            length = int(headers.get("content-length") or 0)
            if len(self.buf) < end + 4 + length:
                return
            body = self.buf[end + 4:end + 4 + length]
            self.buf = self.buf[end + 4 + length:]
            method, target, version = (head[0].split(" ") + ["", "", ""])[:3]
            self._answer(method, target, version, headers, body)

    def _answer(self, method, target, version, headers, body) -> None:
        FarmProtocol.stats["requests"] += 1
        h = _Capture(self.host)
        h.command, h.path = method, target
        h.headers = {"User-Agent": headers.get("user-agent", ""),
                     "If-None-Match": headers.get("if-none-match"),
                     "If-Modified-Since": headers.get("if-modified-since")}
        form = parse_qs(body.decode("utf-8", "replace")) if method == "POST" and body else {}
        h._serve(form, body=method != "HEAD")
        if h.status == 304:
            FarmProtocol.stats["not_modified"] = FarmProtocol.stats.get("not_modified", 0) + 1
        keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        lines = [f"HTTP/1.1 {h.status} {REASONS.get(h.status, 'OK')}"]
        lines += [f"{k}: {v}" for k, v in h.out_headers]
        lines.append("Connection: keep-alive" if keep else "Connection: close")
        answer = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + h.wfile.getvalue()
        ip = id(self.host)   # one Host per site address
        now = FarmProtocol.in_flight[ip] = FarmProtocol.in_flight.get(ip, 0) + 1
        kind = "site" if self.host.site is not None else "external"
        if kind == "site":
            FarmProtocol.answered[ip] = FarmProtocol.answered.get(ip, 0) + 1
        FarmProtocol.most_in_flight[kind] = max(FarmProtocol.most_in_flight[kind], now)
        if self.latency:
            asyncio.get_running_loop().call_later(self.latency, self._send, answer, keep, ip)
        else:
            self._send(answer, keep, ip)

    def _send(self, answer: bytes, keep: bool, ip) -> None:
        FarmProtocol.in_flight[ip] -= 1
        if self.transport.is_closing():
            return
        self.transport.write(answer)
        if not keep:
            self.transport.close()


def build_hosts(site_list: list[BenchSite], port: int) -> dict[str, server.Host]:
    hosts = {}
    for s in site_list:
        out = (render_hanweb if s.style == "hanweb" else render_trs).render(s, port)
        hosts[s.ip] = server.Host(site=s, pages=out.pages, files=out.files, dynamic=out.dynamic)
    hosts[EXT_ADDRESS] = server.external_host({"/": "华阳新闻网", "/zwfw/": "华阳政务服务网",
                                               "/check_web/errorInfo_querySiteId.action": "政府网站找错"})
    return hosts


def _distinct_pages(site: BenchSite, host: server.Host, port: int) -> list[str]:
    """The site's HTML pages, an alias of another (/index.html for /) counted once."""
    seen, out = set(), []
    for path, html in host.pages.items():
        if path not in site.specials and id(html) not in seen:
            seen.add(id(html))
            out.append(f"http://{site.ip}:{port}{path}")
    return sorted(out)


async def _serve(args) -> None:
    site_list = generate(args.sites, args.seed)
    FarmProtocol.latency = args.latency
    loop = asyncio.get_running_loop()
    port = args.port
    # Bind the first address on any free port, then every other address on the same port.
    first, *rest = [s.ip for s in site_list] + [EXT_ADDRESS]
    srv = await loop.create_server(lambda: None, first, port, backlog=1024)
    port = srv.sockets[0].getsockname()[1]
    srv.close()
    hosts = build_hosts(site_list, port)
    servers = [await loop.create_server(lambda h=hosts[a]: FarmProtocol(h), a, port, backlog=1024)
               for a in [first, *rest]]
    state = Path(args.state)
    state.mkdir(parents=True, exist_ok=True)
    with open(state / "register.csv", "w", encoding="utf-8-sig", newline="") as fh:
        import csv
        from samplefarm import REGISTER_HEADERS
        w = csv.DictWriter(fh, fieldnames=REGISTER_HEADERS)
        w.writeheader()
        for s in site_list:
            w.writerow({"网站名称": s.name, "网站标识码": s.code, "首页网址": f"http://{s.ip}:{port}/",
                        "主办单位": s.org, "行政级别": s.level, "所属地区": s.region,
                        "网站类型": s.site_type})
    pages = {s.code: _distinct_pages(s, hosts[s.ip], port) for s in site_list}
    (state / "pages.json").write_text(json.dumps(pages), encoding="utf-8")
    done = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, done.set)
    t0, cpu0 = time.monotonic(), time.process_time()
    (state / "farm.json").write_text(json.dumps({"port": port, "sites": len(site_list),
                                                 "pages": sum(map(len, pages.values()))}))

    def reading() -> None:   # SIGUSR1: the most requests one host answered at once since last time
        busiest = max(FarmProtocol.answered.values(), default=0)
        (state / "in_flight.json").write_text(json.dumps({**FarmProtocol.most_in_flight,
                                                           "busiest_site_requests": busiest}))
        FarmProtocol.most_in_flight = {"site": 0, "external": 0}
        FarmProtocol.answered = {}
    loop.add_signal_handler(signal.SIGUSR1, reading)
    await done.wait()
    for s in servers:
        s.close()
    (state / "stats.json").write_text(json.dumps({
        "requests": FarmProtocol.stats["requests"],
        "not_modified": FarmProtocol.stats.get("not_modified", 0),
        "cpu_s": time.process_time() - cpu0,
        "wall_s": time.monotonic() - t0}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=["serve"])
    ap.add_argument("--sites", type=int, default=100)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--state", required=True, help="directory for register.csv, pages.json, stats")
    ap.add_argument("--latency", type=float, default=0.0,
                    help="seconds each answer waits (a remote site: 0.05-0.3 on a national network)")
    asyncio.run(_serve(ap.parse_args()))


if __name__ == "__main__":
    main()
