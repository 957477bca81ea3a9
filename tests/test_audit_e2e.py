"""End to end: the real `govaudit audit` command crawls the sample farm over loopback HTTP and its
results must equal the farm's hand-written ground truth, site by site, column by column, link by link."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from sqlalchemy import select
from sqlalchemy.orm import Session

import config
from govaudit import pipeline
import store
import samplefarm
from indicators.assemble import load_observations
from indicators.measure import measure

TIMEOUT = "3"   # the farm's slow link sleeps 30 s: a short timeout keeps the test quick


def expected_ranks(truth: dict) -> dict:
    """Competition ranks recounted from the truth: sites without a veto first, each group by score
    (best first); equal veto state and score share a rank; unassessed sites get none."""
    assessed = sorted((c for c, s in truth["sites"].items() if s["score"] is not None),
                      key=lambda c: (bool(truth["sites"][c]["vetoes"]), -truth["sites"][c]["score"], c))
    ranks: dict = {c: None for c in truth["sites"]}
    previous = None
    for position, code in enumerate(assessed, 1):
        key = (bool(truth["sites"][code]["vetoes"]), truth["sites"][code]["score"])
        ranks[code] = position if key != previous else ranks[assessed[position - 2]]
        previous = key
    return ranks


def govaudit(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "govaudit.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"govaudit {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def farm():
    with samplefarm.start() as running:
        yield running


@pytest.fixture(scope="module")
def truth():
    return samplefarm.load_truth()


def probe_first(register: Path, db: str) -> None:
    """The availability probes truth.yaml assumes, made before the audit as the demo makes them."""
    engine = store.connect(db)
    pipeline.import_register(engine, register)
    samplefarm.probe_sites(engine, pipeline.registered_sites(engine))
    engine.dispose()


def run_audit(farm, out: Path, db: str) -> dict:
    register = out / "register.csv"
    farm.write_register(register)
    probe_first(register, db)
    proc = govaudit("audit", str(register), "--allow-net", "127.0.0.0/8", "--trust-ca", farm.cafile,
                    "--as-of", str(samplefarm.AS_OF), "--out", str(out), "--db", db, "--timeout", TIMEOUT)
    (out / "audit-stdout.txt").write_text(proc.stdout, encoding="utf-8")
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def audited(farm, tmp_path_factory):
    out = tmp_path_factory.mktemp("audit")
    db = f"sqlite:///{out / 'govaudit.sqlite'}"
    return out, db, run_audit(farm, out, db)


def test_results_json_equals_truth(audited, truth, farm):
    _, _, results = audited
    assert results["as_of"] == str(truth["as_of"]) and results["ruleset"] == "census-2015"
    got = {s["site_code"]: s for s in results["sites"]}
    assert set(got) == set(truth["sites"])
    for code, want in truth["sites"].items():
        site = got[code]
        assert site["site_name"] == want["name"]
        assert site["measurements"] == want["measurements"], code
        assert site["vetoes"] == want["vetoes"], code
        assert sorted(map(_ded, site["deductions"])) == sorted(map(_ded, want["deductions"])), code
        assert (site["score"], site["qualified"]) == (want["score"], want["qualified"]), code
        assert site["rank"] == expected_ranks(truth)[code], code
        assert site["interaction"] == _interaction(farm, code, want["interaction"]), code


def _interaction(farm, code: str, want: dict | None) -> dict | None:
    """truth.yaml's reply-rate table with its board paths made absolute."""
    if want is None:
        return None
    return {**want, "unreadable": [farm.abs_url(code, u) for u in want["unreadable"]]}


def _ded(d: dict) -> tuple:
    return d["rule"], round(float(d["points"]), 2), d["count"]


def test_columns_and_dead_links_match_truth(audited, farm, truth):
    """Pinpoints what the crawler missed: every planted column and every planted dead target."""
    _, db, _ = audited
    engine = store.connect(db)
    taxonomy = config.load_yaml("taxonomy.yaml")
    with Session(engine) as s:
        crawls = {c.site_code: c for c in s.scalars(select(store.SiteCrawl))}
    for code, want in truth["sites"].items():
        obs = load_observations(engine, crawls[code], taxonomy=taxonomy)
        got_columns = {c.url: (c.category, c.blank) for c in obs.columns}
        want_columns = {farm.abs_url(code, c["url"]): (c["category"], c["blank"])
                        for c in want.get("columns") or []}
        assert got_columns == want_columns, code
        got_dead = {(l.url, l.kind, "home" if l.on_home else "other", l.failure)
                    for l in obs.links if not l.ok}
        want_dead = {(farm.abs_url(code, d["url"]), d["kind"], d["where"], d["failure"])
                     for d in want.get("dead_links") or []}
        assert got_dead == want_dead, code
    engine.dispose()


