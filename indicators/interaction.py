"""Citizen interaction (互动回应): message boards, surveys and interviews → the census measurements,
the findings an official can click, and the reply-rate table provincial offices publish.

Definitions (DOMAIN.md): messages posted in the year before as_of count; a message is unanswered
for more than 3 months when its reply came more than 3 months after it was posted, or it has no
reply and was posted more than 3 months before as_of. `*_1y` is None where the site has no such
column, or where a board could not be read (login/captcha: 无法自动读取).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from indicators.findings import Finding
from indicators.observations import Column, Message, SiteObservations
from indicators.updates import distinct_columns
from indicators.windows import describe, in_window

KEYS = ("consultation_columns", "consultation_messages_1y", "unanswered_messages_over_3m",
        "survey_columns", "surveys_1y", "interview_columns", "interviews_1y")
# Publishing of messages (2019 inspection, as Beijing's 2019 Q4 notice applies it): messages shown
# without their 留言时间 or, once answered, without their 答复时间; no message or reply published in
# the last 2 months. Appended after the census keys so results.json keeps its order.
PUBLISH_KEYS = ("messages_undated", "messages_published_2m")
GATE_TEXT = {"login": "需要登录", "captcha": "需要输入验证码"}
STATUS_TEXT = {"in_progress": "办理中", "pending": "未回复", "answered": "已回复", "": "无回复"}


@dataclass
class Letter:
    """A board message with everything known about it merged (list row, letter page, list item)."""
    url: str
    title: str
    posted: date | None
    replied: date | None
    status: str
    column_url: str

    @property
    def answered(self) -> bool:
        return self.replied is not None or self.status == "answered"


def letters(col: Column) -> list[Letter]:
    """The column's messages: its list items, completed by board rows and letter pages."""
    out, seen = [], set()
    for it in col.items:
        if it.url in seen:
            continue
        seen.add(it.url)
        m = col.messages.get(it.url) or Message(url=it.url)
        # The list's only date may be the reply's (回复：2026-06-10 beside a row with no 留言时间).
        listed = it.date if it.date != m.replied else None
        out.append(Letter(url=it.url, title=m.title or it.title, posted=m.posted or listed,
                          replied=m.replied, status=m.status, column_url=col.url))
    return out


def overdue(letter: Letter, as_of: date, limit: dict) -> bool:
    """Replied more than `limit` after posting, or unanswered and posted more than `limit` ago."""
    if letter.posted is None:
        return False
    deadline = letter.posted + relativedelta(**limit)
    if letter.replied is not None:
        return letter.replied > deadline
    return not letter.answered and deadline < as_of


def interaction(obs: SiteObservations, as_of: date,
                taxonomy: dict) -> tuple[dict, list[Finding], dict | None]:
    """(the seven measurements, findings, the reply-rate table row or None)."""
    year, limit = taxonomy["windows"]["interaction_year"], taxonomy["windows"]["reply_limit"]
    cols = distinct_columns(obs.columns)
    by_cat = {cat: [c for c in cols if c.category == cat]
              for cat in ("consultation", "survey", "interview")}
    values: dict = {}
    findings: list[Finding] = []

    # -- consultation boards
    boards = by_cat["consultation"]
    values["consultation_columns"] = len(boards)
    gated = [c for c in boards if c.gated]
    for c in gated:
        findings.append(Finding(kind="unreadable_board", measure="consultation_messages_1y",
                                url=c.url, title=c.name,
                                evidence=f"无法自动读取（{GATE_TEXT.get(c.gated, c.gated)}）"))
    stats = None
    if not boards:
        values["consultation_messages_1y"] = values["unanswered_messages_over_3m"] = None
        findings.append(Finding(kind="no_column", measure="consultation_columns", url=obs.home_url,
                                title="咨询类栏目", evidence="未开设咨询类栏目"))
    elif gated:
        values["consultation_messages_1y"] = values["unanswered_messages_over_3m"] = None
        stats = {"received": None, "replied": None, "reply_rate": None, "avg_reply_days": None,
                 "overdue": None, "unreadable": [c.url for c in gated]}
    else:
        in_year = [m for c in boards for m in letters(c) if in_window(m.posted, as_of, year)]
        late = [m for m in in_year if overdue(m, as_of, limit)]
        values["consultation_messages_1y"] = len(in_year)
        values["unanswered_messages_over_3m"] = len(late)
        for m in late:
            findings.append(_late_finding(m, as_of, limit))
        # 已回复 with no reply date, and the letter's page never fetched (the page budget ran out):
        # whether the reply came in time is unknown, and said so.
        unread = [m for m in in_year if m.answered and m.replied is None and m.url not in obs.pages]
        if unread:
            findings.append(Finding(
                kind="unread_letter", measure="unanswered_messages_over_3m", url=unread[0].column_url,
                title="、".join(m.title for m in unread[:5]) + ("等" if len(unread) > 5 else ""),
                evidence=f"{len(unread)} 条留言列表显示已回复但无回复时间，来信页未能抓取"
                         f"（页面预算用尽或来信页无法打开），无法核实是否超期回复"))
        if not in_year:
            findings += [Finding(kind="no_activity", measure="consultation_messages_1y", url=c.url,
                                 title=c.name, evidence=f"近 {describe(year)}无留言")
                         for c in boards]
        stats = reply_table(in_year, late)

    # -- surveys and interviews: activities are the columns' dated items
    for cat, cols_key, count_key, what in (("survey", "survey_columns", "surveys_1y", "调查征集"),
                                           ("interview", "interview_columns", "interviews_1y",
                                            "在线访谈")):
        group = by_cat[cat]
        values[cols_key] = len(group)
        if not group:
            values[count_key] = None
            findings.append(Finding(kind="no_column", measure=cols_key, url=obs.home_url,
                                    title=f"{what}类栏目", evidence=f"未开设{what}类栏目"))
            continue
        seen: dict[str, tuple] = {}
        for c in group:
            for it in c.items:
                if in_window(it.date, as_of, year):
                    seen.setdefault(it.url, (c, it))
        values[count_key] = len(seen)
        for c in group:
            held = [it for cc, it in seen.values() if cc is c]
            listed = "；".join(f"{it.title}（{it.date.isoformat()}）" for it in held)
            findings.append(Finding(kind="activities", measure=count_key, url=c.url, title=c.name,
                                    evidence=f"近 {describe(year)}开展{what} {len(held)} 次"
                                             + (f"：{listed}" if listed else "")))
    return {k: values[k] for k in KEYS}, findings, stats


