"""`govaudit demo --monitor`: the sample sites' warning states reach a WeCom-style robot on loopback,
and the workbook gains the 预警 sheet."""
from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest


@pytest.mark.timeout(900)
def test_demo_monitor_reaches_the_robot(tmp_path):
    out = tmp_path / "demo"
    proc = subprocess.run([sys.executable, "-m", "govaudit.cli", "demo", "--monitor", "--out", str(out),
                           "--timeout", "3"], capture_output=True, text=True, encoding="utf-8", timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert "演示用企业微信群机器人已收到" in proc.stdout
    text = (out / "预警消息.md").read_text(encoding="utf-8")
    # the farm's planted vetoes arrive as 已否决 lines; the register's down site among them
    assert "**▲ 已否决**｜清河县教育局（9901230015）｜站点无法访问·首页无法访问比例：本周监测 40 次，无法访问 40 次" in text
    assert "**▲ 已否决**｜江北市生态环境局（9901000012）｜栏目不更新：空白栏目 5 个（否决线 5 个）" in text
    assert "**▲ 已否决**｜清河县人民政府（9901230001）｜网站不更新·首页更新：首页最近一条信息 2026-11-05" in text
    ws = openpyxl.load_workbook(out / "ranking.xlsx")["预警"]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True)]
    assert ws["A3"].value == "网站标识码" and rows
    levels = [r[4] for r in rows]
    assert levels == sorted(levels, key=["已否决", "否决风险", "预警", "提示"].index)
    assert ("9901230001", "清河县人民政府", "网站不更新", "首页更新", "已否决") in [r[:5] for r in rows]
