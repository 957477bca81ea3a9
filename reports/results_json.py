"""results.json: the machine-readable audit result (DOMAIN.md "Results file"); other tools read it."""
from __future__ import annotations

import json
from pathlib import Path

from reports.files import write_atomically
from reports.labels import ordered_keys
from reports.model import (AuditReport, SiteReport, pending_rules, ranked, site_attr, site_code,
                           unchecked_groups)


def results_dict(report: AuditReport) -> dict:
    """The results file as a dict, exactly the DOMAIN.md schema."""
    out = {"as_of": report.as_of.isoformat(), "ruleset": report.ruleset_id,
           # full | incremental (pages unchanged since an earlier complete crawl were not re-read)
           "crawl_mode": report.crawl_mode}
    if report.crawl_counts is not None:   # asked, of them unchanged, and used without asking
        out["crawl_counts"] = report.crawl_counts
    out["sites"] = [_site(report, sr) for sr in ranked(report)]
    if report.recheck is not None:
        out["recheck"] = report.recheck.to_dict()
    return out


def write_results(report: AuditReport, path: str | Path) -> Path:
    """Write results.json (UTF-8, Chinese unescaped); replaces the file only once fully written."""
    text = json.dumps(results_dict(report), ensure_ascii=False, indent=1) + "\n"
    return write_atomically(Path(path), text.encode("utf-8"))


def _site(report: AuditReport, sr: SiteReport) -> dict:
    v = sr.verdict
    m = sr.measurements or {}
    out = {"site_code": site_code(sr), "site_name": site_attr(sr.site, "name"),
            "qualified": v.qualified, "score": v.score, "rank": v.rank,
            "vetoes": list(v.vetoes),
            "deductions": [{"rule": d.rule, "points": d.points, "count": d.count} for d in v.deductions],
            "measurements": {k: m[k] for k in ordered_keys(m)},
            "interaction": sr.interaction,

            # rules charged by findings still 待人工确认 (govaudit review): the veto holds until then
            "pending_review": pending_rules(report, sr),
            # rules the verdict does not rest on, each with why (too few probes, a board behind a
            # login …); [] when every rule was judged or an exclusive veto left the rest unscored
            "unchecked": [{"rule": r, "reason": why} for why, rules in unchecked_groups(report, sr)
                          for r in rules]}
    if sr.cut_short:   # only on a site whose crawl is incomplete (issue 10)
        out["cut_short"] = sr.cut_short
    if sr.crawl_errors:   # cut_short "crawl_errors": how many, the first and its page (issue 23)
        out["crawl_errors"] = sr.crawl_errors
    if sr.unchecked:   # link targets a budget left unchecked (issue 23)
        out["unchecked_links"] = sr.unchecked
    return out
