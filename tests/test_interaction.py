"""Citizen interaction: message-board extraction in its three layouts (pure, on fixture HTML), the
seven measurements and the reply-rate table (pure, on hand-built observations), and the census
rules with their portal / other-site thresholds."""
from __future__ import annotations

from datetime import date

import pytest

import config
from crawler.extract.messages import board_rows, gate, message_detail, status_of
from crawler.extract.page import parse_page
from indicators.interaction import interaction, publishing
from indicators.observations import Column, Item, Message, SiteObservations
from scoring.engine import assess
from scoring.rulefile import load_ruleset

AS_OF = date(2026, 11, 22)
BASE = "http://127.0.1.21/hdjl/szxx/"
TAXONOMY = config.load_yaml("taxonomy.yaml")
D = date.fromisoformat


def page(body: str, url: str = BASE):
    return parse_page(f"<html><head><title>市长信箱</title></head><body>{body}</body></html>", url)


# ---- extraction ---------------------------------------------------------------------------------
def test_table_board_reads_every_column():
    html = """<div class="content-list"><table class="list-table">
      <tr><th>标题</th><th>留言时间</th><th>回复时间</th><th>状态</th></tr>
      <tr><td><a href="202611/t20261118_1.html">咨询医保政策</a></td><td>2026-11-18 14:32</td>
          <td>2026-11-20 09:10</td><td>已回复</td></tr>
      <tr><td><a href="202610/t20261015_2.html">关于噪音问题的反映</a></td><td>2026-10-15 14:32</td>
          <td></td><td>办理中</td></tr>
      <tr><td><a href="202605/t20260510_3.html">请问在哪里办理</a></td><td>2026/05/10</td>
          <td></td><td>未回复</td></tr></table></div>"""
    rows = board_rows(page(html))
    assert [(r.url, r.title, r.posted, r.replied, r.status) for r in rows] == [
        (BASE + "202611/t20261118_1.html", "咨询医保政策", D("2026-11-18"), D("2026-11-20"), "answered"),
        (BASE + "202610/t20261015_2.html", "关于噪音问题的反映", D("2026-10-15"), None, "in_progress"),
        (BASE + "202605/t20260510_3.html", "请问在哪里办理", D("2026-05-10"), None, "pending")]


def test_ordinary_table_is_no_board():
    html = """<table><tr><th>标题</th><th>发布日期</th></tr>
      <tr><td><a href="a.html">关于做好安全生产工作的通知</a></td><td>2026-11-10</td></tr></table>"""
    assert board_rows(page(html)) == []


def test_badge_rows_with_reply_dates():
    html = """<ul class="list board">
      <li><a href="a.html">咨询不动产登记</a><span>2026/11/19</span><span>回复：2026/11/21</span>
          <span class="badge">已回复</span></li>
      <li><a href="b.html">反映道路积水</a><span>2026/11/05</span><span class="badge">办理中</span></li>
      <li><a href="c.html">普通新闻标题不带状态</a><span>2026/11/05</span></li></ul>"""
    rows = board_rows(page(html))
    assert [(r.title, r.posted, r.replied, r.status) for r in rows] == [
        ("咨询不动产登记", D("2026-11-19"), D("2026-11-21"), "answered"),
        ("反映道路积水", D("2026-11-05"), None, "in_progress")]


def test_board_rows_drawn_as_div_blocks_and_image_badges():
    """Rows that are no <li>: <div> blocks side by side, the status an image's alt text (a county
    board of the <div> CMS family); before, such a board gave no message at all."""
    html = """<div class="xx_list">
      <div class="row"><a href="x1.html">关于老旧小区加装电梯的咨询</a><span>2026-10-09</span>
          <img src="yhf.gif" alt="已回复"></div>
      <div class="row"><a href="x2.html">反映村道路灯不亮</a><span>2026-11-02</span>
          <img src="blz.gif" alt="办理中"></div>
      <div class="row"><a href="x3.html">咨询灵活就业社保缴费</a><span>2026-06-30</span>
          <em>未回复</em></div></div>"""
    rows = board_rows(page(html))
    assert [(r.title, r.posted, r.replied, r.status) for r in rows] == [
        ("关于老旧小区加装电梯的咨询", D("2026-10-09"), None, "answered"),
        ("反映村道路灯不亮", D("2026-11-02"), None, "in_progress"),
        ("咨询灵活就业社保缴费", D("2026-06-30"), None, "pending")]


