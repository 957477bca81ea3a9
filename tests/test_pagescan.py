"""The kept page scans (indicators.pagescan, store.pagescans, govaudit.measuring): a page whose stored
text record was scanned by the same scanners is not scanned again and gives the same findings; a
changed record or changed scanners (a --terms term) is scanned anew; what depends on the as-of date
is not kept. On SQLite and PostgreSQL, measured in forked children and in this process."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

import config
import store
from govaudit.measuring import Job, Measured, measure_sites, scanner_fingerprint
from indicators import personal
from indicators.assemble import probe_window
from indicators.measure import TextChecks
from indicators.personal import id_check_digit
from indicators.spam import SpamScanner
from indicators.termscan import TermScanner
from store import runs
from store.schema import PageContent, PageScanRow, pack_text

AS_OF = date(2026, 11, 22)
BORN_LATER = "11010520261201002"          # an ID number of a child born after AS_OF
BORN_LATER += id_check_digit(BORN_LATER)
HOME = {"title": "白石县人民政府", "text": "学习中华人民共合国宪法。联系人手机 13812345678，"
        f"另一人 139****5678。新生儿登记 {BORN_LATER}。"}
HACKED = {"title": "澳门新葡京娱乐城-百家乐-真人视讯", "text": "正常内容"}
PLAIN = {"title": "通知公告", "text": "白石线召开常务会议。"}


def _site(engine, run_id: int, code: str, pages: dict[str, dict]) -> None:
    home = f"http://{code}.gov.cn/"
    with engine.begin() as conn:
        sc = conn.execute(store.SiteCrawl.__table__.insert().values(
            run_id=run_id, site_code=code, home_url=home, status="ok", pages=len(pages))
        ).inserted_primary_key[0]
        conn.execute(PageContent.__table__.insert(), [
            {"site_crawl_id": sc, "url": home + path, "data": pack_text(data)}
            for path, data in pages.items()])


@pytest.fixture
def engine(db_url):
    engine = store.connect(db_url)
    run = runs.new_crawl_run(engine, ["a", "b"], {})
    _site(engine, run.id, "a", {"": HOME, "hacked.html": HACKED, "plain.html": PLAIN})
    _site(engine, run.id, "b", {"": PLAIN})
    yield engine
    engine.dispose()


def _measure(engine, workers: int, checks: TextChecks | None = None, as_of: date = AS_OF) -> list:
    checks = checks or TextChecks.build()
    crawls = runs.site_crawls(engine, runs.crawl_runs(engine)[-1].id)
    job = Job(as_of, config.load_yaml("taxonomy.yaml"), None, checks, {}, probe_window(as_of, None),
              scanner_fingerprint(checks))
    results = list(measure_sites(engine, crawls, [False] * len(crawls), job, workers))
    assert all(isinstance(r, Measured) for r in results), results
    return results


def _scan_findings(results) -> list[tuple]:
    return [(f.kind, f.url, f.term) for r in results for f in r.findings
            if f.kind in ("misspelt_term", "hacked_page", "personal_data_leak")]


def _kept(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(PageScanRow)).scalar()


FOUND = [("misspelt_term", "http://a.gov.cn/", "中华人民共合国"),
         ("hacked_page", "http://a.gov.cn/hacked.html", "澳门新葡京"),
         ("personal_data_leak", "http://a.gov.cn/", "手机号码 138****5678")]


@pytest.fixture
def counted(monkeypatch):
    """The scanners, counting their calls (pages scanned) or failing when `fail` is set."""
    calls = {"terms": 0, "spam": 0, "numbers": 0, "fail": False}

    def wrap(owner, name, key):
        real = getattr(owner, name)

        def counting(*args, **kwargs):
            if calls["fail"]:
                raise AssertionError(f"{name} called on a kept page")
            calls[key] += 1
            return real(*args, **kwargs)
        monkeypatch.setattr(owner, name, counting)
    wrap(TermScanner, "scan", "terms")
    wrap(SpamScanner, "page_hits", "spam")
    wrap(personal, "numbers_in", "numbers")
    return calls


def test_a_kept_scan_is_used_and_gives_the_same_findings(engine, counted):
    first = _measure(engine, workers=2)            # forked children scan, this process keeps
    assert _scan_findings(first) == FOUND
    assert counted["spam"] == 0                    # the children counted, not this process
    assert _kept(engine) == 3                      # 4 pages, 3 distinct records
    counted["fail"] = True                         # a scanner called now fails the site
    again = _measure(engine, workers=1)
    assert _scan_findings(again) == FOUND
    assert [(r.measurements, r.findings) for r in again] == [(r.measurements, r.findings) for r in first]
    twice = _measure(engine, workers=2)
    assert [(r.measurements, r.findings) for r in twice] == [(r.measurements, r.findings) for r in first]
    assert _kept(engine) == 3
    # the as-of date is applied to the kept spans, not kept: the child's ID counts once born
    later = _measure(engine, workers=1, as_of=date(2027, 1, 1))
    assert ("personal_data_leak", "http://a.gov.cn/", f"居民身份证号码 {personal.mask(BORN_LATER, 'id_card')}") \
        in _scan_findings(later)
    with engine.connect() as conn:                 # no number is kept in clear
        kept = " ".join(str(d) for d in conn.execute(select(PageScanRow.data)).scalars())
    assert "13812345678" not in kept and BORN_LATER[:14] not in kept


def test_changed_scanners_or_text_are_scanned_anew(engine, counted):
    _measure(engine, workers=1)
    assert counted["terms"] == 2 * 3               # title and text of the 3 distinct records
    counted["terms"] = 0
    # a --terms term: another fingerprint, every page scanned again, its misspelling found
    checks = TextChecks.build(("白石县",))
    assert scanner_fingerprint(checks) != scanner_fingerprint(TextChecks.build())
    assert _scan_findings(_measure(engine, workers=1, checks=checks)) == [
        FOUND[0], ("misspelt_term", "http://a.gov.cn/plain.html", "白石线"), *FOUND[1:],
        ("misspelt_term", "http://b.gov.cn/", "白石线")]
    assert counted["terms"] == 2 * 3 and _kept(engine) == 6
    # one page's text changed: that page alone is scanned, its new error found
    counted["terms"] = counted["spam"] = 0
    with engine.begin() as conn:
        conn.execute(update(PageContent).where(PageContent.url == "http://b.gov.cn/").values(
            data=pack_text({"title": "通知", "text": "国务阮办公厅印发通知"})))
    assert _scan_findings(_measure(engine, workers=1)) == [
        *FOUND, ("misspelt_term", "http://b.gov.cn/", "国务阮办公厅")]
    assert (counted["terms"], counted["spam"]) == (2, 1) and _kept(engine) == 7
