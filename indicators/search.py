"""Site search (站内搜索, the 2019 inspection as Beijing's 2019 Q4 notice applies it): whether the
homepage offers a whole-site search, whether a test query gets a results page that leads back into
the site, and whether the results are grouped by category.

site_search: 1 when the homepage has a search box, else 0. site_search_working: 1 when the test
query's answer lists results, 0 when it errs, finds nothing or is no page; None without a box.
site_search_categorised: 1 when the results page shows category tabs, else 0; None unless the
search works.
"""
from __future__ import annotations

from indicators.findings import Finding
from indicators.observations import SiteObservations

KEYS = ("site_search", "site_search_working", "site_search_categorised")


def site_search(obs: SiteObservations) -> tuple[dict, list[Finding]]:
    s = obs.search
    if s is None:
        return dict(zip(KEYS, (0, None, None))), [Finding(
            kind="no_site_search", measure="site_search", url=obs.home_url, title="站内搜索",
            evidence="首页未提供全站搜索功能（未发现搜索框）")]
    tried = f"以“{s.query}”检索"
    if s.failure or not s.result_links:
        why = s.failure or "结果页没有指向本站的结果"
        return dict(zip(KEYS, (1, 0, None))), [Finding(
            kind="search_broken", measure="site_search_working", url=s.url, title="站内搜索",
            evidence=f"{tried}未返回结果页：{why}")]
    if not s.categories:
        return dict(zip(KEYS, (1, 1, 0))), [Finding(
            kind="search_uncategorised", measure="site_search_categorised", url=s.url,
            title="站内搜索", evidence=f"{tried}得到 {s.result_links} 条本站结果，但结果未按栏目分类")]
    return dict(zip(KEYS, (1, 1, 1))), []