def test_board_table_under_a_caption_row_with_a_bare_time_column():
    """A table whose first row is its caption (县长信箱) and whose columns are 来信主题 / 状态 /
    时间 / 受理单位: the header is found below the caption, 时间 is when the letter came."""
    html = """<table><tr><td colspan="4">县长信箱 — 最新来信</td></tr>
      <tr><th>来信标题</th><th>状态</th><th>时间</th><th>受理单位</th></tr>
      <tr><td><a href="m?id=9">咨询企业开办流程</a></td><td>已办理</td><td>2026-09-01 10:22:03</td>
          <td>县市场监管局</td></tr>
      <tr><td><a href="m?id=8">反映菜市场占道经营</a></td><td>待办理</td><td>2026-08-15 16:40:00</td>
          <td>县城管局</td></tr></table>"""
    rows = board_rows(page(html))
    assert [(r.title, r.posted, r.status, r.unit) for r in rows] == [
        ("咨询企业开办流程", D("2026-09-01"), "answered", "县市场监管局"),
        ("反映菜市场占道经营", D("2026-08-15"), "pending", "县城管局")]


def test_board_rows_by_their_labels_or_in_a_table_without_header():
    """Rows that name their dates (留言时间：… 回复时间：…) but show no status word, and a table
    board without a header row; an ordinary news list (发布时间：…) is no board."""
    html = """<ul><li><span class="t"><a href="c1.html">建议增设公交站点</a></span>
      <span>留言时间：2026-10-01</span><span>回复时间：2026-10-05</span></li>
      <li><span class="t"><a href="c2.html">咨询公租房申请</a></span><span>留言时间：2026-09-01</span>
      <span>回复时间：</span></li></ul>"""
    assert [(r.title, r.posted, r.replied, r.status) for r in board_rows(page(html))] == [
        ("建议增设公交站点", D("2026-10-01"), D("2026-10-05"), "answered"),
        ("咨询公租房申请", D("2026-09-01"), None, "")]
    html = """<table><tr><td><a href="a1.html">咨询落户政策</a></td><td>2026-10-01</td><td>已回复</td></tr>
      <tr><td><a href="a2.html">反映噪音扰民</a></td><td>2026-09-01</td><td>未回复</td></tr></table>"""
    assert [(r.title, r.posted, r.status) for r in board_rows(page(html))] == [
        ("咨询落户政策", D("2026-10-01"), "answered"), ("反映噪音扰民", D("2026-09-01"), "pending")]
    html = """<ul><li><a href="n1.html">县政府召开常务会议</a><span>发布时间：2026-10-01</span></li>
      <li><a href="n2.html">县长调研春耕生产</a><span>发布时间：2026-10-02</span></li></ul>"""
    assert board_rows(page(html)) == []


def test_letter_drawn_as_a_table_without_colons():
    html = """<table><tr><td>信件标题</td><td colspan="3">关于路灯不亮的反映</td></tr>
      <tr><td>来信人</td><td>王**</td><td>来信时间</td><td>2026-05-06 10:21:33</td></tr>
      <tr><td>回复单位</td><td>县住建局</td><td>回复时间</td><td>2026-09-10</td></tr>
      <tr><td>回复内容</td><td colspan="3">您好，来信收悉……</td></tr></table>"""
    m = message_detail(page(html, BASE + "l1.html"))
    assert (m.posted, m.replied, m.status, m.unit) == (D("2026-05-06"), D("2026-09-10"), "answered",
                                                       "县住建局")


