"""Spot-check sampling: stratified, reproducible, quotas per stratum, failed sites always drawn."""
from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass

import openpyxl
import pytest

from scoring import sampling
from govaudit.register import read_register

LEVELS = ["省级", "地市级", "县级", "乡镇"]


@dataclass
class S:
    code: str
    level: str
    site_type: str
    region: str = "甲市"


def register(n=60):
    return [S(f"99{i:08d}", LEVELS[i % 4], "门户网站" if i % 3 == 0 else "部门网站",
              "甲市" if i % 2 else "乙市") for i in range(n)]


def test_same_seed_same_sample_whatever_the_register_order():
    sites = register()
    a = sampling.draw(sites, seed=7, share=0.3, by=["行政级别"])
    shuffled = sites[:]
    random.Random(1).shuffle(shuffled)
    b = sampling.draw(shuffled, seed=7, share=0.3, by=["行政级别"])
    assert a.codes == b.codes
    assert sampling.draw(sites, seed=8, share=0.3, by=["行政级别"]).codes != a.codes


def test_every_stratum_gets_its_share_rounded_up():
    sites = register()                      # 15 sites per level
    sample = sampling.draw(sites, seed=1, share=0.3, by=["行政级别"])
    per_level = Counter(next(s.level for s in sites if s.code == c) for c in sample.codes)
    assert per_level == {lv: 5 for lv in LEVELS}          # ceil(0.3 × 15) = 5
    assert [(st.key, st.population, st.drawn) for st in sample.strata] == [
        (("乡镇",), 15, 5), (("县级",), 15, 5), (("地市级",), 15, 5), (("省级",), 15, 5)]


def test_count_is_split_by_largest_remainder_and_min_holds():
    sites = register(40) + [S("9800000001", "省级", "门户网站", "丙市")]   # a stratum of one
    sample = sampling.draw(sites, seed=3, count=10, by=["所属地区"])
    drawn = {st.key: st.drawn for st in sample.strata}
    # 20 甲市, 20 乙市, 1 丙市: 10 × 20/41 = 4.88 each, 0.24 → 5, 5, 0, then --min 1 lifts 丙市.
    assert drawn == {("甲市",): 5, ("乙市",): 5, ("丙市",): 1}
    assert len(sample.codes) == 11


def test_failed_sites_are_always_drawn_and_count_toward_the_quota():
    sites = register(20)
    failed = {"9900000000", "9900000004", "9900000008"}       # all 省级 (i % 4 == 0)
    sample = sampling.draw(sites, seed=5, share=0.2, by=["行政级别"], always=failed)
    assert failed <= set(sample.codes)
    prov = [st for st in sample.strata if st.key == ("省级",)][0]
    assert (prov.population, prov.drawn, prov.forced) == (5, 3, 3)   # quota 1, but 3 failed
    assert sample.forced == sorted(failed)
    # the words say what the draw does: the failed sites fill their stratum's quota
    assert sample.describe() == ("按 20% 比例随机抽取（按行政级别分层，每层至少 1 个，随机种子 5；"
                                 "上次检查不合格的 3 个网站一律抽取，计入各层抽取数），共 6 个网站")
    plain = sampling.draw(sites, seed=5, share=0.2)
    assert plain.describe() == "按 20% 比例随机抽取（不分层，随机种子 5），共 4 个网站"


@pytest.mark.parametrize("kwargs, message", [
    (dict(share=0.3, count=3), "二选一"),
    (dict(share=0.3, by=["地区"]), "不能按“地区”分层"),
    (dict(count=100), "超过名录中的网站数 60"),
])
def test_impossible_requests_are_refused_in_chinese(kwargs, message):
    with pytest.raises(sampling.SampleError, match=message):
        sampling.draw(register(), seed=1, **kwargs)


@pytest.mark.parametrize("text, value", [("30%", 0.3), ("0.25", 0.25), ("100%", 1.0)])
def test_share_spellings(text, value):
    assert sampling.parse_share(text) == pytest.approx(value)


def test_share_out_of_range():
    with pytest.raises(sampling.SampleError, match="0 到 100%"):
        sampling.parse_share("130%")


def cli(*args):
    return subprocess.run([sys.executable, "-m", "govaudit.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def test_sample_command_writes_a_register_audit_can_take(tmp_path):
    reg = tmp_path / "名录.csv"
    lines = ["网站名称,网站标识码,首页网址,主办单位,行政级别,所属地区,网站类型"]
    lines += [f"站{s.code},{s.code},http://127.0.1.{200 + i % 50}/,某单位,{s.level},{s.region},{s.site_type}"
              for i, s in enumerate(register())]
    reg.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    db = str(tmp_path / "s.sqlite")
    assert cli("sites", "import", str(reg), "--db", db).returncode == 0
    out = tmp_path / "抽查名录.xlsx"
    proc = cli("sample", "--share", "30%", "--by", "行政级别,网站类型", "--seed", "2026",
               "--out", str(out), "--db", db)
    assert proc.returncode == 0, proc.stderr
    again = cli("sample", "--share", "30%", "--by", "行政级别,网站类型", "--seed", "2026",
                "--out", str(tmp_path / "again.csv"), "--db", db)
    assert again.returncode == 0, again.stderr
    drawn = read_register(out)
    assert not drawn.errors
    expected = sampling.draw(register(), seed=2026, share=0.3, by=["行政级别", "网站类型"]).codes
    assert sorted(s.code for s in drawn.sites) == expected
    assert sorted(s.code for s in read_register(tmp_path / "again.csv").sites) == expected
    info = openpyxl.load_workbook(out)["抽样说明"]
    assert "随机种子 2026" in info["B1"].value and "按行政级别、网站类型分层" in info["B1"].value
    bad = cli("sample", "--share", "30%", "--by", "地区", "--seed", "1", "--out",
              str(tmp_path / "x.csv"), "--db", db)
    assert bad.returncode == 2 and "不能按“地区”分层" in bad.stderr


def test_compare_without_two_audits_lists_what_exists(tmp_path):
    proc = cli("compare", "--db", str(tmp_path / "empty.sqlite"))
    assert proc.returncode == 2 and "请先完成两次检查" in proc.stderr
    proc = cli("compare", "--before", "7", "--db", str(tmp_path / "empty.sqlite"))
    assert proc.returncode == 2 and "请先完成两次检查" in proc.stderr
