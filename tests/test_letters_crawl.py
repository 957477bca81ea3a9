"""Letters behind 已回复 (issue 24, item 4): where a board's list shows 已回复 and no reply date, the
crawl opens each such letter's page even when the query-variant limit would pass it by, so a
reply given months late is found. Real crawl of farm site 127.0.1.70 (ShowArticle.asp?ArticleID=N:
one path, every article a query variant), with that limit set to 3."""
from __future__ import annotations

import json

import samplefarm
import store
from govaudit import pipeline


def test_late_reply_found_on_a_letter_past_the_query_variant_limit(tmp_path):
    with samplefarm.start() as farm:
        register = farm.write_register(tmp_path / "register.csv")
        db = str(tmp_path / "govaudit.sqlite")
        engine = store.connect(db)
        pipeline.import_register(engine, register)
        run = pipeline.start_crawl_run(engine, pipeline.registered_sites(engine, ["9924000001"]),
                                       {"allow_net": ["127.0.0.0/8"], "download_timeout": 3,
                                        "workers": 1, "max_query_variants_per_path": 3})
        assert pipeline.run_crawl(engine, run, db) == 0
    sid = pipeline.score(engine, samplefarm.AS_OF)
    out = pipeline.write_reports(engine, tmp_path / "out", sid, notices=False)
    site = json.loads((out / "results.json").read_text(encoding="utf-8"))["sites"][0]
    # 07-01 办理中 (the list says so) and 03-02: 已回复 in the list, answered 2026-07-20 on its page
    assert site["measurements"]["consultation_messages_1y"] == 7
    assert site["measurements"]["unanswered_messages_over_3m"] == 2
    assert site["vetoes"] == ["poor_interaction"]
    # 在线咨询's third message is published without its 留言时间 (answered 06-10, said in the list)
    assert site["measurements"]["messages_undated"] == 1
    from store.verdicts import verdict_rows
    undated = [(f["title"], f["evidence"]) for f in verdict_rows(engine, sid)[0].findings
               if f["kind"] == "undated_message"]
    zxzx = farm.sites["9924000001"].col("zxzx").items[2]
    assert undated == [(zxzx.title, "已答复，公开的留言未注明留言时间")]
    assert site["measurements"]["messages_published_2m"] == 3     # its 06-10 reply is older
    # the 2019 columns' freshness and the site search (issue 22 items 7 and 8), from the same crawl
    m = site["measurements"]
    assert [m[k] for k in ("overview_columns_stale", "functions_columns_stale", "data_columns_stale",
                           "site_search", "site_search_working", "site_search_categorised")] == \
        [0, 1, 1, 1, 1, 1]
    stale = [(f["title"], f["evidence"]) for f in verdict_rows(engine, sid)[0].findings
             if f["measure"].endswith("_columns_stale")]
    assert stale == [("机构职能", "最近更新 2024-05-10，超过 1 年未更新"),
                     ("统计数据", "最近更新 2026-03-31，超过 6 个月未更新")]
