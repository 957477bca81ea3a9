"""Homepage availability: the probes in the ruleset's window → probes made and probes failed."""
from __future__ import annotations

from indicators.beijing import beijing
from indicators.findings import Finding
from indicators.observations import ProbeObs, SiteObservations

_SHOWN_FAILURES = 10   # the finding lists this many failure times; the count says the rest


def availability(obs: SiteObservations) -> tuple[dict, list[Finding]]:
    """availability_probes / availability_failures (None when no probe was made in the window) and
    one finding naming when and how the homepage failed."""
    probes: list[ProbeObs] = obs.probes
    if not probes:
        return {"availability_probes": None, "availability_failures": None}, []
    failed = [p for p in probes if not p.ok]
    counts = {"availability_probes": len(probes), "availability_failures": len(failed)}
    if not failed:
        return counts, []
    share = 100 * len(failed) / len(probes)
    times = "；".join(f"{beijing(p.at):%Y-%m-%d %H:%M:%S} {p.detail or p.outcome}"
                     + ("（抓取时）" if p.source == "crawl" else "")
                     for p in failed[:_SHOWN_FAILURES])
    more = f"；另有 {len(failed) - _SHOWN_FAILURES} 次" if len(failed) > _SHOWN_FAILURES else ""
    evidence = (f"监测 {len(probes)} 次，无法访问 {len(failed)} 次（{share:.1f}%），"
                f"时间（北京时间）：{times}{more}")
    return counts, [Finding(kind="availability", measure="availability_failures", url=obs.home_url,
                            evidence=evidence, title="首页")]
