"""Indicator engine on hand-built observations: every window edge and counting rule."""
from __future__ import annotations

from datetime import date

import pytest

from indicators import measure, measurement_keys
from indicators.observations import Column, Item, LinkCheck, SiteObservations
from indicators.windows import describe, in_window, window_start

AS_OF = date(2026, 11, 22)
HOME = "http://www.example.gov.cn/"


def site(**kw) -> SiteObservations:
    return SiteObservations(site_code="1100000001", home_url=HOME, reachable=True, **kw)


def item(url: str, d: date | None, pinned: bool = False) -> Item:
    return Item(title=url.rsplit("/", 1)[-1], url=HOME + url, date=d, pinned=pinned)


def col(name: str, category: str | None, *items: Item, blank: bool = False) -> Column:
    return Column(url=HOME + name + "/", name=name, category=category, blank=blank,
                  items=list(items))


# ---- windows -------------------------------------------------------------------------------
@pytest.mark.parametrize("within, inside, outside", [
    ({"days": 14}, date(2026, 11, 8), date(2026, 11, 7)),
    ({"months": 6}, date(2026, 5, 22), date(2026, 5, 21)),
    ({"years": 1}, date(2025, 11, 22), date(2025, 11, 21)),
])
def test_window_edges_are_inclusive_calendar_arithmetic(within, inside, outside):
    assert window_start(AS_OF, within) == inside
    assert in_window(inside, AS_OF, within) is True
    assert in_window(outside, AS_OF, within) is False
    assert in_window(AS_OF, AS_OF, within) is True


def test_future_and_undated_are_outside():
    assert in_window(date(2026, 11, 23), AS_OF, {"days": 14}) is False
    assert in_window(None, AS_OF, {"days": 14}) is False


def test_month_end_clamps():
    assert window_start(date(2026, 8, 31), {"months": 6}) == date(2026, 2, 28)


def test_describe_and_bad_window():
    assert describe({"months": 6}) == "6 个月"
    assert describe({"days": 14}) == "14 天"
    with pytest.raises(ValueError):
        describe({"fortnights": 1})


# ---- homepage ------------------------------------------------------------------------------
def test_homepage_counts_distinct_urls_in_window():
    obs = site(home_items=[
        item("a.html", date(2026, 11, 8)),    # as_of - 14: inside
        item("a.html", date(2026, 11, 8)),    # same URL again (two homepage blocks)
        item("b.html", date(2026, 11, 22)),   # as_of itself
        item("c.html", date(2026, 11, 7)),    # as_of - 15: outside
        item("d.html", date(2026, 11, 30)),   # future: outside
        item("e.html", None),                 # undated: not updated
    ])
    m, findings = measure(obs, AS_OF)
    assert m["homepage_updates_14d"] == 2
    home = [f for f in findings if f.kind == "homepage_updates"]
    assert len(home) == 1
    assert home[0].measure == "homepage_updates_14d"
    assert home[0].url == HOME
    assert home[0].evidence == "首页近 14 天更新 2 条，最近一条 2026-11-22"


def test_homepage_finding_always_present_when_no_update():
    obs = site(home_items=[item("old.html", date(2026, 9, 30)), item("f.html", date(2027, 1, 1))])
    m, findings = measure(obs, AS_OF)
    assert m["homepage_updates_14d"] == 0
    assert [f.evidence for f in findings if f.kind == "homepage_updates"] == [
        "首页近 14 天无更新，最近一条 2026-09-30"]


def test_homepage_undated_only():
    m, findings = measure(site(home_items=[item("x.html", None)]), AS_OF)
    assert m["homepage_updates_14d"] == 0
    assert findings[0].evidence == "首页信息均无发布日期"


# ---- columns -------------------------------------------------------------------------------
def test_news_column_edges():
    inside = col("gzdt", "news", item("n1.html", date(2026, 11, 8)))
    outside = col("xzdt", "news", item("n2.html", date(2026, 11, 7)))
    m, findings = measure(site(columns=[inside, outside]), AS_OF)
    assert m["stale_columns_news"] == 1
    stale = [f for f in findings if f.kind == "stale_column"]
    assert [(f.url, f.title, f.measure) for f in stale] == [
        (HOME + "xzdt/", "xzdt", "stale_columns_news")]
    assert stale[0].evidence == "最近更新 2026-11-07，超过 14 天未更新"


