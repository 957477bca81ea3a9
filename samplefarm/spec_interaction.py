"""Sample sites for availability and citizen interaction (hosts 127.0.1.20–25, codes 99060000xx).

Every site has the same small news/notice skeleton (10 + 1 homepage updates, nothing stale) so its
figures come from what it is planted for: a flaky homepage, a shaky one, message boards in the
three layouts (table, <li> with a status badge, replies only on letter pages) with answered,
late-answered, unanswered and in-progress messages inside and outside the year, a board behind a
login, survey/interview columns near the portal (6) and other-site (3) thresholds, a reply shown
without its date and a board with nothing published in the last 2 months (2019 inspection); (C)'s
homepage search box builds its URL by script, and the handler answers HTTP 500 (站内搜索).
truth_interaction.yaml states what a correct audit finds.
"""
from __future__ import annotations

from samplefarm.common import BROKEN_SEARCH_PATH
from samplefarm.model import Block, Col, Item, Site, Special
from samplefarm.spec import D, Maker


def messages(m: Maker, rows: list[tuple]) -> list[Item]:
    """Board messages: (posted or None, reply or None[, status]) → items with stable titles; a
    message posted None is published without its 留言时间."""
    out = []
    for row in rows:
        posted, reply, *status = row
        it = m.run("consultation", posted or reply, 1, 0)[0]
        if posted is None:
            it.date, it.url_dated = None, False
        it.reply = D(reply) if reply else None
        it.status = status[0] if status else ""
        out.append(it)
    return out


def dated(m: Maker, cat: str, dates: list[str]) -> list[Item]:
    return [m.run(cat, d, 1, 0)[0] for d in dates]


def _site(code: str, name: str, place: str, host: int, site_type: str, level: str,
          interaction: list[Col], **kw) -> Site:
    m = kw.pop("maker")
    cols = [
        Col("gzdt", "工作动态", "/gzdt/", "news", items=m.run("news", "2026-11-21", 12, 1), nav=True),
        Col("tzgg", "通知公告", "/tzgg/", "notice", items=m.run("notice", "2026-11-10", 6, 15),
            nav=True),
        Col("hdjl", "互动交流", "/hdjl/", None, kind="hub", nav=True),
        *interaction,
    ]
    return Site(code=code, name=name, place=place, org=name, level=level,
                region="华阳省云岭市", site_type=site_type, host=host, domain=f"www.{code}.gov.cn",
                style="trs", columns=cols, nav=["gzdt", "tzgg", "hdjl"],
                blocks=[Block("gzdt", 10), Block("tzgg", 5)], uid_base=int(code[-3:]) * 10000 + 700000,
                **kw).build()


# ---- (A) portal whose homepage fails every 10th request: 4 of 40 probes -> site_unreachable -------
def _flaky() -> Site:
    m = Maker("清源县", "清源县人民政府")
    return _site("9906000001", "清源县人民政府", "清源县", 20, "门户网站", "县级", [
        # No consultation column; a survey column with 2 activities in the year.
        Col("yjzj", "意见征集", "/hdjl/yjzj/", "survey", group="互动交流",
            items=dated(m, "survey", ["2026-10-10", "2026-04-02"])),
    ], maker=m, fail_every=10)


# ---- (B) portal failing every 40th request (2.5%: 10 points); a table board -> poor_interaction --
def _shaky() -> Site:
    m = Maker("云岭市", "云岭市人民政府")
    board = messages(m, [
        ("2026-11-18", "2026-11-20"), ("2026-11-10", "2026-11-13"), ("2026-10-28", "2026-11-02"),
        ("2026-10-15", None, "in_progress"),         # 38 days old: not yet overdue
        ("2026-09-20", "2026-09-25"),
        ("2026-08-22", "2026-11-22"),                # replied exactly 3 months later: in time
        ("2026-07-01", "2026-07-06"),
        ("2026-06-01", None, "in_progress"),         # 办理中 for 174 days: overdue
        ("2026-05-10", None),                        # 未回复 for 196 days: overdue
        ("2026-03-02", "2026-07-20"),                # replied after 140 days: overdue
        ("2026-01-15", "2026-01-20"),
        ("2025-11-22", "2025-11-28"),                # first day of the year: counted
        ("2025-11-21", None),                        # a day before the year: not counted
        ("2025-09-01", "2025-09-05"),
    ])
    return _site("9906000002", "云岭市人民政府", "云岭市", 21, "门户网站", "地市级", [
        Col("szxx", "市长信箱", "/hdjl/szxx/", "consultation", group="互动交流", board="table",
            paging="trs", per_page=10, items=board),
        Col("wsdc", "网上调查", "/hdjl/wsdc/", "survey", group="互动交流",
            items=dated(m, "survey", ["2026-11-01", "2026-09-15", "2026-07-20", "2026-05-10",
                                      "2026-03-01", "2025-12-20", "2025-10-01"])),
        Col("zxft", "在线访谈", "/hdjl/zxft/", "interview", group="互动交流",
            items=dated(m, "interview", ["2026-10-20", "2026-08-15", "2026-06-10", "2026-04-05",
                                         "2026-01-10", "2025-11-01"])),
    ], maker=m, fail_every=40, fail_status=502)


