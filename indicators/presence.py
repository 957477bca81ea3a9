"""Whether a site has the columns an inspection asks for (2019: 概况信息, 机构职能, 数据发布), and
whether they are kept up to date.

The categories come from config/taxonomy.yaml (`presence: true`); each gives a measurement
<category>_columns: how many such columns the site has, with a finding when it has none. A
category with `stale_after` also gives <category>_columns_stale: how many of its columns have
nothing dated inside that window — the newest of its items' dates and the date its own page states
after one of the taxonomy's `page_date_labels` (更新时间：… on an introduction page). A list whose
items are all undated is stale (the census note: no date counts as not updated); a single page
that states no date at all is not judged (nothing shows it is out of date).
"""
from __future__ import annotations

import re
from datetime import date

from crawler.extract.dates import parse_date
from indicators.findings import Finding
from indicators.observations import Column, SiteObservations
from indicators.updates import distinct_columns
from indicators.windows import describe, newest_dated, window_start


def column_presence(obs: SiteObservations, taxonomy: dict,
                    as_of: date | None = None) -> tuple[dict, list[Finding]]:
    cols = distinct_columns(obs.columns)
    values, findings = {}, []
    for cat, spec in taxonomy["categories"].items():
        if not (spec or {}).get("presence"):
            continue
        key = f"{cat}_columns"
        mine = [c for c in cols if c.category == cat]
        values[key] = len(mine)
        if not values[key]:
            findings.append(Finding(kind="no_column", measure=key, url=obs.home_url,
                                    title=f"{spec['title']}类栏目",
                                    evidence=f"未开设{spec['title']}类栏目"))
        within = spec.get("stale_after")
        if within and as_of is not None:
            stale = [(c, why) for c in mine
                     if (why := _stale(c, obs, as_of, within, taxonomy)) is not None]
            values[f"{key}_stale"] = len(stale)
            findings += [Finding(kind="stale_column", measure=f"{key}_stale", url=c.url,
                                 title=c.name, evidence=why) for c, why in stale]
    return values, findings


def page_date(text: str, labels: list[str]) -> date | None:
    """The date a page states after one of `labels` (更新时间：2026-03-01)."""
    for label in labels:
        for m in re.finditer(re.escape(label) + r"\s*[:：]?\s*", text):
            d = parse_date(text[m.end():m.end() + 40])
            if d:
                return d
    return None


def _stale(col: Column, obs: SiteObservations, as_of: date, within: dict,
           taxonomy: dict) -> str | None:
    """Chinese evidence when the column has nothing dated inside `within`, else None."""
    page = obs.pages.get(col.url)
    own = page_date(page.text, taxonomy.get("page_date_labels", [])) if page else None
    newest = newest_dated([*(it.date for it in col.items), own], as_of)
    if newest is None:
        return "栏目内信息均无发布日期" if col.items else None
    if newest >= window_start(as_of, within):
        return None
    return f"最近更新 {newest.isoformat()}，超过 {describe(within)}未更新"