def test_letter_page_with_chinese_dates():
    html = """<div class="article"><h1>咨询医保政策</h1>
      <div class="letter"><h3>来信内容</h3><p>来信人：市民***　　留言时间：2026年7月8日</p><p>……</p></div>
      <div class="reply"><h3>回复内容</h3><p>回复单位：市卫生健康委员会　　回复时间：2026年11月15日</p></div>
      <p>办理状态：已回复</p></div>"""
    m = message_detail(page(html, BASE + "t1.html"))
    assert (m.posted, m.replied, m.status, m.unit) == (D("2026-07-08"), D("2026-11-15"), "answered",
                                                       "市卫生健康委员会")
    waiting = message_detail(page("<p>留言时间：2026-08-30 14:32</p><p>办理状态：办理中</p>"))
    assert (waiting.posted, waiting.replied, waiting.status) == (D("2026-08-30"), None, "in_progress")
    assert message_detail(page("<p>发布时间：2026-08-30</p><p>正文</p>")) is None


def test_status_words_longest_first():
    assert [status_of(t) for t in ("未回复", "已回复", "办理中", "已办结", "新闻")] == \
        ["pending", "answered", "in_progress", "answered", ""]


def test_gates():
    login = '<form><input name="u"><input type="password" name="p"></form><p>请先登录后查看留言</p>'
    assert gate(page(login)) == "login"
    assert gate(page('<form><input name="code"> 验证码 <img src="c.jpg"></form>')) == "captcha"
    assert gate(page("<p>本栏目暂无信息</p>")) is None


# ---- measurements ---------------------------------------------------------------------------------
def board(name: str, category: str, rows, gated: str = "") -> Column:
    """rows: (url, posted, replied, status)."""
    items = [Item(title=f"留言{u}", url=u, date=D(p) if p else None) for u, p, _, _ in rows]
    messages = {u: Message(url=u, posted=D(p) if p else None, replied=D(r) if r else None, status=s)
                for u, p, r, s in rows}
    return Column(url=f"http://x/{name}/", name=name, category=category, items=items,
                  messages=messages, gated=gated)


def activities(name: str, category: str, dates) -> Column:
    return Column(url=f"http://x/{name}/", name=name, category=category,
                  items=[Item(title=f"{name}{d}", url=f"http://x/{name}/{d}.html", date=D(d))
                         for d in dates])


def site(*cols) -> SiteObservations:
    return SiteObservations(site_code="s", home_url="http://x/", reachable=True, columns=list(cols))


def test_overdue_definition_and_reply_table():
    obs = site(board("信箱", "consultation", [
        ("a", "2026-08-22", "2026-11-22", "answered"),   # exactly 3 months: in time
        ("b", "2026-08-21", "2026-11-22", "answered"),   # a day more: late
        ("c", "2026-08-23", None, "in_progress"),        # not 3 months old yet
        ("d", "2026-08-21", None, "pending"),            # 3 months and a day without a reply
        ("e", "2025-11-22", "2025-11-25", "answered"),   # first day of the year
        ("f", "2025-11-21", None, "pending")]),          # outside the year
        board("投诉举报", "complaint", [("g", "2026-01-01", None, "pending")]))
    m, findings, table = interaction(obs, AS_OF, TAXONOMY)
    assert (m["consultation_columns"], m["consultation_messages_1y"],
            m["unanswered_messages_over_3m"]) == (1, 5, 2)
    late = [f for f in findings if f.kind == "unanswered_message"]
    assert [(f.url, f.posted, f.replied, f.waited_days) for f in late] == [
        ("b", "2026-08-21", "2026-11-22", 93), ("d", "2026-08-21", "", 93)]
    assert late[1].evidence == "留言 2026-08-21，至今未回复，已等待 93 天（超过 3 个月）"
    assert table == {"received": 5, "replied": 3, "reply_rate": 0.6,
                     "avg_reply_days": round((92 + 93 + 3) / 3, 1), "overdue": 2, "unreadable": []}


