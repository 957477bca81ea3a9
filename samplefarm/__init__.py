"""The sample farm: small Chinese government websites on loopback addresses, with a ground truth.

    with samplefarm.start() as farm:             # 127.0.1.1 … 127.0.1.6 + external 127.0.1.100
        farm.write_register("register.csv")      # the 政府网站基本信息表 of the 7 registered sites
        ...audit with as_of=samplefarm.AS_OF, compare with samplefarm.load_truth()

Site 127.0.1.7 is registered but nothing listens there (a site that is down).
"""
from __future__ import annotations

import csv
import shutil
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

import yaml

from reports.cells import csv_safe
from samplefarm import render_div, render_hanweb, render_table, render_trs, server
from samplefarm.model import EXT_HOST, Site
from samplefarm.spec import AS_OF, EXT_PAGES, PROBE_HOUR, PROBES, sites
from samplefarm.tlsfarm import TestCA, server_context

__all__ = ["ALLOW_NET", "AS_OF", "EXT_HOST", "Farm", "start", "load_truth", "probe_sites", "REGISTER_HEADERS"]

RENDERERS = {"div": render_div, "hanweb": render_hanweb, "table": render_table, "trs": render_trs}
REGISTER_HEADERS = ("网站名称", "网站标识码", "首页网址", "主办单位", "行政级别", "所属地区", "网站类型")
TRUTH_FILE = Path(__file__).with_name("truth.yaml")
# The farm lives on loopback (its sites on 127.0.1.X, its planted refused link on 127.0.0.1:9), which
# the network guard blocks by default: the demo and the tests allow it explicitly.
ALLOW_NET = ["127.0.0.0/8"]


@lru_cache(maxsize=1)
def _truth_texts() -> tuple[str, ...]:
    extra = sorted(TRUTH_FILE.parent.glob("truth_*.yaml"))
    return tuple(p.read_text(encoding="utf-8") for p in [TRUTH_FILE, *extra])


def load_truth() -> dict:
    """truth.yaml, plus the sites of every truth_<topic>.yaml beside it, as data:
    {'as_of', 'ruleset', 'sites': {code: {...}}} (a fresh copy each call)."""
    main, *extra = (yaml.safe_load(t) for t in _truth_texts())
    for part in extra:
        main["sites"].update(part.get("sites") or {})
    return main


