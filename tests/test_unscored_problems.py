"""What a site must fix beyond what is scored (issue 24, items 4 and 5): an unreachable site the crawl
reached keeps its one veto, and the rules that hold besides are told (Verdict.also, listed in the
notice); an answered message whose reply date no fetched page gave is said to be unverified."""
from __future__ import annotations

from datetime import date

import config
from indicators import measurement_keys
from indicators.interaction import interaction
from indicators.observations import Column, Item, Message, PageText, SiteObservations
from scoring import assess, load_ruleset

CENSUS = load_ruleset("census-2015")


def test_exclusive_veto_keeps_the_verdict_and_tells_the_rest():
    measured = dict.fromkeys(measurement_keys(), 0)
    measured.update(availability_probes=40, availability_failures=12, homepage_updates_14d=7,
                    stale_columns_notice_policy=1, stale_columns_total=1, dead_links_home=2,
                    consultation_messages_1y=None, unanswered_messages_over_3m=None,
                    surveys_1y=None, interviews_1y=None)
    a = assess(measured, CENSUS, is_portal=True)
    v = a.verdict
    assert (v.vetoes, v.deductions, v.score, v.qualified) == (["site_unreachable"], [], None, False)
    # homepage_availability reads the same probes as the veto: not told twice
    assert v.also == ["link_availability", "homepage_updates", "basic_info", "consultation", "survey"]
    assert "also" in v.details() and v.details()["also"] == v.also
    # not crawled: nothing else is known, nothing else is told
    down = dict.fromkeys(measurement_keys())
    down.update(availability_probes=40, availability_failures=40)
    assert assess(down, CENSUS).verdict.also == []


def _board(pages: dict) -> SiteObservations:
    url = "http://127.0.1.70/hdjl/ldxx/"
    items = [Item("咨询医保政策", url + "a.html", date(2026, 3, 2)),
             Item("反映道路积水", url + "b.html", date(2026, 10, 8))]
    msgs = {url + "a.html": Message(url + "a.html", "咨询医保政策", date(2026, 3, 2), None, "answered"),
            url + "b.html": Message(url + "b.html", "反映道路积水", date(2026, 10, 8),
                                    date(2026, 10, 12), "answered")}
    col = Column(url=url, name="领导信箱", category="consultation", items=items, messages=msgs)
    return SiteObservations(site_code="9924000001", home_url="http://127.0.1.70/", reachable=True,
                            columns=[col], pages=pages)


def test_answered_without_a_reply_date_and_no_letter_page_is_said_unverified():
    taxonomy = config.load_yaml("taxonomy.yaml")
    values, findings, _ = interaction(_board({}), date(2026, 11, 22), taxonomy)
    assert values["unanswered_messages_over_3m"] == 0
    unread = [f for f in findings if f.kind == "unread_letter"]
    assert [(f.url, f.title, f.evidence) for f in unread] == [(
        "http://127.0.1.70/hdjl/ldxx/", "咨询医保政策",
        "1 条留言列表显示已回复但无回复时间，来信页未能抓取（页面预算用尽或来信页无法打开），"
        "无法核实是否超期回复")]
    # the letter page was fetched (and gave no date): nothing more to say
    _, findings, _ = interaction(_board({"http://127.0.1.70/hdjl/ldxx/a.html": PageText()}),
                                 date(2026, 11, 22), taxonomy)
    assert not [f for f in findings if f.kind == "unread_letter"]