def test_message_publishing_2019():
    """Messages shown without 留言时间, or answered without 答复时间; messages and replies dated in
    the 2 months before as_of (Beijing 2019 Q4, applying the 2019 indicators)."""
    quiet = board("信箱", "consultation", [
        ("a", "2026-09-20", "2026-09-21", "answered"),   # replied 2 months and a day before
        ("b", None, None, "pending"),                    # no 留言时间
        ("c", "2026-06-01", None, "answered"),           # 已回复, no 答复时间
        ("d", None, None, "answered")])                  # neither
    m, findings = publishing(site(quiet), AS_OF, TAXONOMY)
    assert m == {"messages_undated": 3, "messages_published_2m": 0}
    assert [(f.kind, f.url, f.evidence) for f in findings] == [
        ("undated_message", "b", "公开的留言未注明留言时间"),
        ("undated_message", "c", "已答复，公开的留言未注明答复时间"),
        ("undated_message", "d", "已答复，公开的留言未注明留言时间和答复时间"),
        ("no_recent_message", "http://x/信箱/", "近 2 个月未公开留言或答复，最近一次为 2026-09-21")]
    # a reply on the first day of the window is enough; an old message replied lately too
    replied = board("信箱", "consultation", [("e", "2026-05-01", "2026-09-22", "answered")])
    assert publishing(site(replied), AS_OF, TAXONOMY)[0]["messages_published_2m"] == 1
    # no board, or one behind a login: not measured
    for obs in (site(), site(board("区长信箱", "consultation", [], gated="login"))):
        assert publishing(obs, AS_OF, TAXONOMY) == ({"messages_undated": None,
                                                      "messages_published_2m": None}, [])


def test_unreadable_board_is_null_not_zero():
    obs = site(board("区长信箱", "consultation", [], gated="login"))
    m, findings, table = interaction(obs, AS_OF, TAXONOMY)
    assert (m["consultation_columns"], m["consultation_messages_1y"],
            m["unanswered_messages_over_3m"]) == (1, None, None)
    assert [f.evidence for f in findings if f.kind == "unreadable_board"] == ["无法自动读取（需要登录）"]
    assert table["unreadable"] == ["http://x/区长信箱/"] and table["received"] is None


def test_no_columns_are_null_and_activities_counted_once():
    obs = site(activities("意见征集", "survey", ["2026-10-01", "2025-11-22", "2025-11-21"]),
               activities("网上调查", "survey", ["2026-03-03"]))
    m, _, table = interaction(obs, AS_OF, TAXONOMY)
    assert m == {"consultation_columns": 0, "consultation_messages_1y": None,
                 "unanswered_messages_over_3m": None, "survey_columns": 2, "surveys_1y": 3,
                 "interview_columns": 0, "interviews_1y": None}
    assert table is None


# ---- rules --------------------------------------------------------------------------------------
def measures(**kw):
    from indicators.measure import measurement_keys
    m = {k: 0 for k in measurement_keys()}
    m.update(availability_probes=40, homepage_updates_14d=12, consultation_columns=1,
             consultation_messages_1y=5, survey_columns=1, surveys_1y=6, interview_columns=1,
             interviews_1y=6)
    m.update(kw)
    return m


@pytest.mark.parametrize("portal,kw,charged", [
    (True, {}, {}),
    (True, {"surveys_1y": 5, "interviews_1y": 5}, {"survey": 3, "interview": 3}),
    (False, {"surveys_1y": 3, "interviews_1y": 3}, {}),
    (False, {"surveys_1y": 2, "interviews_1y": 2}, {"survey": 3, "interview": 3}),
    (False, {"surveys_1y": 0, "interviews_1y": 0}, {"survey": 5, "interview": 5}),
    (False, {"survey_columns": 0, "surveys_1y": None, "interview_columns": 0,
             "interviews_1y": None}, {"survey": 5}),
    (False, {"consultation_columns": 0, "consultation_messages_1y": None}, {"consultation": 5}),
    (False, {"consultation_messages_1y": 0}, {"consultation": 5}),
])
def test_interaction_deductions(portal, kw, charged):
    v = assess(measures(**kw), load_ruleset("census-2015"), is_portal=portal).verdict
    assert {d.rule: d.points for d in v.deductions} == charged


def test_poor_interaction_veto_and_unreadable_board():
    ruleset = load_ruleset("census-2015")
    assert assess(measures(unanswered_messages_over_3m=1), ruleset).verdict.vetoes == \
        ["poor_interaction"]
    unread = assess(measures(consultation_messages_1y=None, unanswered_messages_over_3m=None),
                    ruleset)
    assert unread.verdict.vetoes == [] and {"poor_interaction", "consultation"} <= set(unread.skipped)
