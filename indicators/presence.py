"""Whether a site has the columns an inspection asks for (2019: 概况信息, 机构职能, 数据发布).

The categories come from config/taxonomy.yaml (`presence: true`); each gives a measurement
<category>_columns: how many such columns the site has, with a finding when it has none.
"""
from __future__ import annotations

from indicators.findings import Finding
from indicators.observations import SiteObservations
from indicators.updates import distinct_columns


def column_presence(obs: SiteObservations, taxonomy: dict) -> tuple[dict, list[Finding]]:
    cols = distinct_columns(obs.columns)
    values, findings = {}, []
    for cat, spec in taxonomy["categories"].items():
        if not (spec or {}).get("presence"):
            continue
        key = f"{cat}_columns"
        values[key] = sum(c.category == cat for c in cols)
        if not values[key]:
            findings.append(Finding(kind="no_column", measure=key, url=obs.home_url,
                                    title=f"{spec['title']}类栏目",
                                    evidence=f"未开设{spec['title']}类栏目"))
    return values, findings
