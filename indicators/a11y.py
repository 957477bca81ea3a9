"""适老化与无障碍: the homepage's 无障碍/长者/关怀版 entry and that version's ads, pop-ups and
download-inducing buttons (from the crawled pages), and axe-core's serious and critical WCAG 2.1 AA
violations on a few pages (browser/axe.py, stored as the site check "a11y"). Pure.

Without the browser (or with the check switched off) the axe measurements are None and one
finding says 未检测, why and how to install it — never 0.
"""
from __future__ import annotations

import re

from indicators.findings import Finding
from indicators.observations import SiteObservations

VIOLATIONS, PAGES = "a11y_violations", "a11y_pages_checked"
ENTRY, PROBLEMS = "elderly_version", "elderly_version_problems"
KINDS = ("image_alt", "contrast", "form_labels", "page_lang", "heading_order")
KEYS = [ENTRY, PROBLEMS, PAGES, VIOLATIONS, *(f"a11y_{k}" for k in KINDS)]


def elderly_entry(obs: SiteObservations, cfg: dict) -> tuple[str, str] | None:
    """(link text, URL) of the homepage's 关怀版/无障碍 entry, or None. A link that leads nowhere
    (href="#", javascript:, back to the homepage) is no entry to another version."""
    home = obs.pages.get(obs.home_url)
    pattern = re.compile(cfg["entry"])
    for text, href in (home.marks if home else []):
        target = href.split("#", 1)[0]
        if pattern.search(text) and target and not target.startswith("javascript:") \
                and target.rstrip("/") != obs.home_url.split("#", 1)[0].rstrip("/"):
            return text, href
    return None


def accessibility(obs: SiteObservations, check: dict | None, cfg: dict) -> tuple[dict, list[Finding]]:
    values: dict = dict.fromkeys(KEYS)
    findings: list[Finding] = []
    entry = elderly_entry(obs, cfg)
    values[ENTRY] = int(entry is not None)
    if entry is None:
        findings.append(Finding(kind="elderly_version_missing", measure=ENTRY, url=obs.home_url,
                                title="适老化版本入口", evidence="首页未见无障碍、长者版或关怀版入口"))
    else:
        page = obs.pages.get(entry[1])
        dialogs = ((check or {}).get("pages") or {}).get(entry[1], {}).get("dialogs", 0)
        if page is not None:
            found = [w for w in cfg["unwanted"] if w in page.text]
            found += [f"弹出对话框 {dialogs} 次"] if dialogs else []
            values[PROBLEMS] = len(found)
            if found:
                findings.append(Finding(kind="elderly_version_problem", measure=PROBLEMS,
                                        url=entry[1], title=entry[0],
                                        evidence=f"关怀版页面含有广告、弹窗或诱导下载内容：{'、'.join(found)}"))
    if not check or check.get("skipped"):
        why = (check or {}).get("skipped") or "本次抓取没有无障碍检测结果"
        hint = (check or {}).get("hint") or ""
        findings.append(Finding(kind="a11y_unchecked", measure=VIOLATIONS, url=obs.home_url,
                                title="无障碍检测", evidence=f"未检测：{why}" + (f"（{hint}）" if hint else "")))
        return values, findings
    rule_kind = {rule: kind for kind, rules in cfg["kinds"].items() for rule in rules}
    impacts = set(cfg["impacts"])
    pages = {u: r for u, r in check["pages"].items() if not r.get("error")}
    values[PAGES] = len(pages)
    values[VIOLATIONS] = 0
    for kind in KINDS:
        values[f"a11y_{kind}"] = 0
    for url, result in sorted(pages.items()):
        for v in result["violations"]:
            if v["impact"] in impacts:
                values[VIOLATIONS] += v["nodes"]
            kind = rule_kind.get(v["id"])
            if kind:
                values[f"a11y_{kind}"] += v["nodes"]
            if v["impact"] in impacts or kind:
                # a counted violation is shown under the rule reading the total (无障碍), the
                # others (heading-order is moderate) under their kind's measurement
                measure = VIOLATIONS if v["impact"] in impacts else f"a11y_{kind}"
                findings.append(Finding(kind="a11y_violation", measure=measure,
                                        url=url, title=v["help"], term=v["id"],
                                        evidence=f"axe-core 规则 {v['id']}（{v['impact']}）：{v['nodes']} 处，"
                                                 f"例如 {'；'.join(v['targets'])}"))
    return values, findings
