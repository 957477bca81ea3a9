"""The command line on bad input: Chinese messages that name the row, file or value, and nothing lost."""
from __future__ import annotations

import json
import subprocess
import sys

HEADER = "网站名称,网站标识码,首页网址,主办单位,行政级别,所属地区,网站类型\n"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "govaudit.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def test_bad_rows_and_broken_sites_do_not_stop_the_audit(tmp_path):
    register = tmp_path / "名录.csv"
    register.write_text(
        "\ufeff" + HEADER
        + "关闭的网站,1100000001,http://127.0.1.250:9/,某单位,省级,华阳省,门户网站\n"
        + "缺代码,,http://127.0.1.251:9/,某单位,省级,华阳省,门户网站\n"
        + "坏域名,1100000003,http://www..bad.gov.cn/,某单位,县级,华阳省,部门网站\n",
        encoding="utf-8")
    proc = cli("audit", str(register), "--allow-net", "127.0.0.0/8", "--as-of", "2026-11-22", "--out", str(tmp_path / "out"),
               "--db", str(tmp_path / "x.sqlite"), "--timeout", "3")
    assert proc.returncode == 0, proc.stderr
    assert "名录.csv 第 3 行：缺少网站标识码（网站名称：缺代码），本行未导入" in proc.stderr
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    sites = {s["site_code"]: s for s in results["sites"]}
    assert set(sites) == {"1100000001", "1100000003"}
    for site in sites.values():
        assert (site["qualified"], site["score"], site["rank"]) == (None, None, None)
        assert set(site["measurements"].values()) == {None}
    assert "连接被拒绝" in proc.stdout and "首页网址的域名无效" in proc.stdout


def test_bad_date_and_unknown_ruleset_are_named(tmp_path):
    db = str(tmp_path / "x.sqlite")
    bad_date = cli("score", "--as-of", "2026-13-01", "--db", db)
    assert bad_date.returncode == 2 and "“2026-13-01”不是有效日期" in bad_date.stderr
    bad_rules = cli("score", "--as-of", "2026-11-01", "--ruleset", "nope.yaml", "--db", db)
    assert bad_rules.returncode == 2
    assert "找不到规则集 nope.yaml" in bad_rules.stderr
    no_scores = cli("report", "--out", str(tmp_path / "o"), "--db", db)
    assert no_scores.returncode == 2 and "请先运行 govaudit score" in no_scores.stderr


def test_missing_register_header_names_file_and_header(tmp_path):
    register = tmp_path / "r.csv"
    register.write_text("网站名称,首页网址\n某网站,http://127.0.1.1/\n", encoding="utf-8")
    proc = cli("sites", "import", str(register), "--db", str(tmp_path / "x.sqlite"))
    assert proc.returncode == 2
    assert "r.csv" in proc.stderr and "网站标识码" in proc.stderr


def test_crawl_with_an_empty_register_says_what_to_do(tmp_path):
    proc = cli("crawl", "--db", str(tmp_path / "x.sqlite"))
    assert proc.returncode == 2 and "网站名录为空：请先运行 govaudit sites import" in proc.stderr
