"""Noise control, pure: the current warning states, what each recipient was last told, the recent
level changes and the declared outages → what to say now and what to hold.

One idea carries it all (Alertmanager's, Uptime Kuma's): a message says the difference between the
level a key is at and the level last TOLD for it (a "mark"). A rise held by the night, by a
maintenance window or by flapping is simply not yet told, so it goes out when the hold ends if it
still stands — and a fall back before then costs nobody a message. A recovery is told only for
a key whose rise was told.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from indicators.watched import Declared
from scoring.warnings import OK, RISK
from scoring.watchstate import Change, Key, State, beijing


@dataclass(frozen=True)
class Mark:
    level: int
    at: datetime            # when it was told (UTC)


@dataclass(frozen=True)
class Notice:
    kind: str               # 'rise' | 'recovery' | 'reminder'
    key: Key
    level: int              # the level now
    told: int               # the level last told
    detail: str
    url: str = ""


@dataclass(frozen=True)
class Held:
    key: Key
    level: int
    reason: str             # Chinese: why it was not sent now
    detail: str


@dataclass(frozen=True)
class Policy:
    quiet_start: time
    quiet_end: time
    reminder: timedelta
    flap_changes: int
    flap_window: timedelta

    @classmethod
    def from_config(cls, cfg: dict) -> "Policy":
        q = cfg["quiet_hours"]
        return cls(time.fromisoformat(q["start"]), time.fromisoformat(q["end"]),
                   timedelta(hours=cfg["reminder_hours"]), cfg["flapping"]["changes"],
                   timedelta(minutes=cfg["flapping"]["minutes"]))

    def quiet(self, now: datetime) -> bool:
        t = beijing(now).time()
        if self.quiet_start <= self.quiet_end:
            return self.quiet_start <= t < self.quiet_end
        return t >= self.quiet_start or t < self.quiet_end


@dataclass
class Decision:
    send: list[Notice]
    held: list[Held]
    marks: dict[Key, Mark]  # the marks after sending everything in `send`


def decide(states: dict[Key, State], marks: dict[Key, Mark], changes: list[Change],
           declared: dict[str, list[Declared]], policy: Policy, now: datetime,
           floor: int = 1) -> Decision:
    """`floor`: the lowest level this channel's recipients want; below it counts as 正常."""
    send, held = [], []
    new_marks = dict(marks)
    recent: dict[Key, int] = {}
    for c in changes:
        if now - policy.flap_window < c.at <= now:
            recent[c.key] = recent.get(c.key, 0) + 1
    for key in sorted({*states, *marks}):
        state, mark = states.get(key), marks.get(key)
        level = state.level if state and state.level >= floor else OK
        told = mark.level if mark else OK
        detail = state.detail if state else f"{key[2].split('：')[-1]} 已恢复正常"
        url = state.url if state else ""
        outage = next((d for d in declared.get(key[0], []) if d.covers(now)), None)
        reminder_due = (level == told == RISK and mark is not None
                        and now - mark.at >= policy.reminder)
        if level == told and not reminder_due:
            continue
        if outage:
            held.append(Held(key, level, f"{outage.kind}期间（{outage.note or '已登记'}），不发消息",
                             detail))
            continue
        if recent.get(key, 0) > policy.flap_changes:
            held.append(Held(key, level, f"1 小时内变化 {recent[key]} 次，频繁波动，列入每日汇总", detail))
            continue
        if level > told:
            if level < RISK and policy.quiet(now):
                held.append(Held(key, level, "夜间免打扰，早上发送", detail))
                continue
            send.append(Notice("rise", key, level, told, detail, url))
        elif level == told:
            send.append(Notice("reminder", key, level, told, detail, url))
        elif level == OK:
            if told < RISK and policy.quiet(now):
                held.append(Held(key, level, "夜间免打扰，早上发送", detail))
                continue
            send.append(Notice("recovery", key, level, told, detail, url))
        # a fall that is not a recovery (否决风险 → 预警) says nothing; the mark follows it so a
        # later rise is told again and reminders stop
        new_marks[key] = Mark(level, now)
        if level == OK:
            new_marks.pop(key, None)
    return Decision(send, held, new_marks)


def flapping(changes: list, policy: Policy) -> list[Held]:
    """Keys that changed more than the flapping limit within some hour of the last day."""
    by_key: dict[Key, list] = {}
    for c in changes:
        by_key.setdefault(c.key, []).append(c)
    held = []
    for key, cs in sorted(by_key.items()):
        worst = max(sum(1 for d in cs if c.at <= d.at < c.at + policy.flap_window) for c in cs)
        if worst > policy.flap_changes:
            held.append(Held(key, cs[-1].new, f"频繁波动：24 小时内变化 {len(cs)} 次，"
                                              f"1 小时内最多 {worst} 次", cs[-1].detail))
    return held
