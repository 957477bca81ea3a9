"""Self-check of the sample farm: what it serves, and that truth.yaml matches its spec.

(a) Over HTTP on loopback: planted answers behave as declared; a small crawler of our own walks
    every site and finds exactly the dead targets truth.yaml lists.
(b) An independent recount of every truth number from the spec data (not using `indicators`).
"""
from __future__ import annotations

import csv
import re
import socket
import ssl
import time
import urllib.error
import urllib.request
from datetime import date
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
import pytest
from dateutil.relativedelta import relativedelta

import config
from samplefarm.spec_services import ALL8
import samplefarm
from samplefarm import common, render_trs, spec
from samplefarm.model import EXT_HOST, REFUSED_URL

AS_OF = samplefarm.AS_OF
ATTACH = (".doc", ".docx", ".xls", ".xlsx", ".pdf", ".zip", ".rar", ".wps", ".et", ".ppt", ".pptx",
          ".txt", ".7z", ".ofd", ".csv")
IMAGES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg")


def is_attachment(url: str) -> bool:
    """A file by its path, or by the file a download script's query names (?filename=x.doc)."""
    parts = urlsplit(url)
    return parts.path.lower().endswith(ATTACH) or any(
        v.lower().endswith(ATTACH) for _, v in parse_qsl(parts.query))
LIMITS = {"news": {"days": 14}, "notice": {"months": 6}, "policy": {"months": 6},
          "personnel": {"years": 1}, "plan": {"years": 1}}
GROUP = {"news": "news", "notice": "notice_policy", "policy": "notice_policy",
         "personnel": "personnel_plan", "plan": "personnel_plan"}


@pytest.fixture
def farm():
    with samplefarm.start() as f:
        yield f


@pytest.fixture(scope="module")
def truth():
    return samplefarm.load_truth()


def live_sites():
    return [s for s in spec.sites() if not s.down]


# ---- small HTTP helpers ---------------------------------------------------------------------
class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


# the HTTPS sites' certificates are bad on purpose: read them as the crawler does, unverified
_tls = urllib.request.HTTPSHandler(context=ssl._create_unverified_context())   # noqa: S323
_plain = urllib.request.build_opener(_NoRedirect, urllib.request.ProxyHandler({}), _tls)
_follow = urllib.request.build_opener(urllib.request.ProxyHandler({}), _tls)


def fetch(url: str, timeout: float = 5, follow: bool = True, data: bytes | None = None):
    """(status, headers, body, final_url); HTTP errors are answers, not exceptions."""
    try:
        with (_follow if follow else _plain).open(url, data=data, timeout=timeout) as r:
            return r.status, r.headers, r.read(), r.geturl()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read(), url