def test_columns_are_found_the_way_an_inspector_finds_them(audited, farm):
    """How each column was found reaches the observations (the workbook's 栏目明细 shows it), and a
    navigation-entry homepage is judged by its second-level pages, as its finding says."""
    _, db, _ = audited
    engine = store.connect(db)
    taxonomy = config.load_yaml("taxonomy.yaml")
    with Session(engine) as s:
        crawls = {c.site_code: c for c in s.scalars(select(store.SiteCrawl))}
    expected = {   # column → a way it must have been found
        ("9905000001", "/xwzx/xzdt/"): "channel",        # stale, only behind a channel page
        ("9905000001", "/zwgk/xxgk/ghjh/"): "channel",   # blank, two channel pages down
        ("9905000002", "/zwgk/zcjd/"): "sitemap",        # only in the 网站地图
        ("9905000004", "/zwgk/"): "nav",                 # a <td class="STYLE2" id="qhN"> menu cell
        ("9905000004", "/zwgk/rsxx/"): "subnav",         # a <table class="gl_left"> entry
        ("9905000005", "/xwzx/qxdt/"): "more",           # a tab heading on the homepage
        ("9901000023", "/gsgg/"): "meta",                # ColumnName meta + breadcrumb
    }
    observed = {}
    for code in {c for c, _ in expected} | {"9905000003"}:
        observed[code] = load_observations(engine, crawls[code], taxonomy=taxonomy)
    for (code, path), source in expected.items():
        col = next(c for c in observed[code].columns if c.url == farm.abs_url(code, path))
        assert source in col.sources and col.found_by.split(",") == col.sources, (code, path)
    entry = observed["9905000003"]
    assert entry.home_entry
    assert set(entry.home_second_level) == {farm.abs_url("9905000003", "/sy/index.html"),
                                            farm.abs_url("9905000003", "/zwgk/")}
    _, findings = measure(entry, samplefarm.AS_OF, taxonomy)
    assert findings[0].evidence.startswith("首页为导航页，按其链接的 2 个二级页面统计")
    engine.dispose()


def test_expected_ranks_of_the_original_seven(truth):
    """The rank recount reproduces the ranks stated when the farm had its first seven sites."""
    first = {"9900000001": 1, "9901230101": 2, "9901000023": 3, "9901230001": 4, "9901000012": 5,
             "9901000001": 6, "9901230015": None}
    ranks = expected_ranks({"sites": {c: truth["sites"][c] for c in first}})
    assert ranks == first


def test_ranking_workbook(audited, farm, truth):
    out, _, _ = audited
    wb = openpyxl.load_workbook(out / "ranking.xlsx")
    assert wb.sheetnames[:2] == ["总体情况", "排名"]
    ranking = wb["排名"]
    header_row = next(r for r in range(1, 6) if ranking.cell(r, 1).value == "排名")
    codes = [ranking.cell(r, 2).value for r in range(header_row + 1, ranking.max_row + 1)]
    ranks = expected_ranks(truth)
    assert [ranks[c] for c in codes] == sorted(ranks.values(), key=lambda r: (r is None, r or 0))
    result_col = [c.value for c in ranking[header_row]].index("结果") + 1
    results = {ranking.cell(r, 2).value: ranking.cell(r, result_col).value
               for r in range(header_row + 1, ranking.max_row + 1)}
    assert results["9901000012"] == "不合格" and results["9901230015"] == "不合格"
    issues = wb["问题清单"]
    rows = [[c.value for c in row] for row in issues.iter_rows()]
    dead_404 = farm.abs_url("9901000001", "/art/2019/3/5/art_4512_9.html")
    hits = [r for r in rows if dead_404 in r]
    assert len(hits) == 1 and "HTTP 404" in hits[0]
    link = next(c for row in issues.iter_rows() for c in row if c.value == dead_404)
    assert link.hyperlink.target == dead_404


