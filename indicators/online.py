"""Online systems (在线申报, 办件查询 …) that cannot be reached: counted once, here, not as dead links."""
from __future__ import annotations

from indicators.findings import Finding
from indicators.links import link_evidence
from indicators.observations import SiteObservations

MEASURE = "online_systems_down"


def online_systems(obs: SiteObservations) -> tuple[int, list[Finding], set[str]]:
    """online_systems_down, one finding per dead system (link text, URL, failure), and the dead
    systems' URLs (left out of the dead-link count: a finding is charged under one rule only)."""
    checks = {c.url: c for c in obs.links}
    findings, down = [], set()
    for link in obs.online_links:
        check = checks.get(link.url)
        if check is None or check.ok or link.url in down:
            continue
        down.add(link.url)
        findings.append(Finding(kind="online_system_down", measure=MEASURE, url=link.url,
                                title=link.text, evidence=link_evidence(check),
                                source_url=link.source_url))
    return len(down), findings, down