def test_six_month_and_one_year_edges():
    cols = [
        col("tzgg", "notice", item("1.html", date(2026, 5, 22))),     # inside
        col("zcwj", "policy", item("2.html", date(2026, 5, 21))),     # outside
        col("rsxx", "personnel", item("3.html", date(2025, 11, 22))),  # inside
        col("ghjh", "plan", item("4.html", date(2025, 11, 21))),       # outside
    ]
    m, findings = measure(site(columns=cols), AS_OF)
    assert (m["stale_columns_notice_policy"], m["stale_columns_personnel_plan"]) == (1, 1)
    assert m["stale_columns_total"] == 2
    ev = {f.title: f.evidence for f in findings if f.kind == "stale_column"}
    assert ev == {"zcwj": "最近更新 2026-05-21，超过 6 个月未更新",
                  "ghjh": "最近更新 2025-11-21，超过 1 年未更新"}


def test_pinned_old_item_above_fresh_one_does_not_matter():
    c = col("gzdt", "news", item("top.html", date(2020, 1, 1), pinned=True),
            item("new.html", date(2026, 11, 20)))
    m, _ = measure(site(columns=[c]), AS_OF)
    assert m["stale_columns_news"] == 0


def test_future_only_column_is_stale():
    c = col("gzdt", "news", item("f.html", date(2026, 12, 1)))
    m, findings = measure(site(columns=[c]), AS_OF)
    assert m["stale_columns_news"] == 1
    assert findings[1].evidence == "栏目内信息的发布日期均晚于监测时点 2026-11-22"


def test_undated_only_column_is_stale():
    c = col("tzgg", "notice", item("a.html", None), item("b.html", None))
    m, findings = measure(site(columns=[c]), AS_OF)
    assert m["stale_columns_notice_policy"] == 1
    assert m["blank_columns"] == 0
    assert [f.evidence for f in findings if f.kind == "stale_column"] == ["栏目内信息均无发布日期"]


def test_blank_columns_every_category_and_stale_when_judged():
    cols = [col("gzdt", "news", blank=True),        # stale AND blank
            col("jggk", "static", blank=True),      # blank only (static has no limit)
            col("qita", None, blank=True),          # uncategorised blank column
            col("ldxx", "consultation", blank=True)]
    m, findings = measure(site(columns=cols), AS_OF)
    assert m["blank_columns"] == 4
    assert m["stale_columns_news"] == 1 and m["stale_columns_total"] == 1
    blank = [(f.title, f.measure, f.evidence) for f in findings if f.kind == "blank_column"]
    assert blank == [("gzdt", "blank_columns", "空白栏目"), ("jggk", "blank_columns", "空白栏目"),
                     ("qita", "blank_columns", "空白栏目"), ("ldxx", "blank_columns", "空白栏目")]
    assert [f.evidence for f in findings if f.kind == "stale_column"] == ["空白栏目"]


def test_unjudged_categories_and_duplicate_column_pages():
    old = item("o.html", date(2000, 1, 1))
    cols = [col("ldxx", "consultation", old), col("qita", None, old),
            col("gzdt", "news", old), col("gzdt", "news", old)]   # same column page twice
    m, _ = measure(site(columns=cols), AS_OF)
    assert m["stale_columns_news"] == 1 and m["stale_columns_total"] == 1


