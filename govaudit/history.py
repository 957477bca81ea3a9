"""Past audits in the store: which score runs count as audits, and their per-site results.

An audit is one crawl judged at one monitoring point; when a crawl was scored several times (another
ruleset, corrected overrides) the newest score of that crawl under the ruleset asked for stands for it.
"""
from __future__ import annotations

import config
from config.errors import UserError
from indicators.findings import Finding, one_per_subject
from scoring.recheck import Audit, AuditedSite, Recheck, compare
from store import runs
from store.errors import NotFound
from store.runs import score_runs
from store.samples import recheck_draws
from store.sites import all_sites
from store.verdicts import judged_sites, verdict_rows


class HistoryError(UserError, ValueError):
    """The audits asked for do not exist; Chinese message listing the ones that do."""


def _quarter(d) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3


def audits(engine, ruleset: str | None = None) -> list[Audit]:
    """One Audit per crawl run (its newest score run), oldest first. An audit of part of an earlier
    audit's sites in the same quarter (or of a sample drawn with the last audit's failed sites) is a
    re-check of it — the quarter's 复查; next quarter's spot check of a part of the register is not."""
    newest = {r.crawl_run_id: r.id for r in score_runs(engine) if not ruleset or r.ruleset == ruleset}
    found = [audit(engine, sid) for sid in sorted(newest.values())]
    drawn = recheck_draws(engine)
    for n, a in enumerate(found):
        earlier = [b for b in found[:n] if b.ruleset == a.ruleset and b.as_of <= a.as_of
                   and ((a.site_codes < b.site_codes and _quarter(a.as_of) == _quarter(b.as_of))
                        or (a.site_codes in drawn and a.site_codes <= b.site_codes))]
        a.recheck_of = earlier[-1].score_run if earlier else None
    return found


def audit(engine, score_run: int) -> Audit | None:
    try:
        r = runs.score_run(engine, score_run)
    except NotFound:
        return None
    return Audit(r.id, r.crawl_run_id, r.as_of, r.ruleset, judged_sites(engine, r.id))


def pick_pair(engine, before: int | None = None, after: int | None = None) -> tuple[Audit, Audit]:
    """The two audits to compare: given score-run ids, or by default the newest audit and the
    newest earlier audit of a different crawl that shares sites with it (same ruleset)."""
    every = audits(engine)
    listing = "；".join(a.label for a in every) or "（无）"

    def given(sid: int) -> Audit:
        found = audit(engine, sid)
        if found is None:
            raise HistoryError(f"没有第 {sid} 次评分。已有的检查：{listing}")
        return found

    if after is not None:
        after_a = given(after)
    elif every:
        after_a = every[-1]
    else:
        raise HistoryError("库中还没有评分结果：请先完成两次检查（govaudit audit）再复查")
    if before is not None:
        return given(before), after_a
    earlier = [a for a in every if a.crawl_run != after_a.crawl_run and a.score_run < after_a.score_run
               and a.ruleset == after_a.ruleset and a.site_codes & after_a.site_codes]
    if not earlier:
        raise HistoryError(f"找不到与{after_a.label}相同网站的更早一次检查，无法复查。已有的检查：{listing}")
    return earlier[-1], after_a


def audited_sites(engine, score_run: int) -> list[AuditedSite]:
    """Each site's verdict and the problems a rule charged it with (as the 问题清单 shows them),
    every finding carrying the ids of those rules under "rules", one per (rule, subject); then the
    problems below their rule's line (config/findings.yaml), marked "below_line"."""
    from scoring.rulefile import load_ruleset
    ruleset = load_ruleset(runs.score_run(engine, score_run).ruleset)
    names = {x.code: x.name for x in all_sites(engine)}
    rows = verdict_rows(engine, score_run)
    kinds = config.load_yaml("findings.yaml")
    below, advisory = set(kinds["below_line"]), set(kinds.get("advisory") or ())
    out = []
    for r in rows:
        fired = set(r.vetoes) | {d["rule"] for d in r.deductions if d["points"] > 0}
        charged, hints = [], []
        for row in r.findings:
            f = Finding(**row)
            reading = ruleset.rules_reading(f.measure)
            rules = [x for x in reading if x in fired]
            if rules:
                charged.append((f, rules))
            elif f.kind in below and r.score is not None:    # a problem under its rule's line
                hints.append((f, reading))
            elif f.kind in advisory and not reading and r.score is not None:   # 提示, not charged
                hints.append((f, []))
        subjects = {(f.url, f.title) for f, _ in charged}
        found = [dict(f.to_dict(), rules=rules) for f, rules in one_per_subject(charged)]
        found += [dict(f.to_dict(), rules=rules, below_line=True)
                  for f, rules in one_per_subject(hints) if (f.url, f.title) not in subjects]
        out.append(AuditedSite(r.site_code, names.get(r.site_code, r.site_code), r.qualified,
                               r.score, list(r.vetoes), found))
    return out


def trend_input(engine, by: str | None, ruleset: str | None = None):
    """(as_of, score run, [trend.SiteResult]) for every audit, grouped by a register field."""
    from scoring.sampling import STRATA_FIELDS
    from scoring.trend import SiteResult
    attr = STRATA_FIELDS[by] if by else None
    sites = {x.code: x for x in all_sites(engine)}
    out = []
    for a in audits(engine, ruleset):
        results = []
        for r in verdict_rows(engine, a.score_run):
            site = sites.get(r.site_code)
            group = (getattr(site, attr) or "") if (site and attr) else ""
            rules = list(r.vetoes) + [d["rule"] for d in r.deductions if d["points"] > 0]
            results.append(SiteResult(group if attr else "全部", r.qualified, r.score, rules))
        out.append((a.as_of, a.score_run, results, a.recheck_of is not None))
    return out


def recheck(engine, before: int | None = None, after: int | None = None) -> Recheck:
    b, a = pick_pair(engine, before, after)
    return Recheck(b, a, compare(audited_sites(engine, b.score_run),
                                 audited_sites(engine, a.score_run)))