def test_notices_and_charts(audited, truth):
    """`audit` writes a notice for every site a rule cost something, naming each of its problems."""
    out, _, results = audited
    want = {s["site_code"] for s in results["sites"]
            if s["vetoes"] or any(d["points"] > 0 for d in s["deductions"])}
    assert {p.stem for p in (out / "notices").iterdir()} == want
    wb = openpyxl.load_workbook(out / "ranking.xlsx")
    issues = [[c.value for c in row] for row in wb["问题清单"].iter_rows(min_row=4)]
    sponsors = {r[1].value: r[3].value for r in wb["排名"].iter_rows(min_row=4)}
    for code in want:
        doc = Document(out / "notices" / f"{code}.docx")
        assert doc.paragraphs[0].text == f"关于{truth['sites'][code]['name']}存在问题的整改通知"
        assert doc.paragraphs[1].text == f"{sponsors[code]}："
        assert any("整改期限为 15 个工作日" in p.text and "截止日期为" in p.text for p in doc.paragraphs)
        cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
        urls = {r[5] for r in issues if r[0] == code}
        assert urls and urls <= cells, code
    listed = [r[0].value for r in wb["整改通知"].iter_rows(min_row=4)]
    assert sorted(listed) == sorted(want)
    assert {p.name for p in (out / "charts").iterdir()} == {
        "score_distribution.png", "pass_rate_by_region.png", "problems_by_rule.png"}
    columns = wb["栏目明细"]
    assert columns.max_row - 3 == sum(len(t.get("columns") or []) for t in truth["sites"].values())


def test_same_audit_on_postgresql_gives_same_results(audited, farm, pg_store, tmp_path):
    _, _, sqlite_results = audited
    assert run_audit(farm, tmp_path, pg_store) == sqlite_results


def test_crawl_is_polite_to_every_host(audited, farm):
    """≤ 4 requests at once per host (config/crawl.yaml) and a User-Agent that names the crawler."""
    traffic = farm.traffic()
    live = [s for s in farm.sites.values() if not s.down]
    assert len(traffic) == len(live) + 1          # every live site and the external host
    for address, seen in traffic.items():
        assert seen["requests"] > 0, address
        assert seen["max_active"] <= 4, (address, seen["max_active"])
        assert seen["user_agents"] == {config.load_yaml("crawl.yaml")["user_agent"]}, address


def test_one_stored_crawl_scored_under_three_rulesets(audited, tmp_path):
    """`score --ruleset A --ruleset B --ruleset C --scores sheet` re-scores the stored crawl: results.json
    stays the census file, each further ruleset gets results-<id>.json and its own ranking sheet."""
    from tests.test_rulesets import FARM_EXPECTED, FARM_SHEET
    _, db, census = audited
    inputs = sorted({k for answers in FARM_SHEET.values() for k in answers})
    sheet = tmp_path / "评分表.csv"
    sheet.write_text("\n".join([",".join(["网站标识码", *inputs]), *(
        ",".join([code, *(str(answers.get(k, "")) for k in inputs)])
        for code, answers in FARM_SHEET.items())]) + "\n", encoding="utf-8")
    govaudit("score", "--as-of", str(samplefarm.AS_OF), "--ruleset", "census-2015",
             "--ruleset", "inspection-2019", "--ruleset", "evaluation-example",
             "--scores", str(sheet), "--db", db)
    out = tmp_path / "multi"
    govaudit("report", "--out", str(out), "--db", db, "--no-notices")
    assert json.loads((out / "results.json").read_text(encoding="utf-8")) == census
    for name in ("inspection-2019", "evaluation-example"):
        results = json.loads((out / f"results-{name}.json").read_text(encoding="utf-8"))
        assert results["ruleset"] == name and set(results) == {"as_of", "ruleset", "crawl_mode",
                                                                "sites"}
        sites = {s["site_code"]: s for s in results["sites"]}
        for code, (score, qualified, vetoes, points) in FARM_EXPECTED[name].items():
            s = sites[code]
            assert (s["score"], s["qualified"], s["vetoes"]) == (score, qualified, vetoes), code
            assert {d["rule"]: d["points"] for d in s["deductions"]} == points, code
    wb = openpyxl.load_workbook(out / "ranking.xlsx")
    at = wb.sheetnames.index("排名")
    assert wb.sheetnames[at:at + 3] == ["排名", "排名-inspection-2019", "排名-evaluation-example"]
    inspection = [[c.value for c in row] for row in wb["排名-inspection-2019"].iter_rows()]
    assert any("待核对" in str(v) for row in inspection[:3] for v in row)
    # the note says how many of the ruleset's values are still to be checked against the text
    assert any("本规则集 41 个数值中 30 个待核对" in str(v) for row in inspection[:3] for v in row)
    row = next(r for r in inspection if "9901000023" in r)
    assert "链接可用性（待核对） -6.7" in " ".join(map(str, row))
    evaluation = [[c.value for c in row] for row in wb["排名-evaluation-example"].iter_rows()]
    header = next(r for r in evaluation if "等级" in r)
    row = next(r for r in evaluation if "9900000001" in r)
    # FARM_EXPECTED: 80.89 since interaction is measured (grade bands: 良好 from 80)
    assert row[header.index("得分")] == 90.89 and row[header.index("等级")] == "优秀"


