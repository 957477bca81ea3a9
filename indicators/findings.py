"""One checkable problem on one site: what the 问题清单 lists and an official verifies by hand."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace


@dataclass
class Finding:
    kind: str            # 'stale_column' | 'blank_column' | 'homepage_updates' | 'dead_link'
                         # | 'broken_attachment' (more kinds come with later rules)
    measure: str         # the measurement it is counted in, e.g. 'dead_links_home'
    url: str             # the column page or dead target URL
    evidence: str        # Chinese, e.g. '最近更新 2026-03-01，超过 6 个月未更新', 'HTTP 404'
    title: str = ""      # column name or link text, when known
    source_url: str = "" # the page that links to a dead target (first one), a message's board
    posted: str = ""     # a message: posted date (ISO)
    replied: str = ""    # a message: reply date (ISO), '' when none
    waited_days: int | None = None   # a message: days from posting to the reply (or to as_of)
    # Judgement findings (serious errors, rules marked `review: true`): what an official reviews.
    term: str = ""       # with the site and url, the key a review decision is kept under
    review: str = ""     # '' (not for review) | '待人工确认' | '已确认'
    reviewer: str = ""   # who confirmed it, and when
    # Further measurements the finding is counted in (a blank column no update rule charged is
    # also in blank_columns_uncharged): the rules reading them show it too.
    counts_in: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def one_per_subject(charged: list[tuple[Finding, list[str]]]) -> list[tuple[Finding, list[str]]]:
    """One entry per (rule, subject) — the first rule charging it, its URL and name — with the rules
    of every finding merged: a blank column is also a stale column of its category, and a letter
    listing it twice under one rule (or counting it twice) misstates the problems."""
    out: dict[tuple[str, str, str], tuple[Finding, list[str]]] = {}
    for f, rules in charged:
        key = (rules[0] if rules else "", f.url, f.title)
        if key not in out:
            out[key] = (f, list(rules))
            continue
        kept, kept_rules = out[key]
        evidence = kept.evidence if f.evidence in kept.evidence else f"{kept.evidence}；{f.evidence}"
        out[key] = (replace(kept, evidence=evidence), list(dict.fromkeys([*kept_rules, *rules])))
    return list(out.values())
