"""What the text scans find on one page: kept in the store, so a page unchanged since the last audit
is not scanned again (a re-audit of an unchanged site spent over half its measuring on them).

A PageScan is a pure function of the page's stored text record and the scanners' configuration:
the protected-term misspellings of its title and text, every spam-lexicon hit (a hidden link's with
its host: the site is decided in SpamScanner.verdict) and where personal-data numbers are whatever
the as-of date (personal.Numbers: spans, never digits, as the store must not hold them in clear).
What depends on the site, the as-of date or the other pages (the verdicts, a number born after the
as-of date, snippets, which page shows a repeated error) is computed from it at each scoring.
govaudit.measuring keeps them (store.pagescans) by the record's digest and a fingerprint of the
scanners.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from indicators.observations import PageText, SiteObservations
from indicators.personal import Numbers, page_numbers
from indicators.spam import SpamHit, SpamScanner
from indicators.termscan import Hit, TermScanner


@dataclass
class PageScan:
    terms: tuple[list[Hit], list[Hit]] | None   # the title's and the text's misspellings;
                                                # None for an attachment (only numbers are read)
    spam: list[SpamHit] | None                  # SpamScanner.page_hits; None for an attachment
    numbers: Numbers


def scan_page(page: PageText, attachment: bool, terms: TermScanner, spam: SpamScanner,
              personal: dict) -> PageScan:
    if attachment:
        return PageScan(None, None, page_numbers(page, personal))
    return PageScan((terms.scan(page.title), terms.scan(page.text)), spam.page_hits(page),
                    page_numbers(page, personal))


def scan_pages(obs: SiteObservations, terms: TermScanner, spam: SpamScanner, personal: dict,
               known: Mapping[str, PageScan]) -> dict[str, PageScan]:
    """Each page's and attachment's scan by URL: `known` ones as they are, the others scanned."""
    out = {}
    for pages, attachment in ((obs.pages, False), (obs.attachments, True)):
        for url, page in pages.items():
            scan = known.get(url)
            if scan is None or (scan.terms is None) != attachment:
                scan = scan_page(page, attachment, terms, spam, personal)
            out[url] = scan
    return out


def to_data(scan: PageScan) -> dict:
    """A PageScan as JSON data (compact: most pages have no hit at all)."""
    n = scan.numbers
    data: dict = {"n": {k: v for k, v in (("i", n.ids), ("m", n.mobiles), ("c", n.cards),
                                          ("k", n.masked)) if v}}
    if scan.terms is not None:
        data["t"] = [[[h.start, h.end, h.found, h.term, h.how] for h in hits] for hits in scan.terms]
        data["s"] = [[h.place, h.term, h.category, h.points, h.detail, h.link_host]
                     for h in scan.spam]
    return data


def from_data(data: dict) -> PageScan:
    n = data["n"]
    numbers = Numbers(ids=n.get("i", []), mobiles=n.get("m", []), cards=n.get("c", []),
                      masked=n.get("k", []))
    if "t" not in data:
        return PageScan(None, None, numbers)
    title, text = ([Hit(*h) for h in hits] for hits in data["t"])
    return PageScan((title, text), [SpamHit(*h) for h in data["s"]], numbers)