# ---- (C) department: <li> board with status badges, ?page=N; complaints kept apart -----------------
def _badges() -> Site:
    m = Maker("市自然资源局", "云岭市自然资源局")
    board = messages(m, [
        ("2026-11-19", "2026-11-21"), ("2026-11-05", None, "in_progress"),
        ("2026-10-12", "2026-10-16"), ("2026-09-01", "2026-11-20"),   # 80 days: in time
        ("2026-06-18", "2026-06-25"), ("2026-02-10", "2026-02-14"),
        ("2025-08-15", None),                                          # outside the year
        ("2025-06-01", "2025-06-05"),
    ])
    complaints = messages(m, [("2026-10-30", "2026-11-02"), ("2026-04-01", None)])
    return _site("9906000003", "云岭市自然资源局", "市自然资源局", 22, "部门网站", "地市级", [
        Col("zxzx", "在线咨询", "/hdjl/zxzx/list.html", "consultation", group="互动交流",
            board="badge", paging="page", per_page=5, items=board),
        # 投诉举报 is a complaint channel, not a consultation column: its 未回复 letter of 04-01
        # must not count (census: 不含举报投诉类栏目).
        Col("tsjb", "投诉举报", "/hdjl/tsjb/", "complaint", group="互动交流", board="badge",
            items=complaints),
        Col("yjzj", "意见征集", "/hdjl/yjzj/", "survey", group="互动交流",
            items=dated(m, "survey", ["2026-10-05", "2026-06-01", "2026-01-12"])),
        Col("zxft", "在线访谈", "/hdjl/zxft/", "interview", group="互动交流",
            items=dated(m, "interview", ["2026-09-09", "2026-03-03"])),
    ], maker=m, date_fmt="slash", search="broken",
        specials={BROKEN_SEARCH_PATH: Special("500")})   # its search handler fails (站内搜索)


# ---- (D) department: replies only on the letter pages, 下一页 paging; one late reply -> veto ------
def _letters() -> Site:
    m = Maker("市卫生健康委", "云岭市卫生健康委员会")
    board = messages(m, [
        ("2026-11-12", "2026-11-16"), ("2026-10-20", "2026-10-23"),
        ("2026-09-10", None, "answered"),            # 已回复, but no 回复时间 shown (2019: 未公开答复时间)
        ("2026-08-30", None, "in_progress"),         # 84 days: not yet overdue
        ("2026-07-08", "2026-11-15"),                # replied after 130 days: overdue
        ("2026-04-22", "2026-04-30"), ("2025-12-01", "2025-12-03"),
        ("2025-10-10", "2026-03-01"),                # late, but posted before the year
    ])
    return _site("9906000004", "云岭市卫生健康委员会", "市卫生健康委", 23, "部门网站", "地市级", [
        Col("zrxx", "主任信箱", "/hdjl/zrxx/index.htm", "consultation", group="互动交流",
            paging="next", per_page=4, items=board),
        Col("wsdc", "网上调查", "/hdjl/wsdc/", "survey", group="互动交流",
            items=dated(m, "survey", ["2026-08-08", "2026-02-02", "2025-07-07"])),
        Col("zxft", "在线访谈", "/hdjl/zxft/", "interview", group="互动交流",
            items=dated(m, "interview", ["2025-09-20"])),          # none in the year: 5 points
    ], maker=m, date_fmt="cn")


# ---- (E) portal whose board needs a login: 无法自动读取, its measurements null ----------------------
def _login() -> Site:
    m = Maker("云岭区", "云岭市云岭区人民政府")
    return _site("9906000005", "云岭市云岭区人民政府", "云岭区", 24, "门户网站", "县级", [
        Col("qzxx", "区长信箱", "/hdjl/qzxx/", "consultation", group="互动交流", gate="login"),
    ], maker=m)


# ---- (F) department whose board has gone quiet: nothing published in the 2 months before 11-22;
# its board is <div> rows whose status is a picture -----------------------------------------------
def _quiet() -> Site:
    m = Maker("市人力资源社会保障局", "云岭市人力资源和社会保障局")
    board = messages(m, [
        ("2026-08-20", "2026-08-25"),                # the newest message and reply: 3 months ago
        ("2026-06-10", "2026-06-12"), ("2026-03-05", "2026-03-09"),
    ])
    return _site("9906000006", "云岭市人力资源和社会保障局", "市人力资源社会保障局", 25, "部门网站",
                 "地市级", [
        Col("jzxx", "局长信箱", "/hdjl/jzxx/", "consultation", group="互动交流", board="divs",
            items=board),
    ], maker=m)


SITES = [_flaky, _shaky, _badges, _letters, _login, _quiet]
