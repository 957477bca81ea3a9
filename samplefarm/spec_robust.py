"""A sample site with pages that fight the crawler (issue 10, robustness). Truth: truth_robust.yaml
(hand-written). Host 127.0.1.40.

  (40) A small TRS department site whose homepage links three planted traps besides its columns:
       /zt/live.html   answers 200 and the start of a page, then never sends the rest;
       /r/0.html       a chain of 30 redirects (/r/1.html … /r/29.html, then the homepage),
                       more than a browser follows (20);
       /loop/a.html    redirects to /loop/b.html, which redirects back.
       Each is a dead link on the homepage; the rest of the site is healthy.
"""
from __future__ import annotations

from samplefarm.model import Block, Col, Link, Site, Special
from samplefarm.spec import Maker

CHAIN = 30


def _traps() -> Site:
    m = Maker("江北市档案局", "江北市档案局")
    cols = [
        Col("gzdt", "工作动态", "/gzdt/", "news", items=m.run("news", "2026-11-20", 12, 2), nav=True),
        Col("tzgg", "通知公告", "/tzgg/", "notice", items=m.run("notice", "2026-10-30", 6, 10),
            nav=True),
    ]
    specials = {"/zt/live.html": Special("hang"),
                "/loop/a.html": Special("redirect", "/loop/b.html"),
                "/loop/b.html": Special("redirect", "/loop/a.html")}
    specials.update({f"/r/{i}.html": Special("redirect", f"/r/{i + 1}.html" if i + 1 < CHAIN else "/")
                     for i in range(CHAIN)})
    return Site(
        code="9910000040", name="江北市档案局", place="江北市档案局", org="江北市档案局",
        level="地市级", region="华阳省江北市", site_type="部门网站", host=40,
        domain="daj.jiangbei.gov.cn", style="trs", date_fmt="iso", columns=cols,
        nav=["gzdt", "tzgg"], blocks=[Block("gzdt", 8), Block("tzgg", 5)],
        home_links=[Link("/zt/live.html", "专题直播"), Link("/r/0.html", "档案查询"),
                    Link("/loop/a.html", "网上展厅")],
        specials=specials,
        uid_base=4000000,
    ).build()


SITES = [_traps]