# ---- links ---------------------------------------------------------------------------------
def test_dead_links_distinct_home_other_attachment():
    links = [
        LinkCheck(url=HOME + "gone.html", kind="page", ok=False, status=404, failure="http",
                  detail="HTTP 404", on_home=True, sources=[HOME]),
        LinkCheck(url=HOME + "gone.html", kind="page", ok=False, status=404, failure="http",
                  detail="HTTP 404", on_home=False, sources=[HOME + "a/1.html"]),
        LinkCheck(url="http://other.example.cn/x", kind="external", ok=False, failure="dns",
                  detail="域名无法解析", sources=[HOME + "a/1.html", HOME + "a/2.html"]),
        LinkCheck(url=HOME + "img/x.png", kind="image", ok=False, failure="timeout",
                  detail="连接超时", sources=[HOME + "b.html"]),
        LinkCheck(url=HOME + "f/form.doc", kind="attachment", ok=False, status=404,
                  failure="http", detail="HTTP 404", on_home=True, sources=[HOME]),
        LinkCheck(url=HOME + "ok.html", kind="page", ok=True, status=200, on_home=True),
    ]
    m, findings = measure(site(links=links), AS_OF)
    assert (m["dead_links_home"], m["dead_links_other"], m["broken_attachments"]) == (1, 2, 1)
    dead = [(f.kind, f.measure, f.url, f.source_url, f.evidence) for f in findings
            if f.kind in ("dead_link", "broken_attachment")]
    assert dead == [
        ("dead_link", "dead_links_home", HOME + "gone.html", HOME, "HTTP 404"),
        ("dead_link", "dead_links_other", "http://other.example.cn/x", HOME + "a/1.html",
         "域名无法解析"),
        ("dead_link", "dead_links_other", HOME + "img/x.png", HOME + "b.html", "连接超时"),
        ("broken_attachment", "broken_attachments", HOME + "f/form.doc", HOME, "HTTP 404"),
    ]


def test_dead_link_evidence_fallback():
    links = [LinkCheck(url=HOME + "x", kind="page", ok=False, failure="refused")]
    _, findings = measure(site(links=links), AS_OF)
    assert [f.evidence for f in findings if f.kind == "dead_link"] == ["连接被拒绝"]


# ---- composition ---------------------------------------------------------------------------
def test_keys_exact_and_order():
    m, _ = measure(site(), AS_OF)
    assert list(m) == ["availability_probes", "availability_failures",
                       "homepage_updates_14d", "stale_columns_news", "stale_columns_notice_policy",
                       "stale_columns_personnel_plan", "stale_columns_total", "blank_columns",
                       "dead_links_home", "dead_links_other", "consultation_columns",
                       "consultation_messages_1y", "unanswered_messages_over_3m", "survey_columns",
                       "surveys_1y", "interview_columns", "interviews_1y", "guides_missing_elements",
                       "broken_attachments", "online_systems_down", "serious_errors",
                       "serious_misstatements", "hacked_pages", "hacked_pages_unhandled", "messages_undated",
    "messages_published_2m", "blank_columns_uncharged", "overview_columns", "functions_columns",
    "data_columns", "overview_columns_stale", "functions_columns_stale", "data_columns_stale",
    "site_search", "site_search_working", "site_search_categorised", "personal_data_leaks",
    "personal_data_masked",
    "identity_marks_missing", "meta_tags_home", "meta_tags_columns_pct", "meta_tags_articles_pct", "https_served", "https_problems",
    "https_cert_days_left", "elderly_version", "elderly_version_problems", "a11y_pages_checked", "a11y_violations",
    "a11y_image_alt", "a11y_contrast", "a11y_form_labels", "a11y_page_lang", "a11y_heading_order"]
    assert list(m) == measurement_keys()
    # no probe in the window: availability not measured (None); no interaction column: its
    # *_1y counts are None; everything else counted
    unmeasured = ("availability_probes", "availability_failures", "consultation_messages_1y",
                  "unanswered_messages_over_3m", "surveys_1y", "interviews_1y", "messages_undated",
                  "messages_published_2m", "site_search_working", "site_search_categorised")
    assert [m.pop(k) for k in unmeasured] == [None] * 10
    # issue 19 on a bare site (a .gov.cn host): the five marks a homepage page shows are missing,
    # no page of any kind to read meta tags from, no HTTPS or browser check made
    assert {k: m.pop(k) for k in [k for k in m if k.startswith(("identity", "meta_tags", "https",
                                                                "elderly", "a11y"))]} == {
        "identity_marks_missing": 5, "meta_tags_home": None, "meta_tags_columns_pct": None,
        "meta_tags_articles_pct": None, "https_served": None, "https_problems": None, "https_cert_days_left": None,
        "elderly_version": 0, "elderly_version_problems": None, "a11y_pages_checked": None,
        "a11y_violations": None, "a11y_image_alt": None, "a11y_contrast": None,
        "a11y_form_labels": None, "a11y_page_lang": None, "a11y_heading_order": None}
    assert set(m.values()) == {0}