# ---- (a) planted answers ----------------------------------------------------------------------
def test_register_and_addresses(farm, tmp_path):
    rows = farm.register_rows()
    assert len(rows) == len(spec.sites())
    assert list(rows[0]) == ["网站名称", "网站标识码", "首页网址", "主办单位", "行政级别", "所属地区", "网站类型"]
    assert {r["行政级别"] for r in rows} == {"省级", "地市级", "县级", "乡镇"}
    assert {r["网站类型"] for r in rows} == {"门户网站", "部门网站"}
    hosts = [urlsplit(r["首页网址"]).hostname for r in rows]
    assert len(set(hosts)) == len(rows)                       # one address per site
    assert {f"127.0.1.{i}" for i in range(1, 8)} <= set(hosts)
    assert {urlsplit(r["首页网址"]).port for r in rows} == {farm.port}
    path = farm.write_register(tmp_path / "register.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        assert list(csv.DictReader(fh)) == rows
    # the down site: nothing listens, connection refused
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.1.7", farm.port), timeout=2).close()


def test_flaky_homepages_fail_every_nth_request(farm):
    """Deterministic flakiness: any 40 consecutive homepage requests meet 40 / fail_every failures."""
    for code, every, status in (("9906000001", 10, 503), ("9906000002", 40, 502)):
        answers = [fetch(farm.base_url(code))[0] for _ in range(40)]
        assert answers.count(status) == 40 // every and answers.count(200) == 40 - 40 // every
        assert [i + 1 for i, a in enumerate(answers) if a != 200] == list(range(every, 41, every))
    # Failures in runs: three in a row of every ten, the cycle shifted so requests 41-42 fail too
    # (the crawl's first homepage requests after the 40 probes).
    answers = [fetch(farm.base_url("9924000002"))[0] for _ in range(43)]
    assert [i + 1 for i, a in enumerate(answers) if a != 200] == \
        [1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32, 40, 41, 42]


def test_gbk_site_decodes_only_as_gb18030(farm):
    status, headers, body, _ = fetch(farm.base_url("9900000001"))
    assert status == 200 and headers["Content-Type"] == "text/html"
    assert b'charset=gb2312"' in body
    for enc in ("utf-8", "gb2312", "gbk"):
        with pytest.raises(UnicodeDecodeError):
            body.decode(enc)
    text = body.decode("gb18030")
    assert "华阳要闻" in text and "䶮" in text
    _, _, body, _ = fetch(farm.base_url("9900000001") + "ywdt/sxdt/")
    assert "㻏川县" in body.decode("gb18030")


def test_planted_statuses(farm):
    s5 = farm.base_url("9901000023")
    assert fetch(s5 + "zwgk/old/t20180506_112.html")[0] == 404
    assert fetch(s5 + "tzgg/201905/t20190510_777.html")[0] == 410
    assert [fetch(s5 + "gjcx/query.jsp")[0] for _ in range(3)] == [500, 500, 500]
    status, headers, _, _ = fetch(s5 + "xxgk/ghjh/old_plan.html", follow=False)
    assert status == 302 and headers["Location"] == "/404.html"
    status, _, body, final = fetch(s5 + "xxgk/ghjh/old_plan.html")
    assert status == 200 and final.endswith("/404.html") and "页面不存在".encode() in body
    status, _, body, _ = fetch(s5 + "gzdt/content_8812.html")
    assert status == 200 and "<title>信息已删除</title>".encode() in body
    # unknown paths: the site's own page with 200 and no not-found phrase, identical every time
    a = fetch(s5 + "no-such-page-1.html")
    b = fetch(s5 + "jtdt/map.html")
    assert a[0] == b[0] == 200 and a[2] == b[2]
    assert not any(p.encode() in a[2] for p in config.lexicon("not_found"))
    # other sites answer unknown paths with a real 404
    assert fetch(farm.base_url("9901230001") + "no-such-page.html")[0] == 404
    # attachments: .doc 404, .pdf answering an HTML not-found page, .xls fine
    assert fetch(s5 + "tzgg/202611/P020261110_001.doc")[0] == 404
    status, headers, body, _ = fetch(s5 + "tzgg/202610/P020261014_002.pdf")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and "页面不存在".encode() in body
    status, headers, _, _ = fetch(s5 + "tzgg/202611/P020261110_003.xls")
    assert status == 200 and headers["Content-Type"] == "application/vnd.ms-excel"
    # external host: some pages fine, some 404
    assert fetch(farm.ext_url("/zwfw/"))[0] == 200
    assert fetch(farm.ext_url("/jtxx/index.html"))[0] == 404
    with pytest.raises(urllib.error.URLError) as exc:
        fetch(REFUSED_URL, timeout=2)
    assert isinstance(exc.value.reason, ConnectionRefusedError)


def test_flaky_503_then_200_and_reset_by_start():
    for _ in range(2):          # a new farm starts with fresh state
        with samplefarm.start() as f:
            url = f.base_url("9900000001") + "wzsm/index.html"
            assert fetch(url)[0] == 503
            assert fetch(url)[0] == 200
            assert fetch(url)[0] == 200


def test_slow_path_is_slow_and_stop_releases_it(farm):
    url = farm.base_url("9901000023") + "slow/report.html"
    t0 = time.monotonic()
    with pytest.raises((socket.timeout, TimeoutError, urllib.error.URLError)):
        fetch(url, timeout=1)
    assert time.monotonic() - t0 >= 0.9


def test_traps_are_endless_but_stable(farm):
    s5 = farm.base_url("9901000023")
    _, _, body, _ = fetch(s5 + "hdrl/calendar.jsp?month=1900-01")
    assert b"month=1899-12" in body and b"month=1900-02" in body
    _, _, body, _ = fetch(s5 + "hdrl/calendar.jsp?month=rubbish")
    assert b"month=2026-10" in body and b"month=2026-12" in body
    one = fetch(s5 + "hdjl/index.jsp")[2]
    two = fetch(s5 + "hdjl/index.jsp;jsessionid=ABC?sid=x1")[2]
    sids = [re.findall(rb"sid=([0-9a-f]+)", b) for b in (one, two)]
    assert sids[0] and sids[1] and sids[0] != sids[1]          # a new session id per render
    assert re.sub(rb"(jsessionid|sid)=\w+", b"", one) == re.sub(rb"(jsessionid|sid)=\w+", b"", two)
    home = fetch(farm.base_url("9901000023"))[2]
    assert re.search(rb'href="/hdjl/index.jsp;jsessionid=[0-9A-F]{16}"', home)


def test_column_reachable_only_through_column_name_meta(farm):
    """9901000023 公示公告: no page links /gsgg/ except its own articles' breadcrumbs (and its own
    list page); those articles carry ColumnName meta = 公示公告 and are linked from the homepage."""
    base = farm.base_url("9901000023")
    site = farm.sites["9901000023"]
    rendered = render_trs.render(site, farm.port).pages
    col = site.col("gsgg")
    articles = {it.path for it in col.items}
    linking = sorted(k for k, html in rendered.items()
                     if re.search(r'href="/gsgg/(index\.html)?"', html))
    assert linking and set(linking) <= articles
    home = fetch(base)[2].decode()
    assert not re.search(r'href="/gsgg/(index\.html)?"', home) and "<h3>公示公告</h3>" in home
    shown = [it.path for it in col.items[:3]]
    assert all(f'href="{p}"' in home for p in shown)
    doc = lxml.html.fromstring(fetch(base + shown[0][1:])[2].decode())
    assert doc.xpath('//meta[@name="ColumnName"]/@content') == ["公示公告"]
    crumb = doc.xpath('//div[@class="location"]')[0]
    assert "当前位置" in crumb.text_content()
    assert [a.get("href") for a in crumb.iter("a") if a.text_content() == "公示公告"] == ["/gsgg/"]


def test_hanweb_dataproxy(farm):
    base = farm.base_url("9901000001")
    _, _, body, _ = fetch(base + "col/col4512/index.html")
    text = body.decode()
    assert text.count("<record>") == 45 and "<totalrecord>57</totalrecord>" in text
    assert "art_4512_9.html" not in text
    nextgroup = re.search(r'<nextgroup><!\[CDATA\[<a href="([^"]+)"', text).group(1)
    url = urljoin(base, nextgroup).replace("webname=江北市人民政府", "webname=%E6%B1%9F%E5%8C%97")
    url += "&startrecord=46&endrecord=90&perpage=15"
    for data in (None, b"x=1"):                                  # GET and POST
        status, headers, xml, _ = fetch(url, data=data)
        assert status == 200 and headers["Content-Type"].startswith("text/xml")
        assert xml.count(b"<record>") == 12 and b"art_4512_9.html" in xml


# ---- (a) our own small crawl: every page answers, the dead set is exactly the truth's ------------
def canonical(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r";jsessionid=[^/?#]*", "", parts.path, flags=re.I)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if k.lower() not in ("sid", "jsessionid")])
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def extract(url: str, html: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(links as (url, tag), follow-up list pages) of one page."""
    doc = lxml.html.fromstring(html)
    out = []
    for el, attr in ((e, "href") for e in doc.iter("a", "area")):
        out.append((el.get(attr), "a"))
    for el in doc.iter("img", "iframe"):
        out.append((el.get("src"), el.tag))
    for script in doc.iter("script"):
        text = script.text or ""
        if script.get("type") == "text/xml" or "InitData" in text:     # list records
            out += [(href, "a") for href in re.findall(r'href="([^"]+)"', text)]
        else:                                                          # var hasFJ='<a href=…>'
            out += [(href, "a") for href in re.findall(r'href=\\?"([^"\\]+\.(?:docx?|xlsx?|pdf))', text)]
    pages = []
    m = re.search(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']", html)
    if m:
        pages = [urljoin(url, f"{m.group(3)}_{i}.{m.group(4)}") for i in range(1, int(m.group(1)))]
    m = re.search(r"countPage=(\d+)", html)                  # a TRS template's own pager script
    if m and "nextPage" in html:
        pages = [urljoin(url, f"index_{i}.html") for i in range(1, int(m.group(1)))]
    m = re.search(r"maxPageNum = (\d+)", html)          # render_div: a script page count …
    hidden = re.search(r'href="(index_\d+)_\d+\.html"', html)   # … beside hidden numbered links
    if m and hidden:
        pages = [urljoin(url, f"{hidden.group(1)}_{i}.html") for i in range(2, int(m.group(1)) + 1)]
    m = re.search(r'\d+/(\d+)页.*?href="(list[_-])\d+\.html">末页', html)   # render_div: 末页 and 1/M页
    if m:
        pages = [urljoin(url, f"{m.group(2)}{i}.html") for i in range(2, int(m.group(1)) + 1)]
    for select in doc.iter("select"):                   # render_div: a page-number <select>
        if "location" in (select.get("onchange") or ""):
            out += [(o.get("value"), "a") for o in select.iter("option")]
    m = re.search(r"proxyUrl:'([^']+)'.*?columnid:(\d+)", html, re.S)    # JCMS jpage
    if m:
        pages.append(urljoin(url, m.group(1)) + f"?columnid={m.group(2)}&startrecord=46&endrecord=1000")
    links = []
    for href, tag in out:
        if not href or href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        if "dataproxy.jsp" in href:
            pages.append(urljoin(url, href) + "&startrecord=46&endrecord=1000&perpage=15")
            continue
        links.append((urljoin(url, href), tag))
    return links, pages


def check(url: str, fingerprint: bytes | None, timeout: float = 1.5):
    """(failure or None, body or None), retrying a 5xx or a timeout once, as the census allows."""
    if any(label == "" for label in (urlsplit(url).hostname or "").split(".")):
        return "dns", None
    for attempt in (1, 2):
        try:
            status, headers, body, final = fetch(url, timeout=timeout)
        except urllib.error.URLError as e:
            if isinstance(e.reason, ConnectionRefusedError):
                return "refused", None
            if isinstance(e.reason, (socket.timeout, TimeoutError)) and attempt == 1:
                continue
            return "timeout", None
        except (socket.timeout, TimeoutError):
            if attempt == 1:
                continue
            return "timeout", None
        if status >= 500 and attempt == 1:
            continue
        if status >= 400:
            return "http", None
        if 300 <= status < 400:        # urllib gave up following: a loop or a too-long chain
            return "redirect", None
        if urlsplit(final).path in ("/404.html",) and final != url:
            return "error_redirect", None
        if headers.get_content_type() == "text/html":
            head = body[:3000].decode("utf-8", "ignore")
            title = re.search(r"<title>(.*?)</title>", head, re.S)
            short = len(body) < 2000
            if any(p in (title.group(1) if title else "") or (short and p in head)
                   for p in config.lexicon("not_found")):
                return "soft404", None
            if fingerprint is not None and body == fingerprint:
                return "soft404", None
            # The farm serves a login/system error page only for online systems.
            if short and any(p in head for p in config.lexicon("system_error")):
                return "system_error", None
        return None, body
    raise AssertionError("unreachable")


def kind_of(url: str, tag: str, host: str) -> str:
    path = urlsplit(url).path.lower()
    if is_attachment(url):
        return "attachment"
    if urlsplit(url).netloc != host:
        return "external"
    return "image" if tag == "img" or path.endswith(IMAGES) else "page"


def crawl(farm, site) -> tuple[set, set]:
    """Our crawl of one site: (dead targets as (url, kind, where, failure), parsed page urls).

    Every distinct link target is checked once; internal pages that answer are parsed in turn.
    The homepage is parsed first, so every target it links is marked 'home'."""
    base = farm.base_url(site.code)
    host = urlsplit(base).netloc
    probe = fetch(base + "govaudit-probe-xyz.html")
    fingerprint = probe[2] if probe[0] == 200 else None
    encoding = "gb18030" if site.encoding in ("gb18030", "gbk-as-utf8") else "utf-8"
    targets: dict[str, dict] = {}
    parsed: set[str] = set()
    calendar_pages = 0
    for _ in range(10):           # a flaky homepage (fail_every) answers within a few tries
        status, _, body, _ = fetch(base)
        if status == 200:
            break
    queue = [(base, body, True)]
    while queue:
        url, body, is_home = queue.pop(0)
        parsed.add(url)
        if "dataproxy.jsp" in url:
            links, more = [(urljoin(base, h), "a") for h in re.findall(r'href="([^"]+)"', body.decode())], []
        else:
            links, more = extract(url, body.decode(encoding))
        for page in more:                                  # index_N.html / dataproxy groups
            page = canonical(page)
            if page not in parsed:
                status, _, pbody, _ = fetch(page)
                assert status == 200, (page, status)
                parsed.add(page)
                queue.append((page, pbody, False))
        for link, tag in links:
            link = canonical(link)
            if urlsplit(link).path == "/hdrl/calendar.jsp" and link not in targets:
                calendar_pages += 1
                if calendar_pages > 5:                     # the endless calendar: a few months
                    continue
            t = targets.get(link)
            if t is not None:
                t["home"] |= is_home
                continue
            failure, tbody = check(link, fingerprint)
            targets[link] = {"tag": tag, "home": is_home, "failure": failure}
            if failure is None and urlsplit(link).netloc == host and \
                    kind_of(link, tag, host) == "page" and link not in parsed:
                parsed.add(link)
                queue.append((link, tbody, False))
    dead = {(u, kind_of(u, t["tag"], host), "home" if t["home"] else "other", t["failure"])
            for u, t in targets.items() if t["failure"]}
    return dead, parsed


@pytest.mark.parametrize("code", [s.code for s in live_sites()])
def test_own_crawl_finds_exactly_the_truth(farm, truth, code):
    site = farm.sites[code]
    dead, parsed = crawl(farm, site)
    expected = {(farm.abs_url(code, d["url"]), d["kind"], d["where"], d["failure"])
                for d in truth["sites"][code]["dead_links"]}
    assert sorted(dead) == sorted(expected)
    # every page the renderer made was reached (bar unlinked '…/index.html' aliases of a '…/' page)
    rendered = samplefarm.RENDERERS[site.style].render(site, farm.port).pages
    base = farm.base_url(code)
    missing = [k for k in rendered if canonical(urljoin(base, k)) not in parsed
               and not (k.endswith("/index.html") and k[:-len("index.html")] in rendered)]
    assert missing == []


# ---- (b) the truth recounted from the spec --------------------------------------------------------
def classify(name: str, meta_type: str) -> str | None:
    cats = config.load_yaml("taxonomy.yaml")["categories"]
    if meta_type:
        for cat, c in cats.items():
            if meta_type in c.get("column_types", []):
                return cat
    for cat, c in cats.items():
        if name in c.get("names", []):
            return cat
    for cat, c in cats.items():
        if any(k in name for k in c.get("keywords", [])):
            return cat
    return None


def category(site, col) -> str | None:
    """A channel page (a hub with blocks of two sub-columns or more) has none; else by name/meta."""
    if col.kind == "hub" and len(site.children(col)
                                 + [c for c in site.columns if c.kind == "hub" and c.group == col.name]) >= 2:
        return None
    return classify(col.name, col.meta_type)


def in_window(d: date | None, within: dict) -> bool:
    return d is not None and AS_OF - relativedelta(**within) <= d <= AS_OF


def eff_date(it, style: str) -> date | None:
    """The date a correct crawler resolves for an item shown with this list style."""
    if it.href:
        return it.date if style == "full" else None
    if style == "full":
        return it.date
    return it.date if (it.article != "none" or it.url_dated) else None


def reachable_columns(site) -> list:
    """Columns a correct crawler finds: nav entries, 更多 links, tab headings, the 网站地图, sidebars
    and channel-page blocks (transitively), and the ColumnName meta route: a homepage block without
    更多 still links its column's articles, whose <meta name="ColumnName"> and breadcrumb link name
    the column (only where site meta is drawn)."""
    found = [site.col(k) for k in site.nav if isinstance(k, str)]
    found += [site.col(b.col) for b in site.blocks if b.more or site.site_meta]
    found += [site.col(k) for keys, _ in site.tabs for k in keys] + [site.col(k) for k in site.sitemap]
    i = 0
    while i < len(found):
        for c in [c for c in common.group_cols(site, found[i]) if not c.hidden] + channel_blocks(site, found[i]):
            if c not in found:
                found.append(c)
        i += 1
    return list({c.path: c for c in found}.values())


def channel_blocks(site, col) -> list:
    """The columns a channel page's 更多 blocks lead to (hub children and channel pages below)."""
    return site.children(col) + render_trs.sub_channels(site, col) if col.kind == "hub" else []


def col_items(site, col):
    if col.kind == "hub":
        return [(it, "full") for c in channel_blocks(site, col) for it in c.items[:5]]
    return [(it, common.list_style(col, it)) for it in col.items]


def recount(site) -> dict:
    cols = reachable_columns(site)
    out = {"columns": []}
    stale = {"news": 0, "notice_policy": 0, "personnel_plan": 0}
    blank = uncharged = 0
    for c in cols:
        cat = category(site, c)
        is_blank = c.kind == "blank"
        uncharged += is_blank and cat not in LIMITS     # no update rule charged it already
        is_stale = cat in LIMITS and not any(in_window(eff_date(it, st), LIMITS[cat])
                                             for it, st in col_items(site, c))
        if is_stale:
            stale[GROUP[cat]] += 1
        blank += is_blank
        out["columns"].append({"url": c.path, "name": c.name, "category": cat, "stale": is_stale,
                               "blank": is_blank})
    home = {}
    for b in site.blocks:
        for it in site.col(b.col).items[:b.n]:
            home[common.item_href(it)] = eff_date(it, "full" if it.href else b.date_style)
    for keys, n in site.tabs:
        for it in (it for k in keys for it in site.col(k).items[:n]):
            home[common.item_href(it)] = eff_date(it, "full")
    # Headline, slides and ticker show no date: the article page or the URL dates them.
    for key, idx in site.focus + site.ticker + ([site.headline] if site.headline else []):
        it = site.col(key).items[idx]
        home.setdefault(common.item_href(it), eff_date(it, "none"))
    # A navigation-entry homepage: its second-level channel pages' blocks count too.
    for lk in site.entry:
        hub = next((c for c in site.columns if c.path == lk.href and c.kind == "hub"), None)
        for it, style in col_items(site, hub) if hub else ():
            home.setdefault(common.item_href(it), eff_date(it, style))
    hp = sum(1 for d in home.values() if in_window(d, {"days": 14}))
    dead = recount_dead(site)
    links = [d for d in dead if not d.get("online")]       # dead online systems count once, there
    n_home = sum(1 for d in links if d["where"] == "home" and d["kind"] != "attachment")
    n_other = sum(1 for d in links if d["where"] == "other" and d["kind"] != "attachment")
    n_att = sum(1 for d in links if d["kind"] == "attachment")
    n_online = sum(1 for d in dead if d.get("online"))
    n_guides = recount_guides(site, cols)
    n_serious = len(site.serious)
    n_misstated = sum("≈" in x for x in site.serious)
    total = sum(stale.values())
    talk, out["interaction"] = recount_interaction(site, cols)
    out["measurements"] = {
        **recount_availability(site), "homepage_updates_14d": hp, "stale_columns_news": stale["news"],
        "stale_columns_notice_policy": stale["notice_policy"],
        "stale_columns_personnel_plan": stale["personnel_plan"], "stale_columns_total": total,
        "blank_columns": blank, "dead_links_home": n_home, "dead_links_other": n_other,
        **talk, "guides_missing_elements": n_guides, "broken_attachments": n_att,
        "online_systems_down": n_online, "serious_errors": n_serious,
        # a misspelling reads "错写 ≈ 原词"; the rest are hacked pages, first seen, not yet reviewed
        "serious_misstatements": n_misstated, "hacked_pages": n_serious - n_misstated,
        "hacked_pages_unhandled": None if n_serious > n_misstated else 0,
        **recount_publishing(cols), "blank_columns_uncharged": uncharged,
        **{f"{cat}_columns": sum(classify(c.name, c.meta_type) == cat for c in cols)
           for cat in ("overview", "functions", "data")}, **recount_2019_stale(cols),
        **dict(zip(("site_search", "site_search_working", "site_search_categorised"),
                   {"": (0, None, None), "broken": (1, 0, None), "categorised": (1, 1, 1)}[site.search])),
        "personal_data_leaks": len(site.leaks), "personal_data_masked": len(site.masked),
        **recount_site_checks(site)}
    failed, probes = (out["measurements"][k] for k in ("availability_failures",
                                                       "availability_probes"))
    full_percent = 100 * failed // probes
    if failed * 20 >= probes:        # >= 5%: site_unreachable, and nothing else is scored
        out.update(vetoes=["site_unreachable"], deductions=[], score=None, qualified=False,
                   dead_links=dead)
        return out
    vetoes = []
    if hp == 0:
        vetoes.append("homepage_not_updated")
    if stale["news"] + stale["notice_policy"] >= 5 or total >= 10 or blank >= 5:
        vetoes.append("columns_not_updated")
    # serious errors wait for an official's review (待人工确认): never a veto until confirmed, and a
    # site that would otherwise pass is 待确认 (qualified None), not 合格
    if talk["unanswered_messages_over_3m"]:
        vetoes.append("poor_interaction")
    deductions = []
    if full_percent:
        deductions.append({"rule": "homepage_availability", "points": 5 * full_percent,
                           "count": full_percent})
    if n_home + n_other:
        deductions.append({"rule": "link_availability", "points": round(n_home + 0.1 * n_other, 1),
                           "count": n_home + n_other})
    if 0 < hp < 10:
        deductions.append({"rule": "homepage_updates", "points": 5, "count": 1})
    if total:
        points = 3 * stale["news"] + 4 * stale["notice_policy"] + 5 * stale["personnel_plan"]
        deductions.append({"rule": "basic_info", "points": points, "count": total})
    deductions += interaction_deductions(talk, site.site_type == "门户网站")
    if n_guides:
        deductions.append({"rule": "service_guides", "points": 2 * n_guides, "count": n_guides})
    if n_att:
        deductions.append({"rule": "attachments", "points": n_att, "count": n_att})
    if n_online:
        deductions.append({"rule": "online_systems", "points": 3 * n_online, "count": n_online})
    out["vetoes"] = vetoes
    out["deductions"] = deductions
    out["score"] = round(100 - sum(d["points"] for d in deductions), 2)
    out["qualified"] = not vetoes and out["score"] > 60
    if out["qualified"] and n_serious:
        out["qualified"] = None
    out["dead_links"] = dead
    return out


def recount_availability(site) -> dict:
    """The first samplefarm.PROBES requests for '/': the last fail_run of every fail_every fail."""
    every, run = site.fail_every, site.fail_run
    failed = spec.PROBES if site.down else sum(
        1 for h in range(spec.PROBES) if every and (h + site.fail_offset) % every >= every - run)
    return {"availability_probes": spec.PROBES, "availability_failures": failed}


def recount_interaction(site, cols) -> tuple[dict, dict | None]:
    """The seven interaction measurements and the reply-rate table, straight from the spec's
    message dates (DOMAIN.md definitions), and nothing from `indicators`."""
    year, limit = {"years": 1}, relativedelta(months=3)
    by_cat = {cat: [c for c in cols if category(site, c) == cat]
              for cat in ("consultation", "survey", "interview")}
    out = {"consultation_columns": len(by_cat["consultation"])}
    table = None
    if not by_cat["consultation"] or any(c.gate for c in by_cat["consultation"]):
        out["consultation_messages_1y"] = out["unanswered_messages_over_3m"] = None
        if by_cat["consultation"]:
            table = {"received": None, "replied": None, "reply_rate": None, "avg_reply_days": None,
                     "overdue": None, "unreadable": [c.path for c in by_cat["consultation"]]}
    else:
        msgs = [it for c in by_cat["consultation"] for it in c.items if in_window(it.date, year)]
        late = [it for it in msgs if (it.reply and it.reply > it.date + limit)
                or (not it.reply and it.state != "answered" and it.date + limit < AS_OF)]
        days = [(it.reply - it.date).days for it in msgs if it.reply]
        out["consultation_messages_1y"], out["unanswered_messages_over_3m"] = len(msgs), len(late)
        replied = sum(1 for it in msgs if it.reply or it.state == "answered")
        table = {"received": len(msgs), "replied": replied,
                 "reply_rate": round(replied / len(msgs), 4) if msgs else None,
                 "avg_reply_days": round(sum(days) / len(days), 1) if days else None,
                 "overdue": len(late), "unreadable": []}
    for cat, plural in (("survey", "surveys_1y"), ("interview", "interviews_1y")):
        out[f"{cat}_columns"] = len(by_cat[cat])
        out[plural] = (len({it.path for c in by_cat[cat] for it in c.items if in_window(it.date, year)})
                       if by_cat[cat] else None)
    return out, table


def recount_2019_stale(cols) -> dict:
    """The 2019 columns with nothing dated in the last year (概况信息, 机构职能) or 6 months (数据发布):
    their items' dates, or the 更新时间 a single page states; a page stating none is not judged."""
    out = {}
    for cat, within in (("overview", {"years": 1}), ("functions", {"years": 1}),
                        ("data", {"months": 6})):
        stale = 0
        for c in cols:
            if classify(c.name, c.meta_type) != cat:
                continue
            stated = re.search(r"更新时间：(\d{4}-\d{2}-\d{2})", c.text or "")
            dates = [it.date for it in c.items] + [date.fromisoformat(stated[1])] if stated \
                else [it.date for it in c.items]
            stale += bool(dates) and not any(in_window(d, within) for d in dates)
        out[f"{cat}_columns_stale"] = stale
    return out


def recount_publishing(cols) -> dict:
    """2019's publishing of messages: shown without 留言时间 or, answered, without 答复时间; how many
    messages and replies are dated in the 2 months before AS_OF (null without a readable board)."""
    boards = [c for c in cols if classify(c.name, c.meta_type) == "consultation"]
    if not boards or any(c.gate for c in boards):
        return {"messages_undated": None, "messages_published_2m": None}
    msgs = [it for c in boards for it in c.items]
    return {"messages_undated": sum(it.date is None or (it.state == "answered" and not it.reply)
                                    for it in msgs),
            "messages_published_2m": sum(in_window(it.date, {"months": 2})
                                         or in_window(it.reply, {"months": 2}) for it in msgs)}


def interaction_deductions(m: dict, portal: bool) -> list[dict]:
    """The census 咨询 / 调查征集 / 在线访谈 items written out by hand."""
    out = []
    few = 6 if portal else 3
    if m["consultation_columns"] == 0 or m["consultation_messages_1y"] == 0:
        out.append({"rule": "consultation", "points": 5, "count": 1})
    if m["survey_columns"] == 0 or m["surveys_1y"] == 0:
        out.append({"rule": "survey", "points": 5, "count": 1})
    elif m["surveys_1y"] < few:
        out.append({"rule": "survey", "points": 3, "count": 1})
    if m["interview_columns"] and m["interviews_1y"] == 0:
        out.append({"rule": "interview", "points": 5, "count": 1})
    elif m["interview_columns"] and m["interviews_1y"] < few:
        out.append({"rule": "interview", "points": 3, "count": 1})
    return out


def recount_dead(site) -> list[dict]:
    """Planted links → distinct dead targets, from the spec's own declarations."""
    online = {lk.href for lk in site.home_links if lk.online} | {
        lk.href for c in site.columns for it in c.items for lk in it.links if lk.online}
    occurrences = [(lk.href, lk.tag, True) for lk in site.home_links + site.entry]
    occurrences += [(lk.href, lk.tag, False) for lk in site.sitemap_dead]
    for b in site.blocks:
        occurrences += [(it.href, "a", True) for it in site.col(b.col).items[:b.n] if it.href]
    for c in site.columns:
        for links in c.page_links.values():
            occurrences += [(lk.href, lk.tag, False) for lk in links]
        occurrences += [(lk.href, lk.tag, False) for lk in c.static_links]
        for it in c.items:
            if it.href:
                occurrences.append((urljoin(c.dir, it.href), "a", False))
            occurrences += [(lk.href, lk.tag, False) for lk in it.links]
    served = set(samplefarm.RENDERERS[site.style].render(site, 0).pages) | set(site.files)
    targets: dict[str, dict] = {}
    for href, tag, home in occurrences:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        t = targets.setdefault(href, {"tag": tag, "home": False})
        t["home"] |= home
    out = []
    for href, t in targets.items():
        is_online = href in online
        path = href.split("?")[0]
        internal = href.startswith("/")
        if internal:
            kind = "attachment" if is_attachment(href) else (
                "image" if t["tag"] == "img" or path.endswith(IMAGES) else "page")
            sp = site.specials.get(path)
            if sp is not None:
                failure = {"404": "http", "410": "http", "500": "http", "soft404": "soft404",
                           "redirect404": "error_redirect", "slow": "timeout", "flaky503": None,
                           "system_error": "system_error",
                           "hang": "timeout", "redirect": "redirect"}[sp.kind]
            elif path in served or path.split(";")[0] in served:
                failure = None
            else:
                failure = "http" if site.unknown == "404" else "soft404"
        else:
            kind = "attachment" if is_attachment(href) else "external"
            if href.startswith("{ext}"):
                # the external host answers a path it knows whatever the query
                failure = None if href[len("{ext}"):].split("?")[0] in spec.EXT_PAGES else "http"
                href = f"http://{EXT_HOST}:{{port}}" + href[len("{ext}"):]
            elif href.startswith(REFUSED_URL) or href.startswith("http://127.0.1.7:"):
                failure = "refused"
            elif ".." in urlsplit(href).netloc:
                failure = "dns"
            else:
                failure = None
        if failure:
            out.append({"url": href, "kind": kind, "where": "home" if t["home"] else "other",
                        "failure": failure, **({"online": True} if is_online else {})})
    return out


def recount_guides(site, cols) -> int:
    """Element categories missing (absent, or only 无/暂无/blank) from at least one guide."""
    missing = set()
    for c in cols:
        if classify(c.name, c.meta_type) != "guide":
            continue
        for it in c.items:
            if it.guide is None:
                continue                      # the generated guide: all eight elements
            present = {el for _, el, value in it.guide if value.strip() not in ("", "无", "暂无")}
            missing |= set(ALL8) - present
    return len(missing)


@pytest.mark.parametrize("code", [s.code for s in spec.sites()])
def test_truth_equals_recount_from_spec(truth, code):
    site = {s.code: s for s in spec.sites()}[code]
    want = truth["sites"][code]
    assert want["name"] == site.name
    if site.down:
        avail = recount_availability(site)
        assert {k: want["measurements"][k] for k in avail} == avail
        assert {v for k, v in want["measurements"].items() if k not in avail} == {None}
        assert want["qualified"] is False and want["score"] is None
        assert want["vetoes"] == ["site_unreachable"]
        assert want["deductions"] == [] and want["dead_links"] == []
        assert want["interaction"] is None
        return
    got = recount(site)
    by_url = lambda rows: sorted(rows, key=lambda d: d["url"])   # noqa: E731
    assert got["measurements"] == want["measurements"]
    assert got["vetoes"] == want["vetoes"]
    assert got["deductions"] == want["deductions"]
    assert got["score"] == want["score"]
    assert got["qualified"] == want["qualified"]
    assert got["interaction"] == want["interaction"]
    assert by_url(got["columns"]) == by_url(want["columns"])
    assert by_url(got["dead_links"]) == by_url(want["dead_links"])
    # every spec column is reachable as nav / 更多 / sidebar / ColumnName-meta entry, and
    # categories match the spec
    assert {c.path for c in site.columns} == {c["url"] for c in got["columns"]}
    assert {c.path: c.category for c in site.columns} == {c["url"]: c["category"] for c in got["columns"]}


def test_truth_file_shape(truth):
    keys = ["availability_probes", "availability_failures", "homepage_updates_14d", "stale_columns_news", "stale_columns_notice_policy",
            "stale_columns_personnel_plan", "stale_columns_total", "blank_columns",
            "dead_links_home", "dead_links_other", "consultation_columns",
            "consultation_messages_1y", "unanswered_messages_over_3m", "survey_columns", "surveys_1y",
            "interview_columns", "interviews_1y", "guides_missing_elements", "broken_attachments",
            "online_systems_down", "serious_errors", "serious_misstatements", "hacked_pages",
            "hacked_pages_unhandled", "messages_undated", "messages_published_2m",
            "blank_columns_uncharged", "overview_columns", "functions_columns", "data_columns",
            "overview_columns_stale", "functions_columns_stale", "data_columns_stale",
            "site_search", "site_search_working", "site_search_categorised",
            "personal_data_leaks", "personal_data_masked", *SITE_CHECK_KEYS]
    assert str(truth["as_of"]) == str(AS_OF) == "2026-11-22"
    assert set(truth["sites"]) == {s.code for s in spec.sites()}
    for code, s in truth["sites"].items():
        assert list(s["measurements"]) == keys, code
    # the planted spread the farm promises
    t = truth["sites"]
    assert [c for c in t if "columns_not_updated" in t[c]["vetoes"]] == ["9901000001", "9901000012"]
    assert [c for c in t if "homepage_not_updated" in t[c]["vetoes"]] == ["9901230001", "9908000002"]
    assert [c for c in t if "site_unreachable" in t[c]["vetoes"]] == ["9901230015", "9924000002", "9906000001"]
    assert [c for c in t if "poor_interaction" in t[c]["vetoes"]] == ["9924000001", "9906000002", "9906000004"]
    assert [c for c in t if any(d["rule"] == "homepage_availability" for d in t[c]["deductions"])] \
        == ["9906000002"]
    assert 60 < t["9901000023"]["score"] < 90 and t["9901000023"]["qualified"] is True
    failures = {d["failure"] for s in t.values() for d in s["dead_links"]}
    assert failures == {"http", "refused", "dns", "timeout", "soft404", "error_redirect",
                        "system_error", "redirect"}


# ---- issue 19: identity marks, meta tags, HTTPS, accessibility ---------------------------------
SITE_CHECK_KEYS = ["identity_marks_missing", "meta_tags_home", "meta_tags_columns_pct",
                   "meta_tags_articles_pct", "https_served", "https_problems", "https_cert_days_left",
                   "elderly_version", "elderly_version_problems", "a11y_pages_checked",
                   "a11y_violations", "a11y_image_alt", "a11y_contrast", "a11y_form_labels",
                   "a11y_page_lang", "a11y_heading_order"]


def _articles_with_meta(cols) -> float:
    """The share (%) of article pages with ArticleTitle, PubDate and ContentSource: the dated items
    of columns drawn with article_meta, among every article (0.0 where no column has them, as no
    other farm template writes all three)."""
    articles = [it for c in cols for it in c.items if not it.href]
    full = [it for c in cols if c.article_meta for it in c.items if not it.href and it.date]
    return round(100 * len(full) / len(articles), 1) if full else 0.0


def recount_site_checks(site) -> dict:
    """Every farm footer carries the marks but what the site leaves out (and a copied 网站标识码),
    and no site is on a .gov.cn name (loopback addresses); ColumnName comes with the site's meta
    tags, ColumnType only where a column sets one; ContentSource only where a column draws its
    articles with article_meta. Every site has
    one HTTPS problem: plain HTTP only (未提供 HTTPS 访问), or its one planted certificate fault
    (site.tls), whose days left it states. The demo runs no browser check (null, 未检测) and no
    site has a 关怀版 entry (the TRS sites' 无障碍浏览 link goes nowhere: href="#")."""
    cols = reachable_columns(site)
    complete = sum(site.site_meta and bool(c.meta_type) for c in cols)
    return {"identity_marks_missing": 1 + len(site.marks_left_out) + bool(site.footer_code),
            "meta_tags_home": int(site.site_meta),
            "meta_tags_columns_pct": round(100 * complete / len(cols), 1) if cols else None,
            "meta_tags_articles_pct": _articles_with_meta(cols), "https_served": int(bool(site.tls)), "https_problems": 1,
            "https_cert_days_left": site.tls_days if site.tls else None,
            "elderly_version": 0, **dict.fromkeys(SITE_CHECK_KEYS[SITE_CHECK_KEYS.index("elderly_version_problems"):])}


def test_a11y_check_truth_recounted_from_the_planted_markup(truth):
    """truth_https.yaml's a11y_check (what the browser check finds when it runs): three pages (the
    homepage, a column, an article), none declaring its language; on the homepage every planted
    <img> lacks alt and every planted text field its label."""
    for site in spec.sites():
        want = truth["sites"][site.code].get("a11y_check")
        if want is None:
            continue
        images = len(re.findall(r"<img(?![^>]*\balt=)", site.home_html))
        fields = len(re.findall(r'<input type="text"', site.home_html))
        pages = 3
        assert want == {"a11y_pages_checked": pages, "a11y_violations": images + fields + pages,
                        "a11y_image_alt": images, "a11y_contrast": 0, "a11y_form_labels": fields,
                        "a11y_page_lang": pages, "a11y_heading_order": 0}, site.code
    assert [c for c, t in truth["sites"].items() if t.get("a11y_check", {}).get("a11y_image_alt")] \
        == ["9910000081"]

