"""The web pages' store reads on a real SQLite file and a real PostgreSQL database: who sees which
sites (a region covers the regions under it, and nothing that merely shares its first characters),
accounts replaced by name, one session key per store, each site's newest verdict."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

import store
from store import pages, users
from store.sites import upsert_sites

SITES = [("9901230001", "华阳省江北市清河县"), ("9901230101", "华阳省江北市清河县"),
         ("9905000001", "华阳省江北市白沙县"), ("9901000001", "华阳省江北市"),
         ("9909000001", "华阳省江北市清河县南"), ("9909000002", "华阳省江北%")]


def _store(db_url):
    engine = store.connect(db_url)
    upsert_sites(engine, [{"code": c, "name": f"网站{c}", "home_url": f"http://127.0.1.1/{c}/",
                           "region": r, "level": "县级", "site_type": "门户网站", "sponsor": ""}
                          for c, r in SITES], update=["region"])
    return engine


def test_accounts_see_their_regions_and_sites(db_url):
    engine = _store(db_url)
    users.save_user(engine, "省办", "h1", "office")
    users.save_user(engine, "清河县", "h2", "county", regions=["华阳省江北市清河县"])
    users.save_user(engine, "江北市", "h3", "county", regions=["华阳省江北市"], site_codes=[])
    users.save_user(engine, "教育局", "h4", "county", site_codes=["9905000001"])
    users.save_user(engine, "百分号", "h5", "county", regions=["华阳省江北%"])

    def seen(name):
        return [s.code for s in users.visible_sites(engine, users.get_user(engine, name))]
    assert seen("省办") == sorted(c for c, _ in SITES)
    # a region covers every 所属地区 that begins with it, as the register writes them (省市县 run
    # together): an office names a county's region in full, so 清河县南 would need its own account
    assert seen("清河县") == ["9901230001", "9901230101", "9909000001"]
    assert seen("江北市") == ["9901000001", "9901230001", "9901230101", "9905000001", "9909000001"]
    assert seen("教育局") == ["9905000001"]
    assert seen("百分号") == ["9909000002"]        # % is a character, not a wildcard
    county = users.get_user(engine, "清河县")
    assert users.visible_site(engine, county, "9901230001").code == "9901230001"
    assert users.visible_site(engine, county, "9905000001") is None
    assert users.visible_site(engine, users.get_user(engine, "省办"), "9905000001") is not None
    users.save_user(engine, "清河县", "h9", "county", regions=["华阳省江北市白沙县"])
    assert users.get_user(engine, "清河县").password_hash == "h9"
    assert seen("清河县") == ["9905000001"]
    assert [u.name for u in users.list_users(engine)] == sorted(["省办", "清河县", "江北市", "教育局", "百分号"])


def test_one_session_key_per_store(db_url):
    engine = _store(db_url)
    key = users.session_secret(engine)
    assert len(key) >= 60 and users.session_secret(store.connect(db_url)) == key


def test_latest_verdicts_are_each_sites_newest(db_url):
    engine = _store(db_url)
    run = store.CrawlRun(site_codes=[], settings={}, status="done")
    with Session(engine) as s:
        s.add(run)
        s.flush()
        first = store.ScoreRun(crawl_run_id=run.id, as_of=date(2026, 11, 22), ruleset="census-2015")
        second = store.ScoreRun(crawl_run_id=run.id, as_of=date(2026, 12, 22), ruleset="census-2015")
        s.add_all([first, second])
        s.flush()
        for sr, code, score in ((first, "9901230001", 52.5), (first, "9905000001", 80.0),
                                (second, "9901230001", 71.0)):
            s.add(store.VerdictRow(score_run_id=sr.id, site_code=code, qualified=score > 60,
                                   score=score, rank=1, vetoes=[], deductions=[], measurements={},
                                   findings=[]))
        s.add(store.VerdictDetail(score_run_id=second.id, site_code="9901230001",
                                  details={"awaiting": ["serious_error"]}))
        s.commit()
        ids = first.id, second.id
    got = pages.latest_verdicts(engine, ["9901230001", "9905000001", "9901000001"])
    assert {c: (sr.id, v.score, d) for c, (sr, v, d) in got.items()} == {
        "9901230001": (ids[1], 71.0, {"awaiting": ["serious_error"]}),
        "9905000001": (ids[0], 80.0, {})}
    assert [sr.id for sr, _, _ in pages.site_verdicts(engine, "9901230001")] == [ids[1], ids[0]]
    with_findings = pages.latest_verdicts(engine, ["9901230001"], findings=True)["9901230001"][1]
    assert with_findings.findings == []