def test_unreachable_site_all_none_no_findings():
    obs = SiteObservations(site_code="x", home_url=HOME, reachable=False,
                           home_items=[item("a.html", AS_OF)],
                           columns=[col("gzdt", "news", blank=True)],
                           links=[LinkCheck(url=HOME + "x", kind="page", ok=False)])
    m, findings = measure(obs, AS_OF)
    assert m == dict.fromkeys(measurement_keys())
    assert findings == []


def test_explicit_taxonomy_is_used():
    taxonomy = {"categories": {"news": {"update_within": {"days": 30}}},
                "groups": {"news": ["news"]}, "windows": {"homepage_updates": {"days": 30},
                                                          "interaction_year": {"years": 1},
                                                          "reply_limit": {"months": 3}}}
    obs = site(home_items=[item("a.html", date(2026, 10, 23))],
               columns=[col("gzdt", "news", item("b.html", date(2026, 10, 23)))])
    m, findings = measure(obs, AS_OF, taxonomy)
    assert m["homepage_updates_14d"] == 1 and m["stale_columns_news"] == 0
    assert "stale_columns_notice_policy" not in m
    assert findings[0].evidence == "首页近 30 天更新 1 条，最近一条 2026-10-23"


def test_blank_columns_no_update_rule_charged():
    """A blank news column is already a stale column (basic_info); a blank 机构概况 or uncategorised
    one is not: only those count in blank_columns_uncharged (2019: 不在本指标项下重复扣分), and their
    findings say so, so the rule reading that count shows them."""
    obs = site(columns=[col("gzdt", "news", blank=True), col("jggk", "static", blank=True),
                        col("qt", None, blank=True), col("tzgg", "notice", item("a.html", AS_OF))])
    m, findings = measure(obs, AS_OF)
    assert (m["blank_columns"], m["stale_columns_news"], m["blank_columns_uncharged"]) == (3, 1, 2)
    blank = {f.url.rsplit("/", 2)[-2]: f.counts_in for f in findings if f.kind == "blank_column"}
    assert blank == {"gzdt": [], "jggk": ["blank_columns_uncharged"], "qt": ["blank_columns_uncharged"]}


# ---- 2019 columns: presence and freshness (issue 22 item 8) --------------------------------------
def test_2019_columns_stale_by_items_or_the_date_their_page_states():
    from indicators.observations import PageText
    from indicators.presence import column_presence
    import config
    taxonomy = config.load_yaml("taxonomy.yaml")
    cols = [col("县情概况", "overview"), col("机构职能", "functions"), col("机构设置", "functions"),
            col("统计数据", "data", item("tj/1.html", date(2026, 5, 21)), item("tj/2.html", None)),
            col("统计公报", "data", item("gb/1.html", None))]
    pages = {HOME + "县情概况/": PageText(text="全县辖 8 个镇。更新时间：2025-11-22"),
             HOME + "机构职能/": PageText(text="负责……。更新日期：2025年11月21日"),
             HOME + "机构设置/": PageText(text="内设机构：办公室、法规科。")}    # no date: not judged
    values, findings = column_presence(site(columns=cols, pages=pages), taxonomy, AS_OF)
    assert values == {"overview_columns": 1, "overview_columns_stale": 0,
                      "functions_columns": 2, "functions_columns_stale": 1,
                      "data_columns": 2, "data_columns_stale": 2}
    assert [(f.measure, f.title, f.evidence) for f in findings] == [
        ("functions_columns_stale", "机构职能", "最近更新 2025-11-21，超过 1 年未更新"),
        ("data_columns_stale", "统计数据", "最近更新 2026-05-21，超过 6 个月未更新"),
        ("data_columns_stale", "统计公报", "栏目内信息均无发布日期")]
