"""The store on a real SQLite file and a real PostgreSQL database: the crawl pipeline writes
idempotently (a resumed crawl may yield an item twice) and observations load back with dates resolved."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler import items
from crawler.pipelines import StorePipeline
import store
from indicators.assemble import load_observations

HOME = "http://127.0.1.1:8000/"
COL = HOME + "xwdt/"
SITES = [{"code": "4400000001", "home_url": HOME}]


def _items():
    code = "4400000001"
    yield items.Page(code, HOME + "202611/t20261120_1.html", 200, "文章", date(2026, 11, 20), 2)
    yield items.Column(code, COL, name="工作动态", meta_name="", meta_type="", source="nav",
                       kind="list", blank=False)
    yield items.Items(code, COL, on_home=False, entries=[
        {"url": HOME + "202611/t20261120_1.html", "title": "部分日期", "list_date": None,
         "partial": "11-20", "date_text": "[11-20]", "pinned": False},
        {"url": HOME + "a/only-url/t20261102_9.html", "title": "只有网址日期", "list_date": None,
         "partial": "", "date_text": "", "pinned": False},
        {"url": HOME + "a/none.html", "title": "无\x00日期", "list_date": None, "partial": "",
         "date_text": "", "pinned": False},
        {"url": HOME + "a/listed.html", "title": "列表日期", "list_date": date(2025, 1, 2),
         "partial": "", "date_text": "2025-01-02", "pinned": True}])
    yield items.Link(code, HOME + "gone.html", kind="page", on_home=True, source_url=HOME,
                     text="失效", ok=False, status=404, failure="http", detail="HTTP 404",
                     attempts=1)
    yield items.SiteDone(code, "ok", "", pages=3, links=1, skipped=0)


def test_pipeline_writes_once_and_observations_resolve_dates(db_url, capsys):
    engine = store.connect(db_url)
    with Session(engine) as s:
        run = store.CrawlRun(site_codes=["4400000001"], settings={})
        s.add(run)
        s.commit()
        run_id = run.id
    for _ in range(2):   # the second pass is a resumed crawl re-yielding the same facts
        pipe = StorePipeline(db_url, run_id, SITES)
        pipe.open_spider()
        for item in _items():
            pipe.process_item(item)
        pipe.close_spider()
    assert "GOVAUDIT-PROGRESS" in capsys.readouterr().out
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(store.Item)) == 4
        assert s.scalar(select(func.count()).select_from(store.Link)) == 1
        sc = s.scalars(select(store.SiteCrawl)).one()
        assert (sc.status, sc.pages, sc.links) == ("ok", 3, 1)
    taxonomy = __import__("config").load_yaml("taxonomy.yaml")
    obs = load_observations(engine, sc, taxonomy=taxonomy)
    assert obs.reachable
    [col] = obs.columns
    assert (col.name, col.category) == ("工作动态", "news")
    got = {i.title: (i.date, i.date_source, i.pinned) for i in col.items}
    assert got == {"部分日期": (date(2026, 11, 20), "article", False),
                   "只有网址日期": (date(2026, 11, 2), "url", False),
                   "无日期": (None, None, False),
                   "列表日期": (date(2025, 1, 2), "list", True)}
    [link] = obs.links
    assert (link.ok, link.status, link.on_home, link.sources) == (False, 404, True, [HOME])
    engine.dispose()
