"""What a message says: one aggregated text per run per channel (Markdown-ish, which every robot and
a mail reader show well), the daily digest and the weekly roll-up, split to a platform's size limit.
Chinese, times in 北京时间."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from notify.policy import Held, Notice
from scoring.warnings import LEVELS
from scoring.watchstate import Key, State, bj_text

KIND_MARK = {"rise": "▲", "recovery": "✓ 恢复", "reminder": "⏰ 提醒"}


def _who(key: Key, names: dict[str, str]) -> str:
    name = names.get(key[0], "")
    return f"{name}（{key[0]}）" if name else key[0]


def _what(rule_title: str, subject: str, detail: str) -> str:
    """'规则·项目：说明', without saying a column's or a message's name twice."""
    name = subject.split("：", 1)[-1]
    return f"{rule_title}：{detail}" if detail.startswith(name) else f"{rule_title}·{subject}：{detail}"


def alert_text(notices: list[Notice], names: dict[str, str], rule_titles: dict[str, str],
               now: datetime) -> tuple[str, str]:
    """(title, body) of one run's message on one channel."""
    title = f"政府网站预警 {bj_text(now)}"
    lines = [f"### {title}（北京时间）", ""]
    for n in sorted(notices, key=lambda n: (-n.level, n.key)):
        head = KIND_MARK[n.kind] + ("" if n.kind == "recovery" else f" {LEVELS[n.level]}")
        lines.append(f"- **{head}**｜{_who(n.key, names)}｜"
                     f"{_what(rule_titles.get(n.key[1], n.key[1]), n.key[2], n.detail)}"
                     + (f" {n.url}" if n.url else ""))
    return title, "\n".join(lines)


def digest_text(states: Iterable[State], held: list[Held], names: dict[str, str],
                rule_titles: dict[str, str], now: datetime) -> tuple[str, str]:
    """The daily digest: every state above 正常 (worst first) and what was held; '今日无预警' else."""
    title = f"政府网站每日预警汇总 {bj_text(now)[:5]}"
    raised = sorted((s for s in states if s.level > 0), key=lambda s: (-s.level, s.key))
    lines = [f"### {title}", ""]
    if not raised:
        lines.append("今日无预警：所有网站各项指标均在预警线以下。")
    for s in raised:
        since = f"（自 {bj_text(s.since)} 起）" if s.since else ""
        lines.append(f"- **{LEVELS[s.level]}**｜{_who(s.key, names)}｜"
                     f"{_what(rule_titles.get(s.rule, s.rule), s.subject, s.detail)}{since}")
    if held:
        lines += ["", "未即时发送（波动、维护/报备或夜间）："]
        lines += [f"- {_who(h.key, names)}｜{h.key[2]}：{h.reason}" for h in held]
    return title, "\n".join(lines)


def weekly_text(outages: dict[str, list[tuple[datetime, datetime | None, int]]],
                states: Iterable[State], names: dict[str, str], now: datetime) -> tuple[str, str]:
    """The weekly roll-up: the week's outages per site and the columns at risk."""
    title = f"政府网站每周预警汇总 {bj_text(now)[:5]}"
    lines = [f"### {title}", "", "**本周首页中断**"]
    any_outage = False
    for code in sorted(outages):
        for start, end, failures in outages[code]:
            any_outage = True
            span = f"{bj_text(start)}–{bj_text(end)}" if end else f"{bj_text(start)} 起至今"
            lines.append(f"- {_who((code, '', ''), names)}：{span}，失败 {failures} 次")
    if not any_outage:
        lines.append("- 无")
    lines += ["", "**临近否决线的栏目与留言**"]
    risky = sorted((s for s in states if s.level > 0 and s.countdown is not None),
                   key=lambda s: (s.countdown, s.key))
    lines += [f"- {LEVELS[s.level]}｜{_who(s.key, names)}｜{s.detail}" for s in risky] or ["- 无"]
    return title, "\n".join(lines)


def split(body: str, limit: int) -> list[str]:
    """Parts of at most `limit` UTF-8 bytes, cut at line ends (a single over-long line is cut
    inside), each after the first marked （续）."""
    parts, current = [], ""
    for line in body.split("\n"):
        while len(line.encode()) > limit - 20:
            cut = limit - 20
            head = line.encode()[:cut].decode(errors="ignore")
            line = line[len(head):]
            parts, current = _push(parts, current, head, limit)
        parts, current = _push(parts, current, line, limit)
    if current:
        parts.append(current)
    return [p if i == 0 else f"（续 {i + 1}/{len(parts)}）\n{p}" for i, p in enumerate(parts)]


def _push(parts: list[str], current: str, line: str, limit: int) -> tuple[list[str], str]:
    candidate = f"{current}\n{line}" if current else line
    if len(candidate.encode()) > limit - 20 and current:
        return [*parts, current], line
    return parts, candidate