def _late_finding(m: Letter, as_of: date, limit: dict) -> Finding:
    if m.replied is not None:
        waited = (m.replied - m.posted).days
        evidence = (f"留言 {m.posted.isoformat()}，{m.replied.isoformat()} 回复，等待 {waited} 天"
                    f"（超过 {describe(limit)}）")
    else:
        waited = (as_of - m.posted).days
        evidence = (f"留言 {m.posted.isoformat()}，至今{STATUS_TEXT.get(m.status, '无回复')}"
                    f"，已等待 {waited} 天（超过 {describe(limit)}）")
    return Finding(kind="unanswered_message", measure="unanswered_messages_over_3m", url=m.url,
                   title=m.title, evidence=evidence, source_url=m.column_url,
                   posted=m.posted.isoformat(),
                   replied=m.replied.isoformat() if m.replied else "", waited_days=waited)


def reply_table(in_year: list[Letter], late: list[Letter]) -> dict:
    """收到 / 已回复 / 回复率 / 平均回复天数 / 超期未回复 for the messages of the year."""
    answered = [m for m in in_year if m.answered]
    days = [(m.replied - m.posted).days for m in answered if m.replied and m.posted]
    return {"received": len(in_year), "replied": len(answered),
            "reply_rate": round(len(answered) / len(in_year), 4) if in_year else None,
            "avg_reply_days": round(sum(days) / len(days), 1) if days else None,
            "overdue": len(late), "unreadable": []}


def publishing(obs: SiteObservations, as_of: date, taxonomy: dict) -> tuple[dict, list[Finding]]:
    """PUBLISH_KEYS and their findings; None where there is no readable consultation board (or a
    taxonomy without the messages_published window)."""
    within = taxonomy["windows"].get("messages_published")
    boards = [c for c in distinct_columns(obs.columns) if c.category == "consultation"]
    if not within or not boards or any(c.gated for c in boards):
        return dict.fromkeys(PUBLISH_KEYS), []
    undated = []
    all_letters = [m for c in boards for m in letters(c)]
    for m in all_letters:
        missing = [what for what, gone in (("留言时间", m.posted is None),
                                           ("答复时间", m.answered and m.replied is None)) if gone]
        if missing:
            state = "已答复，" if m.answered else ""
            undated.append(Finding(kind="undated_message", measure="messages_undated", url=m.url,
                                    title=m.title, source_url=m.column_url,
                                    evidence=f"{state}公开的留言未注明{'和'.join(missing)}"))
    recent = [m for m in all_letters if in_window(m.posted, as_of, within)
              or in_window(m.replied, as_of, within)]
    stale = []
    if not recent:
        newest = max((d for m in all_letters for d in (m.posted, m.replied)
                      if d is not None and d <= as_of), default=None)
        last = f"，最近一次为 {newest.isoformat()}" if newest else ""
        stale = [Finding(kind="no_recent_message", measure="messages_published_2m", url=c.url,
                         title=c.name, evidence=f"近 {describe(within)}未公开留言或答复{last}")
                 for c in boards]
    return {"messages_undated": len(undated), "messages_published_2m": len(recent)}, undated + stale
