"""适老化与无障碍: axe-core (vendored) in the distribution's Chromium on a loopback page with known
violations — exact counts by rule, axe's CJK-punctuation false positive filtered — and the
measurements indicators/a11y.py makes of them, with and without the browser."""
from __future__ import annotations

import pytest

import config
from indicators.a11y import accessibility
from indicators.observations import PageText, SiteObservations
from tests.loopback import page_server

HOST = "127.0.1.76"
BAD_HOME = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>测试县人民政府</title></head>
<body><h1>测试县人民政府</h1><h3>要闻</h3>
<img src="/a.png"><img src="/b.png">
<p style="color:#aaaaaa;background:#ffffff">对比度不足的文字</p>
<input type="text" name="q">
<button aria-label="提交">提交。</button>
<button aria-label="搜索">查询</button>
<a href="/ghb/">关怀版</a>
</body></html>"""
ELDERLY = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>关怀版</title>
<script>alert('欢迎访问');</script></head><body><h1>关怀版</h1><p>立即下载APP，享受更多服务</p></body></html>"""
PAGES = {"/": BAD_HOME, "/ghb/": ELDERLY}


@pytest.fixture(scope="module")
def site():
    with page_server(HOST, PAGES) as srv:
        yield srv.url


def _obs(home: str) -> SiteObservations:
    return SiteObservations("9999000001", home, True, pages={
        home: PageText(text="测试县人民政府", marks=[["关怀版", home + "ghb/"]]),
        home + "ghb/": PageText(text="关怀版 立即下载APP，享受更多服务")})


def test_axe_counts_known_violations_and_filters_cjk_punctuation(site):
    from browser import axe, launch
    if launch.missing():
        pytest.skip(launch.missing())
    with launch.launch() as browser:
        result = axe.check_pages(browser, [site, site + "ghb/"], allow_net=["127.0.0.0/8"])
    home = {v["id"]: (v["impact"], v["nodes"]) for v in result[site]["violations"]}
    assert home == {"image-alt": ("critical", 2), "color-contrast": ("serious", 1),
                    "label": ("critical", 1), "html-has-lang": ("serious", 1),
                    "heading-order": ("moderate", 1),
                    # 搜索 vs 查询 is a real mismatch; 提交 vs 提交。 only differs by a full stop
                    "label-content-name-mismatch": ("serious", 1)}
    assert result[site + "ghb/"]["dialogs"] == 1
    values, findings = accessibility(_obs(site), {"pages": result}, config.load_yaml("a11y.yaml"))
    assert values == {"elderly_version": 1, "elderly_version_problems": 3, "a11y_pages_checked": 2,
                      "a11y_violations": 2 + 1 + 1 + 1 + 1, "a11y_image_alt": 2, "a11y_contrast": 1,
                      "a11y_form_labels": 2, "a11y_page_lang": 1, "a11y_heading_order": 1}
    assert {f.term for f in findings if f.kind == "a11y_violation"} == set(home)
    # what a notice prints for a violation is axe's own Chinese (its zh_CN locale), never English
    titles = {f.term: f.title for f in findings if f.kind == "a11y_violation"}
    assert titles["image-alt"] == "图像必须有替代文本" and titles["label"] == "表单元素必须有标签"


def test_axe_pages_pass_the_network_guard(site):
    """Without --allow-net the loopback site is refused inside the axe browser too: a hostile
    site must not turn the accessibility check into a way into the office's network."""
    from browser import axe, launch
    if launch.missing():
        pytest.skip(launch.missing())
    with launch.launch() as browser:
        result = axe.check_pages(browser, [site])
    assert result[site]["violations"] == []
    assert "ERR_BLOCKED_BY_CLIENT" in result[site]["error"]


def test_without_the_browser_measurements_are_null_never_zero():
    cfg = config.load_yaml("a11y.yaml")
    skipped = {"skipped": "未安装截图组件 Playwright", "hint": "安装：pip install 'govaudit[evidence]'"}
    values, findings = accessibility(_obs("http://a.gov.cn/"), skipped, cfg)
    assert values["a11y_violations"] is None and values["a11y_image_alt"] is None
    assert values["elderly_version"] == 1 and values["elderly_version_problems"] == 2
    unchecked = [f for f in findings if f.kind == "a11y_unchecked"]
    assert [f.evidence for f in unchecked] == [
        "未检测：未安装截图组件 Playwright（安装：pip install 'govaudit[evidence]'）"]
    no_entry = SiteObservations("1", "http://a.gov.cn/", True, pages={"http://a.gov.cn/": PageText()})
    values, findings = accessibility(no_entry, None, cfg)
    assert values["elderly_version"] == 0 and values["elderly_version_problems"] is None
    assert {f.kind for f in findings} == {"elderly_version_missing", "a11y_unchecked"}


def test_farm_sites_with_the_browser_check_equal_their_truth(tmp_path):
    """The farm's HTTPS sites (samplefarm/spec_https.py) crawled with the browser check on: every
    measurement the crawl makes is truth_https.yaml's, the accessibility ones those of its
    a11y_check (the planted images without alt, fields without label, pages without a language),
    through the real crawl's page sample and the farm's certificates (expired, for another host),
    which do not stop the browser."""
    import os
    import subprocess
    import sys

    import samplefarm
    import store
    from browser import launch
    from indicators.assemble import load_observations
    from indicators.measure import measure
    from store import runs
    if launch.missing():
        pytest.skip(launch.missing())
    truth = samplefarm.load_truth()["sites"]
    codes = ["9910000080", "9910000081"]
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with samplefarm.start() as farm:
        register = farm.write_register(tmp_path / "register.csv")
        govaudit = [sys.executable, "-m", "govaudit.cli"]
        subprocess.run([*govaudit, "sites", "import", str(register), "--db", db], check=True,
                       capture_output=True, timeout=60)
        proc = subprocess.run(
            [*govaudit, "crawl", *(a for c in codes for a in ("--site", c)), "--allow-net", "127.0.0.0/8",
             "--trust-ca", farm.cafile, "--db", db, "--timeout", "3"],
            capture_output=True, text=True, encoding="utf-8", timeout=300,
            env={**os.environ, "GOVAUDIT_A11Y": "1"})
    assert proc.returncode == 0, proc.stderr
    engine = store.connect(db)
    taxonomy = config.load_yaml("taxonomy.yaml")
    for sc in runs.site_crawls(engine, 1):
        values, _ = measure(load_observations(engine, sc, taxonomy=taxonomy), samplefarm.AS_OF, taxonomy)
        want = {**truth[sc.site_code]["measurements"], **truth[sc.site_code]["a11y_check"]}
        availability = ("availability_probes", "availability_failures")   # no probes here
        assert {k: v for k, v in values.items() if k not in availability} == \
            {k: v for k, v in want.items() if k not in availability}, sc.site_code
    engine.dispose()


def test_the_browser_check_runs_where_a_ruleset_reads_it():
    """crawl.yaml a11y: auto — an audit runs the browser check only when one of its rulesets reads
    an accessibility measurement; otherwise every site says 未检测 and why. An explicit setting wins."""
    from govaudit.pipeline import a11y_for
    assert a11y_for("census-2015", {}) == {
        "a11y": False, "a11y_skip": "规则集 census-2015 不读取无障碍指标，本次未做浏览器检测"}
    assert a11y_for(["census-2015", "province-2026-example"], {}) == {}
    assert a11y_for("census-2015", {"a11y": True}) == {}