def test_report_options_group_and_skip_notices(audited, tmp_path):
    """`govaudit report --group-by 行政级别 --no-notices` re-renders the stored audit without notices;
    a bad report config is refused with the file and key named, before anything is written."""
    _, db, _ = audited
    out = tmp_path / "regrouped"
    govaudit("report", "--out", str(out), "--db", db, "--group-by", "行政级别", "--no-notices")
    assert not (out / "notices").exists() and (out / "charts" / "problems_by_rule.png").is_file()
    wb = openpyxl.load_workbook(out / "ranking.xlsx")
    assert [c.value for c in wb["排名"][3]][:3] == ["分组", "组内排名", "总排名"]
    assert wb["整改通知"]["A2"].value.startswith("本次未生成整改通知")
    bad = tmp_path / "my-report.yaml"
    bad.write_text("deadline_working_days: 0\n", encoding="utf-8")
    proc = govaudit("report", "--out", str(tmp_path / "x"), "--db", db, "--report-config", str(bad),
                    check=False)
    assert proc.returncode == 2 and "my-report.yaml：deadline_working_days 应为正整数" in proc.stderr
    assert not (tmp_path / "x").exists()


def test_terminal_summary_names_sites_and_veto_titles(audited, truth):
    out, _, results = audited
    text = (out / "audit-stdout.txt").read_text(encoding="utf-8")
    summary = text[text.index("抽查结果（监测时间点"):]
    for code, site in truth["sites"].items():
        assert site["name"] in summary, code
    assert "栏目不更新" in summary and "网站不更新" in summary        # the ruleset's veto titles
    assert "columns_not_updated" not in summary and "homepage_not_updated" not in summary
    assert "9901000012" not in summary                                 # names, not codes


def test_every_page_of_a_paged_list_gives_its_items(audited, farm):
    """柳林镇's 工作动态 (22 items, 10 a page) links its last page as 尾页 from the first: that page
    is reached as an ordinary page before the list's 下一页 chain gets there, and must still be read
    as a list page (all 22 items, filed under the list)."""
    _, db, _ = audited
    engine = store.connect(db)
    code, path = "9901230101", "/gzdt/index.htm"
    want = {farm.abs_url(code, it.href or it.path) for col in farm.sites[code].columns if col.path == path
            for it in col.items}
    with Session(engine) as s:
        crawl = s.scalars(select(store.SiteCrawl).where(store.SiteCrawl.site_code == code)).one()
        got = set(s.scalars(select(store.Item.url).where(
            store.Item.site_crawl_id == crawl.id,
            store.Item.list_url == farm.abs_url(code, path))))
    engine.dispose()
    assert len(want) == 22 and got == want


def test_unreachable_site_the_crawl_reached_is_told_everything_to_fix(audited, farm):
    """9924000002: its homepage failed 12 of 40 probes (站点无法访问 stands, nothing scored) and the
    crawl's first two requests, yet the crawl reached it by backing off; the notice lists its
    other problems as well, each marked unscored (the stale 通知公告 among them)."""
    out, _, results = audited
    site = next(s for s in results["sites"] if s["site_code"] == "9924000002")
    assert (site["vetoes"], site["score"], site["deductions"]) == (["site_unreachable"], None, [])
    doc = Document(out / "notices" / "9924000002.docx")
    heads = [p.text for p in doc.paragraphs if p.text.startswith("（")]
    assert heads == ["（一）站点无法访问（单项否决）", "（二）首页栏目信息更新（站点无法访问，本项未计分）",
                     "（三）基本信息更新（站点无法访问，本项未计分）", "（四）咨询（站点无法访问，本项未计分）",
                     "（五）调查征集（站点无法访问，本项未计分）"]
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert farm.abs_url("9924000002", "/tzgg/") in cells


