"""Delivering the early warnings (govaudit alerts --send, digest, the monitor): one aggregated
message per channel with what the policy says now, the daily digest and the weekly roll-up, a test
message; every send logged in the store with the platform's answer. The warning states, changes and
marks are read and written here as notify's own types (scoring.watchstate, notify.policy)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import config
from indicators.watched import declared_by_site, site_watches
from notify.channels import SendResult, make
from notify.compose import alert_text, digest_text, split, weekly_text
from notify.credentials import CredentialError
from notify.policy import Held, Mark, Policy, decide, flapping
from notify.routing import Routing
from scoring.ruleset import Ruleset
from scoring.watchstate import Change, Key, State, beijing, outages
from store import watch as rows
from store.sites import all_sites


@dataclass
class Delivery:
    channel: str
    kind: str                # alert | daily | weekly | test
    results: list[SendResult]
    lines: int = 0           # warnings in the message
    held: list[Held] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)


def alert_settings() -> dict:
    cfg = config.load_yaml("alerts.yaml")
    return {**cfg["delivery"], "size_limits": cfg["size_limits"]}


# ---- the stored states, changes and marks as the warning floor's own types ------------------
def load_states(engine) -> dict[Key, State]:
    return {(r["site_code"], r["rule"], r["subject"]): State(
        r["site_code"], r["rule"], r["subject"], r["quantity"], r["level"], r["detail"], r["value"],
        r["countdown"], r["url"], r["since"]) for r in rows.state_rows(engine)}


def save_states(engine, states: dict[Key, State], changes: list[Change], at: datetime) -> None:
    rows.replace_states(
        engine,
        [{"site_code": s.site, "rule": s.rule, "subject": s.subject, "quantity": s.quantity,
          "level": s.level, "since": s.since, "detail": s.detail, "value": s.value,
          "countdown": s.countdown, "url": s.url, "evaluated_at": at} for s in states.values()],
        [{"site_code": c.site, "rule": c.rule, "subject": c.subject, "at": c.at, "old": c.old,
          "new": c.new, "detail": c.detail} for c in changes])


def changes_between(engine, after: datetime | None = None, until: datetime | None = None) -> list[Change]:
    return [Change(r["site_code"], r["rule"], r["subject"], r["at"], r["old"], r["new"], r["detail"])
            for r in rows.change_rows(engine, after, until)]


def load_marks(engine, channel: str) -> dict[Key, Mark]:
    return {(r["site_code"], r["rule"], r["subject"]): Mark(r["level"], r["at"])
            for r in rows.mark_rows(engine, channel)}


def save_marks(engine, channel: str, marks: dict[Key, Mark]) -> None:
    rows.replace_marks(engine, channel, [{"site_code": k[0], "rule": k[1], "subject": k[2],
                                          "level": m.level, "at": m.at} for k, m in marks.items()])


def _log(engine, channel: str, kind: str, at: datetime, title: str, text: str,
         result: SendResult) -> None:
    rows.log_send(engine, channel=channel, kind=kind, at=at, title=title, text=text, ok=result.ok,
                  attempts=result.attempts, answer=result.answer, error=result.error)


def _context(engine, ruleset: Ruleset):
    sites = all_sites(engine)
    names = {s.code: s.name for s in sites}
    regions = {s.code: s.region for s in sites}
    titles = {r.id: r.title for r in ruleset.vetoes}
    return names, regions, titles


def _channel(engine, routing: Routing, name: str, at: datetime, clock):
    recent = rows.recent_sends(engine, name, at - timedelta(seconds=60))
    return make(name, routing.channels[name], alert_settings(), clock, recent)


def _deliver(engine, client, kind: str, title: str, body: str, at: datetime) -> list[SendResult]:
    results = []
    for part in split(body, client.size_limit):
        res = client.send(title, part)
        _log(engine, client.name, kind, at, title, part, res)
        results.append(res)
    return results


def _failed_setup(engine, name: str, kind: str, at: datetime, exc: Exception) -> Delivery:
    res = SendResult(False, 0, "", str(exc))
    _log(engine, name, kind, at, "", "", res)
    return Delivery(name, kind, [res])


def send_alerts(engine, ruleset: Ruleset, routing: Routing, at: datetime, clock=None) -> list[Delivery]:
    """One aggregated message per channel with what changed for its recipients; a channel whose
    send failed keeps its marks, so the next run says it again."""
    policy = Policy.from_config(config.load_yaml("alerts.yaml"))
    names, regions, titles = _context(engine, ruleset)
    states = load_states(engine)
    changes = changes_between(engine, after=at - policy.flap_window)
    declared = declared_by_site(engine)
    out = []
    for name in routing.channels:
        codes = routing.channel_sites(name, regions)
        if not codes:
            continue
        mine = {k: s for k, s in states.items() if k[0] in codes}
        marks = {k: m for k, m in load_marks(engine, name).items() if k[0] in codes}
        d = decide(mine, marks, [c for c in changes if c.site in codes], declared, policy, at,
                   routing.channel_min_level(name))
        if not d.send:
            save_marks(engine, name, d.marks)
            if d.held:
                out.append(Delivery(name, "alert", [], 0, d.held))
            continue
        try:
            client = _channel(engine, routing, name, at, clock)
        except CredentialError as exc:
            out.append(_failed_setup(engine, name, "alert", at, exc))
            continue
        title, body = alert_text(d.send, names, titles, at)
        results = _deliver(engine, client, "alert", title, body, at)
        if all(r.ok for r in results):
            save_marks(engine, name, d.marks)
        out.append(Delivery(name, "alert", results, len(d.send), d.held))
    return out


def send_digest(engine, ruleset: Ruleset, routing: Routing, at: datetime, kind: str = "daily",
                clock=None) -> list[Delivery]:
    """The daily digest (sent even when all is clear: 今日无预警) or the weekly roll-up, to every
    channel whose recipients asked for it, each with only its own sites."""
    policy = Policy.from_config(config.load_yaml("alerts.yaml"))
    names, regions, titles = _context(engine, ruleset)
    states = load_states(engine)
    flaps = flapping(changes_between(engine, after=at - timedelta(days=1)), policy)
    out = []
    for name in routing.digest_channels(kind):
        codes = routing.channel_sites(name, regions)
        mine = [s for k, s in states.items() if k[0] in codes]
        if kind == "daily":
            held = [h for h in flaps if h.key[0] in codes]
            title, body = digest_text(mine, held, names, titles, at)
        else:
            week = site_watches(engine, [s for s in all_sites(engine) if s.code in codes], at,
                                        config.load_yaml("taxonomy.yaml"), probe_days=7)
            lines = ruleset.rule("site_unreachable").warnings.get("down_now", {"after": 2, "recover": 2})
            title, body = weekly_text({sw.code: outages(sw.probes, lines["after"], lines["recover"])
                                       for sw in week}, mine, names, at)
        try:
            client = _channel(engine, routing, name, at, clock)
        except CredentialError as exc:
            out.append(_failed_setup(engine, name, kind, at, exc))
            continue
        out.append(Delivery(name, kind, _deliver(engine, client, kind, title, body, at),
                            sum(s.level > 0 for s in mine)))
    return out


def digest_due(engine, kind: str, at: datetime, when: str) -> bool:
    """Has the digest's moment (北京时间 'HH:MM', weekly 'MON HH:MM') passed, lately, with no digest
    sent since? Lets cron and the monitor call `digest` as often as they like."""
    bj = beijing(at)
    parts = when.split()
    hh, mm = map(int, parts[-1].split(":"))
    moment = bj.replace(hour=hh, minute=mm, second=0, microsecond=0)
    if len(parts) == 2:
        days = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"].index(parts[0].upper())
        moment -= timedelta(days=(bj.weekday() - days) % 7)
        if moment > bj:
            moment -= timedelta(days=7)
    elif moment > bj:
        moment -= timedelta(days=1)
    if bj - moment > (timedelta(hours=12) if len(parts) == 1 else timedelta(days=1)):
        return False        # long missed (a monitor started at night): wait for the next one
    last = rows.last_send(engine, kind)
    return last is None or beijing(last) < moment


def send_test(routing: Routing, name: str, engine, at: datetime, clock=None) -> Delivery:
    """`govaudit alerts test CHANNEL`: one test message; the platform's answer is what counts."""
    try:
        client = _channel(engine, routing, name, at, clock)
    except CredentialError as exc:
        return _failed_setup(engine, name, "test", at, exc)
    title = "政府网站预警 测试消息"
    body = f"### {title}\n\n这是一条测试消息，收到说明“{name}”通道可以正常发送预警。"
    return Delivery(name, "test", _deliver(engine, client, "test", title, body, at))
