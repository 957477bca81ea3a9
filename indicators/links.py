"""Dead links and broken attachments, counted as distinct dead target URLs."""
from __future__ import annotations

from indicators.findings import Finding
from indicators.observations import LinkCheck, SiteObservations

_FAILURE_TEXT = {"refused": "连接被拒绝", "dns": "域名无法解析", "timeout": "连接超时",
                 "soft404": "软404", "error_redirect": "跳转到错误页", "system_error": "在线系统错误页",
                 "redirect": "跳转次数过多或循环跳转", "blocked": "链接指向内网地址",
                 "bad_scheme": "跳转到非网页地址", "other": "无法访问"}


def link_evidence(check: LinkCheck) -> str:
    # The checker's own detail is the evidence; the fallback only covers a bare record.
    if check.detail:
        return check.detail
    if check.status is not None and check.failure in (None, "http"):
        return f"HTTP {check.status}"
    return _FAILURE_TEXT.get(check.failure or "other", "无法访问")


def dead_links(obs: SiteObservations,
               exclude: set[str] = frozenset()) -> tuple[dict[str, int], list[Finding]]:
    """dead_links_home / dead_links_other / broken_attachments and one finding per dead target.

    A target reported more than once is one target: linked from the homepage if any report says
    so, an attachment if any report says so (charged once, under the most specific rule: `exclude`
    holds targets counted elsewhere, such as dead online systems)."""
    merged: dict[str, dict] = {}
    partial: list[Finding] = []
    for check in obs.links:
        if check.ok and check.failure == "oversize":
            # Read only up to max_page_chars: said, not counted (the page itself answered).
            partial.append(Finding(kind="oversize_page", measure="dead_links_other", url=check.url,
                                   evidence=check.detail,
                                   source_url=check.sources[0] if check.sources else ""))
        if check.ok or check.url in exclude:
            continue
        entry = merged.setdefault(check.url, {"check": check, "on_home": False,
                                              "attachment": False, "sources": []})
        entry["on_home"] |= check.on_home
        entry["attachment"] |= check.kind == "attachment"
        entry["sources"] += [s for s in check.sources if s not in entry["sources"]]
    counts = {"dead_links_home": 0, "dead_links_other": 0, "broken_attachments": 0}
    findings: list[Finding] = []
    for url, e in merged.items():
        if e["attachment"]:
            kind, measure = "broken_attachment", "broken_attachments"
        else:
            kind = "dead_link"
            measure = "dead_links_home" if e["on_home"] else "dead_links_other"
        counts[measure] += 1
        source = e["sources"][0] if e["sources"] else (obs.home_url if e["on_home"] else "")
        findings.append(Finding(kind=kind, measure=measure, url=url,
                                evidence=link_evidence(e["check"]), source_url=source))
    return counts, findings + partial
