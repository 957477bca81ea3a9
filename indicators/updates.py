"""Update indicators: homepage freshness, stale columns by group, blank columns."""
from __future__ import annotations

from datetime import date

from indicators.findings import Finding
from indicators.observations import Column, Item, SiteObservations
from indicators.windows import describe, in_window, newest_dated


def homepage_updates(obs: SiteObservations, as_of: date, taxonomy: dict) -> tuple[int, Finding]:
    """Distinct homepage items dated inside the homepage window, plus the always-present finding
    (the report shows it only when a rule reading the measure fired)."""
    within = taxonomy["windows"]["homepage_updates"]
    span = describe(within)
    fresh = {_key(it) for it in obs.home_items if in_window(it.date, as_of, within)}
    newest = newest_dated((it.date for it in obs.home_items), as_of)
    if fresh:
        evidence = f"首页近 {span}更新 {len(fresh)} 条，最近一条 {newest.isoformat()}"
    elif newest is not None:
        evidence = f"首页近 {span}无更新，最近一条 {newest.isoformat()}"
    elif any(it.date is not None for it in obs.home_items):
        evidence = f"首页近 {span}无更新，首页信息的发布日期均晚于监测时点 {as_of.isoformat()}"
    elif obs.home_items:
        evidence = "首页信息均无发布日期"
    else:
        evidence = "首页未识别到信息条目"
    if obs.home_entry:
        # The census: a homepage that is only a navigation entry is judged by its second-level pages.
        evidence = (f"首页为导航页，按其链接的 {len(obs.home_second_level)} 个二级页面统计首页信息："
                    + evidence)
    finding = Finding(kind="homepage_updates", measure="homepage_updates_14d", url=obs.home_url,
                      evidence=evidence, title="首页")
    return len(fresh), finding


def _key(item: Item) -> str:
    return item.url or item.title


def distinct_columns(columns: list[Column]) -> list[Column]:
    """One entry per column page: the same column reached twice is still one column."""
    seen: dict[str, Column] = {}
    for col in columns:
        seen.setdefault(col.url or col.name, col)
    return list(seen.values())


def group_of(category: str | None, taxonomy: dict) -> str | None:
    for group, cats in taxonomy.get("groups", {}).items():
        if category in cats:
            return group
    return None


def stale_evidence(col: Column, as_of: date, within: dict) -> str | None:
    """Chinese evidence when the column has no item dated inside its window, else None."""
    if any(in_window(it.date, as_of, within) for it in col.items):
        return None
    if col.blank:
        return "空白栏目"
    if not col.items:
        return "栏目内未识别到信息条目"
    newest = newest_dated((it.date for it in col.items), as_of)
    if newest is not None:
        return f"最近更新 {newest.isoformat()}，超过 {describe(within)}未更新"
    if any(it.date is not None for it in col.items):
        return f"栏目内信息的发布日期均晚于监测时点 {as_of.isoformat()}"
    return "栏目内信息均无发布日期"


def stale_columns(columns: list[Column], as_of: date,
                  taxonomy: dict) -> tuple[dict[str, int], list[Finding]]:
    """stale_columns_<group> for every taxonomy group, stale_columns_total, and one finding per
    stale column. Categories without `update_within` or outside every group are not judged."""
    counts = {f"stale_columns_{g}": 0 for g in taxonomy.get("groups", {})}
    findings: list[Finding] = []
    for col in distinct_columns(columns):
        within = taxonomy["categories"].get(col.category or "", {}).get("update_within")
        group = group_of(col.category, taxonomy)
        if not within or group is None:
            continue
        evidence = stale_evidence(col, as_of, within)
        if evidence is None:
            continue
        measure = f"stale_columns_{group}"
        counts[measure] += 1
        findings.append(Finding(kind="stale_column", measure=measure, url=col.url,
                                evidence=evidence, title=col.name))
    counts["stale_columns_total"] = sum(counts.values())
    return counts, findings


def blank_columns(columns: list[Column], taxonomy: dict | None = None) -> tuple[int, list[Finding]]:
    """Blank columns of every category, uncategorised ones included. With the taxonomy, those no
    update rule judges (their category has no limit or no group) are also counted in
    blank_columns_uncharged: the 2019 inspection charges a column already charged as blank or
    stale under another item only once (不在本指标项下重复扣分)."""
    blank = [c for c in distinct_columns(columns) if c.blank]
    findings = []
    for c in blank:
        judged = taxonomy is not None and bool(
            taxonomy["categories"].get(c.category or "", {}).get("update_within")
            and group_of(c.category, taxonomy))
        findings.append(Finding(kind="blank_column", measure="blank_columns", url=c.url,
                                evidence="空白栏目", title=c.name,
                                counts_in=[] if judged or taxonomy is None
                                else ["blank_columns_uncharged"]))
    return len(blank), findings


def column_judgements(columns: list[Column], as_of: date, taxonomy: dict) -> list[dict]:
    """Every distinct column as the 栏目明细 sheet shows it: category, newest date, verdict.

    Plain dicts (dates as ISO text) so the score stage can store them as they are."""
    out = []
    for col in distinct_columns(columns):
        cat = taxonomy["categories"].get(col.category or "", {})
        within = cat.get("update_within")
        newest = newest_dated((it.date for it in col.items), as_of)
        if col.blank:
            verdict, evidence = "空白栏目", "空白栏目"
        elif not within or group_of(col.category, taxonomy) is None:
            verdict, evidence = "不考核更新", ""
        else:
            evidence = stale_evidence(col, as_of, within) or ""
            verdict = "超期未更新" if evidence else "正常"
        out.append({"url": col.url, "name": col.name, "category": col.category or "",
                    "category_title": cat.get("title", ""),
                    "category_source": col.category_source or "",
                    "found_by": col.found_by, "items": len(col.items),
                    "newest": newest.isoformat() if newest else None,
                    "within": describe(within) if within else "",
                    "verdict": verdict, "evidence": evidence})
    return out