@pytest.mark.parametrize("code, path", [
    ("9908000001", "/zwgk/gzdt/"),    # var maxPageNum = 8 beside hidden index_958_2..4.html
    ("9908000001", "/zwgk/tzgg/"),    # a 末页 link to list_4.html, 共20条记录 1/4页, a script 下一页
    ("9908000001", "/zwgk/zcwj/"),    # a page-number <select>
    ("9908000002", "/tzgg/list.html"),  # list-2.html … linked nowhere: 共15条记录 1/3页, 首页 list-1.html, 末页
    ("9908000003", "/czdt/"),         # <span> rows, maxPageNum = 6
])
def test_every_page_of_a_list_paged_by_evidence(audited, farm, code, path):
    """Issue 24 item 7: lists whose later pages no plain link leads to give every item (the crawler
    built the pages from the pager's pattern and count, and fetched them)."""
    _, db, _ = audited
    engine = store.connect(db)
    want = {farm.abs_url(code, it.path) for col in farm.sites[code].columns if col.path == path
            for it in col.items}
    with Session(engine) as s:
        crawl = s.scalars(select(store.SiteCrawl).where(store.SiteCrawl.site_code == code)).one()
        got = set(s.scalars(select(store.Item.url).where(
            store.Item.site_crawl_id == crawl.id, store.Item.list_url == farm.abs_url(code, path))))
    engine.dispose()
    assert len(want) >= 10 and got == want


def test_a_republished_article_keeps_both_dates(audited, farm):
    """Issue 24 item 10: 教育动态's articles say 发布时间 in October and carry a PubDate meta of
    2026-11-18; the page row is dated by what it says, with the meta beside it."""
    from datetime import date
    _, db, _ = audited
    code = "9908000002"
    it = farm.sites[code].col("jydt").items[0]
    engine = store.connect(db)
    with Session(engine) as s:
        crawl = s.scalars(select(store.SiteCrawl).where(store.SiteCrawl.site_code == code)).one()
        row = s.scalars(select(store.Page).where(store.Page.site_crawl_id == crawl.id,
                                                 store.Page.url == farm.abs_url(code, it.path))).one()
        assert (row.pub_date, row.date_source, row.meta_date) == (
            date(2026, 10, 30), "page", date(2026, 11, 18))
    engine.dispose()


# ---- the sites measured in child processes (govaudit.measuring) --------------------------------
def _store_copy(db: str, path: Path) -> str:
    """A copy of the audited store to score again without adding runs to the shared one."""
    import sqlite3
    src, dst = sqlite3.connect(db.removeprefix("sqlite:///")), sqlite3.connect(path)
    src.backup(dst)
    src.close(), dst.close()
    return f"sqlite:///{path}"


def _scored(engine, sid: int) -> dict:
    from store.verdicts import score_run_rows
    rows = score_run_rows(engine, sid)
    return {"verdicts": {v.site_code: (v.qualified, v.score, v.rank, v.vetoes, v.deductions,
                                       v.measurements, v.findings, v.note) for v in rows.verdicts},
            "columns": rows.columns, "details": rows.details, "interaction": rows.interaction}


def test_sites_measured_in_children_score_as_in_one_process(audited, tmp_path):
    """Every stored result and every report of the sample farm is the same whether its sites are
    measured one after another here or by two forked children."""
    _, db, _ = audited
    engine = store.connect(_store_copy(db, tmp_path / "copy.sqlite"))
    got = {}
    for workers in (1, 2):
        sid = pipeline.score_many(engine, samplefarm.AS_OF, ["census-2015"], workers=workers)[0]
        out = pipeline.write_reports(engine, tmp_path / f"out{workers}", sid)
        got[workers] = (_scored(engine, sid), json.loads((out / "results.json").read_text("utf-8")),
                        sorted(p.name for p in (out / "notices").iterdir()))
    engine.dispose()
    assert len(got[1][0]["verdicts"]) >= 10
    assert got[2] == got[1]


def test_a_notice_failing_in_the_child_fails_write_reports_as_before(audited, tmp_path, monkeypatch):
    """The notices are written in a forked child while the charts are drawn (reports.forked): an
    error there leaves write_reports with its class and words, after the charts, before the
    workbook, as when they were written one after another in this process."""
    from reports import notices
    from reports.workdays import CalendarError

    def fails(*args):
        raise CalendarError("整改期限算到 2031 年")
    monkeypatch.setattr(notices, "build_notice", fails)
    _, db, _ = audited
    engine = store.connect(_store_copy(db, tmp_path / "copy.sqlite"))
    with pytest.raises(CalendarError) as caught:
        pipeline.write_reports(engine, tmp_path / "out")
    engine.dispose()
    assert str(caught.value) == "整改期限算到 2031 年"
    assert list((tmp_path / "out" / "charts").glob("*.png"))
    assert not (tmp_path / "out" / "ranking.xlsx").exists()