class Farm:
    """The running farm. A context manager; stop() shuts every server down."""

    def __init__(self, port: int, site_list: list[Site], servers: list[server.FarmHTTPServer],
                 stop: threading.Event, tls_folder: str):
        self.port = port
        self.sites = {s.code: s for s in site_list}
        self._servers = servers
        self._stop = stop
        self._tls_folder = tls_folder
        # The test CA that signed the HTTPS sites' certificates: no crawl trusts it unless given
        # it (--trust-ca, as the demo and the tests do), so an expired certificate is said to be
        # expired, not merely untrusted.
        self.cafile = str(Path(tls_folder) / "ca.pem")

    def base_url(self, code: str) -> str:
        site = self.sites[code]
        return f"{'https' if site.tls else 'http'}://{site.ip}:{self.port}/"

    def ext_url(self, path: str = "/") -> str:
        return f"http://{EXT_HOST}:{self.port}{path}"

    def abs_url(self, code: str, url: str) -> str:
        """A truth.yaml URL made absolute: '/a.html' is on the site, '{port}' is filled in."""
        if url.startswith("/"):
            return self.base_url(code) + url[1:]
        return url.replace("{port}", str(self.port))

    def register_rows(self) -> list[dict]:
        return [{"网站名称": s.name, "网站标识码": s.code, "首页网址": self.base_url(s.code),
                 "主办单位": s.org, "行政级别": s.level, "所属地区": s.region, "网站类型": s.site_type}
                for s in self.sites.values()]

    def write_register(self, path) -> Path:
        path = Path(path)
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=REGISTER_HEADERS)
            w.writeheader()
            w.writerows({k: csv_safe(v) for k, v in row.items()} for row in self.register_rows())
        return path

    def traffic(self) -> dict[str, dict]:
        """Per served address: requests received, most handled at once, User-Agents seen."""
        out = {}
        for srv in self._servers:
            h = srv.host
            with h.lock:
                out[srv.server_address[0]] = {"requests": h.requests, "max_active": h.max_active,
                                              "user_agents": set(h.user_agents)}
        return out

    def request_log(self) -> dict[str, list[tuple[str, str, bool, int]]]:
        """Per served address: every answer (method, path, conditional request, status)."""
        out = {}
        for srv in self._servers:
            with srv.host.lock:
                out[srv.server_address[0]] = list(srv.host.log)
        return out

    def switch(self, phase: str) -> None:
        """Serve every site as it is in `phase` ("audit", "recheck") from now on, at the same
        addresses and port: a re-audit of sites that changed in place. A site down in that phase
        keeps answering as it did."""
        by_ip = {s.ip: s for s in _phase_sites(phase) if not s.down}
        for srv in self._servers:
            s = by_ip.get(srv.server_address[0])
            if s is None:
                continue
            out = RENDERERS.get(s.style, render_trs).render(s, self.port)
            with srv.host.lock:
                srv.host.site, srv.host.pages = s, out.pages
                srv.host.files, srv.host.dynamic = out.files, out.dynamic
            self.sites[s.code] = s

    def stop(self) -> None:
        self._stop.set()                 # releases requests sleeping on the slow path
        stoppers = [threading.Thread(target=srv.shutdown) for srv in self._servers]
        for t in stoppers:               # in parallel: each waits up to one poll interval
            t.start()
        for t in stoppers:
            t.join()
        for srv in self._servers:
            srv.server_close()
        self._servers = []
        shutil.rmtree(self._tls_folder, ignore_errors=True)

    def __enter__(self) -> "Farm":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def probe_sites(engine, sites, as_of=AS_OF, timeout: float | None = None) -> dict:
    """The quick availability check the demo and the tests make: PROBES probes of every site,
    interval 0, stamped as if made on the monitoring point (the farm's dates are fixed)."""
    from datetime import datetime, time
    from crawler import probe
    clock = probe.PinnedClock(datetime.combine(as_of, time(PROBE_HOUR)))
    return probe.probe_sites(engine, sites, PROBES, 0, timeout, clock=clock, allow_net=ALLOW_NET)


def _bind(addresses: list[str], port: int) -> tuple[int, list[server.FarmHTTPServer]]:
    """Bind the first address (port 0 = any free port), then the others on the same port."""
    bound: list[server.FarmHTTPServer] = []
    try:
        first = server.FarmHTTPServer((addresses[0], port), server.Handler)
        bound.append(first)
        port = first.server_address[1]
        for addr in addresses[1:]:
            bound.append(server.FarmHTTPServer((addr, port), server.Handler))
        return port, bound
    except OSError:
        for srv in bound:
            srv.server_close()
        raise


def _phase_sites(phase: str) -> list[Site]:
    site_list = sites()
    if phase == "recheck":
        from samplefarm.spec_recheck import rectify
        site_list = rectify(site_list)
    return site_list


def start(port: int = 0, phase: str = "audit") -> Farm:
    """Start every live site and the external host on one port; returns the running Farm.
    phase="recheck" serves the sites as they are after rectification (spec_recheck.py)."""
    site_list = _phase_sites(phase)
    live = [s for s in site_list if not s.down]
    addresses = [s.ip for s in live] + [EXT_HOST]
    for attempt in range(20):
        try:
            port_used, servers = _bind(addresses, port)
            break
        except OSError:
            if port or attempt == 19:   # an explicit port that is taken is the caller's problem
                raise
    stop = threading.Event()
    tls_folder = tempfile.mkdtemp(prefix="govaudit-farm-tls-")
    ca = TestCA(Path(tls_folder))
    for s, srv in zip(live, servers):
        out = RENDERERS.get(s.style, render_trs).render(s, port_used)
        srv.host = server.Host(site=s, pages=out.pages, files=out.files, dynamic=out.dynamic, stop=stop)
        if s.tls:
            # expired: a certificate for the site's address, past its end; wrong_host: a valid
            # one for the domain the site pretends to have, while it is reached by its address
            names = [s.domain] if s.tls == "wrong_host" else [s.ip]
            srv.serve_tls(server_context(ca.issue(s.ip, names, s.tls_days)))
    servers[-1].host = server.external_host(EXT_PAGES)
    servers[-1].host.stop = stop
    for srv in servers:
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return Farm(port_used, site_list, servers, stop, tls_folder)
