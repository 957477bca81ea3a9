"""Serious errors (严重错误): misspelt protected terms and hacked pages, from the stored page texts.

Each kind is its own measurement (serious_misstatements, hacked_pages) so a ruleset can read them
apart: the 2019 inspection's 安全、泄密事故等严重问题 charges a misstatement (its part 1) but a hacked
page only when it was not handled in time (its part 4, hacked_pages_unhandled); serious_errors is
their sum, the census's 严重错误.

One finding per distinct error: the same misspelling on many pages (a title shown on its list page,
the homepage and the article; a template's footer) is one finding, shown at the homepage or else the
first page by URL, so it is stable from one audit to the next and a reviewer's dismissal keeps
matching it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from indicators.findings import Finding
from indicators.observations import PageText, SiteObservations
from indicators.spam import PLACE, SpamScanner
from indicators.termscan import HOW, TermScanner

if TYPE_CHECKING:
    from indicators.pagescan import PageScan

MEASURE = "serious_errors"
MISSTATEMENTS, HACKED, UNHANDLED = "serious_misstatements", "hacked_pages", "hacked_pages_unhandled"
KEYS = [MEASURE, MISSTATEMENTS, HACKED, UNHANDLED]
CONFIRMED = "已确认"     # govaudit.review's mark of a finding an official confirmed


def _pages_in_order(obs: SiteObservations) -> list[tuple[str, PageText]]:
    """Homepage first, then by URL: the first page a repeated error is shown at."""
    return sorted(obs.pages.items(), key=lambda kv: (kv[0] != obs.home_url, kv[0]))


def _snippet(text: str, start: int, end: int, around: int) -> str:
    left, right = max(0, start - around), min(len(text), end + around)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


def misspelt_terms(obs: SiteObservations, scanner: TermScanner, around: int,
                   scans: dict[str, PageScan] | None = None) -> list[Finding]:
    """One finding per misspelling (a title shows on its list page, homepage and article alike).
    scans: what indicators.pagescan found on each page, else the pages are scanned here."""
    seen: dict[tuple[str, str], list] = {}
    for url, page in _pages_in_order(obs):
        title_hits, text_hits = (scans[url].terms if scans is not None
                                 else (scanner.scan(page.title), scanner.scan(page.text)))
        for place, text, hits in (("网页标题", page.title, title_hits), ("正文", page.text, text_hits)):
            for hit in hits:
                snippet = _snippet(text, hit.start, hit.end, around)
                entry = seen.setdefault((hit.found, hit.term), [url, page.title, hit, place, snippet,
                                                                set()])
                entry[5].add(url)
    findings = []
    for (found, _), (url, title, hit, place, snippet, urls) in seen.items():
        pages = len(urls)
        evidence = f"{place}中“{found}”疑为“{hit.term}”之误（{HOW[hit.how]}）：{snippet}"
        if pages > 1:
            evidence += f"（相同文字另见 {pages - 1} 个页面）"
        findings.append(Finding(kind="misspelt_term", measure=MISSTATEMENTS, url=url, title=title,
                                evidence=evidence, term=found))
    return findings


def hacked_pages(obs: SiteObservations, scanner: SpamScanner,
                 scans: dict[str, PageScan] | None = None) -> list[Finding]:
    own = urlsplit(obs.home_url).hostname or ""
    seen: dict[tuple, list] = {}
    for url, page in _pages_in_order(obs):
        verdict = (scanner.verdict(scans[url].spam, own) if scans is not None
                   else scanner.scan(page, own))
        if not scanner.is_hacked(verdict):
            continue
        key = (verdict.top_term(), tuple(sorted({h.detail for h in verdict.hits
                                                 if h.place in ("hidden", "link")})))
        entry = seen.setdefault(key, [url, page, verdict, 0])
        entry[3] += 1
    findings = []
    for (term, _), (url, page, verdict, pages) in seen.items():
        evidence = (f"疑似被植入{verdict.category()}内容（加权得分 {verdict.score:g}，"
                    f"阈值 {scanner.threshold:g}）：{_spam_evidence(verdict)}")
        if pages > 1:
            evidence += f"（同样内容另见 {pages - 1} 个页面）"
        findings.append(Finding(kind="hacked_page", measure=HACKED, url=url, title=page.title,
                                evidence=evidence, term=term))
    return findings


def _spam_evidence(verdict, most: int = 6) -> str:
    """'隐藏元素（display:none 的 <div>）：百家乐、真人娱乐；外链 http://…：博彩'."""
    groups: dict[tuple[str, str], list[str]] = {}
    for h in sorted(verdict.hits, key=lambda h: -h.points):
        terms = groups.setdefault((h.place, h.detail), [])
        if h.term not in terms:
            terms.append(h.term)
    parts = []
    for (place, detail), terms in list(groups.items())[:most]:
        where = PLACE[place] + (f"（{detail}）" if detail else "")
        parts.append(f"{where}：{'、'.join(terms[:8])}")
    return "；".join(parts)


def serious_errors(obs: SiteObservations, terms: TermScanner, spam: SpamScanner,
                   around: int, scans: dict[str, PageScan] | None = None) -> tuple[dict, list[Finding]]:
    """The four serious-error measurements (KEYS) and their findings, before any review.
    scans: each page's indicators.pagescan.PageScan (None: scanned here)."""
    findings = misspelt_terms(obs, terms, around, scans) + hacked_pages(obs, spam, scans)
    return recount(findings), findings


def recount(findings: list[Finding], seen_before: set[tuple[str, str]] = frozenset()) -> dict:
    """The KEYS from the findings a review left standing.

    A hacked page counts as not handled in time (没有及时有效处置) when an official confirmed it or
    an earlier audit of the site already found it (seen_before: its (url, term)). A hacked page
    found for the first time and not yet reviewed leaves the count undecided (None): neither
    charged as an unhandled incident nor passed as a handled one."""
    misstated = sum(f.measure == MISSTATEMENTS for f in findings)
    hacked = [f for f in findings if f.measure == HACKED]
    unhandled = sum(f.review == CONFIRMED or (f.url, f.term) in seen_before for f in hacked)
    undecided = any(f.review != CONFIRMED and (f.url, f.term) not in seen_before for f in hacked)
    return {MEASURE: misstated + len(hacked), MISSTATEMENTS: misstated, HACKED: len(hacked),
            UNHANDLED: None if unhandled == 0 and undecided else unhandled}


def resighted(seen_before: dict[tuple[str, str], str]):
    """Whether a finding is a hacked page an earlier audit already found (seen_before's keys)."""
    return lambda f: f.measure == HACKED and (f.url, f.term) in seen_before


def mark_seen_before(findings: list[Finding], seen_before: dict[tuple[str, str], str]) -> None:
    """Say on a hacked page's evidence that an earlier audit (its monitoring date) found it too;
    it counts as not handled in time."""
    for f in findings:
        when = seen_before.get((f.url, f.term)) if f.measure == HACKED else None
        if when:
            f.evidence += f"（{when} 的检查已发现，至今未处置）"
            f.counts_in = [*f.counts_in, UNHANDLED]