def _measuring_fails_on(monkeypatch, code: str) -> None:
    """measure_site raises ValueError("坏数据") for this one site (forked children inherit it)."""
    from govaudit import measuring
    real = measuring.measure_site

    def failing(obs, *args):
        if obs.site_code == code:
            raise ValueError("坏数据")
        return real(obs, *args)
    monkeypatch.setattr(measuring, "measure_site", failing)


def test_a_site_whose_measurement_fails_is_named_and_the_others_scored(audited, tmp_path,
                                                                       monkeypatch):
    """A fault on one site's data (here measure_site raising) says which site, in Chinese, leaves
    that site 未能评估 with the error, and scores every other site as without the fault."""
    _, db, _ = audited
    engine = store.connect(_store_copy(db, tmp_path / "copy.sqlite"))
    before = _scored(engine, pipeline.score_many(engine, samplefarm.AS_OF, ["census-2015"],
                                                 workers=1)[0])["verdicts"]
    bad = sorted(before)[3]
    name = {s.code: s.name for s in pipeline.registered_sites(engine)}[bad]
    _measuring_fails_on(monkeypatch, bad)
    told: list[str] = []
    sid = pipeline.score_many(engine, samplefarm.AS_OF, ["census-2015"], workers=2,
                              notify=told.append)[0]
    after = _scored(engine, sid)["verdicts"]
    engine.dispose()
    assert [m for m in told if bad in m] == [
        f"网站 {bad}（{name}）评分时出错，该网站未能评估，其余网站照常评分：ValueError: 坏数据。"
        f"请把这条信息报告给维护者"]
    qualified, score, rank, vetoes, deductions, measurements, findings, note = after[bad]
    assert (qualified, score, rank, vetoes, deductions, findings) == (None, None, None, [], [], [])
    assert note == "评分时出错，未能评估：ValueError: 坏数据" and set(measurements.values()) == {None}
    # the others as before, but the ranks: the failed site no longer takes a place
    strip = lambda v: (*v[:2], *v[3:])   # noqa: E731
    assert {c: strip(v) for c, v in after.items() if c != bad} == \
        {c: strip(v) for c, v in before.items() if c != bad}


def test_a_site_left_unmeasured_ends_the_score_command_with_exit_code_3(audited, tmp_path,
                                                                      monkeypatch):
    """Scoring errors are ours: like crawl errors, the command names the sites in its last line and
    exits 3 (a script running audits must not take it for a clean run); the others are scored."""
    from click.testing import CliRunner
    from govaudit.cli import cli
    _, db, _ = audited
    copy = _store_copy(db, tmp_path / "copy.sqlite")
    engine = store.connect(copy)
    bad = sorted(s.code for s in pipeline.registered_sites(engine))[2]
    engine.dispose()
    _measuring_fails_on(monkeypatch, bad)
    args = ["score", "--as-of", str(samplefarm.AS_OF), "--db", copy]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3, result.output
    assert f"注意：评分时有 1 个网站出错，未能评估（原因见各网站的说明）：{bad}（退出码 3）" in result.output
    monkeypatch.undo()
    assert CliRunner().invoke(cli, args).exit_code == 0   # scored again without the fault


def test_a_child_that_dies_loses_no_site(audited, tmp_path, monkeypatch):
    """A measuring child killed mid-run (out of memory, kill -9): the sites it had not returned are
    measured in the scoring process, and the results are the same."""
    import os
    from govaudit import measuring
    _, db, _ = audited
    engine = store.connect(_store_copy(db, tmp_path / "copy.sqlite"))
    serial = _scored(engine, pipeline.score_many(engine, samplefarm.AS_OF, ["census-2015"],
                                                 workers=1)[0])
    parent, real = os.getpid(), measuring.measure_one
    victim = sorted(serial["verdicts"])[2]

    def dying(engine, sc, portal, job):
        if sc.site_code == victim and os.getpid() != parent:
            os._exit(9)
        return real(engine, sc, portal, job)
    monkeypatch.setattr(measuring, "measure_one", dying)
    again = _scored(engine, pipeline.score_many(engine, samplefarm.AS_OF, ["census-2015"],
                                                workers=2)[0])
    engine.dispose()
    assert again == serial
