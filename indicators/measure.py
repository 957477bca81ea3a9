"""Compose the indicators: one site's observations -> measurements and findings."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import config
from indicators.availability import availability
from indicators.findings import Finding
from indicators.guides import missing_elements
from indicators.interaction import interaction, publishing
from indicators.links import dead_links
from indicators.observations import SiteObservations
from indicators.pagescan import PageScan
from indicators.presence import column_presence
from indicators.online import online_systems
from indicators.a11y import accessibility
from indicators.https import https
from indicators.identity import identity
from indicators.personal import scan_site as personal_data
from indicators.search import site_search
from indicators.serious import serious_errors
from indicators.spam import SpamScanner, spam_scanner
from indicators.termscan import TermScanner, scanner
from indicators.updates import blank_columns, homepage_updates, stale_columns


def measurement_keys(taxonomy: dict | None = None) -> list[str]:
    """The keys measure() returns, in results.json order: the one list,
    config/rulesets/measurements.yaml, which every ruleset is also checked against; a
    stale_columns_<group> key only for a group the taxonomy has."""
    taxonomy = taxonomy if taxonomy is not None else config.load_yaml("taxonomy.yaml")
    stale = {f"stale_columns_{g}" for g in taxonomy.get("groups", {})} | {"stale_columns_total"}
    return [k for k in config.load_yaml("rulesets/measurements.yaml")
            if not k.startswith("stale_columns_") or k in stale]


@dataclass
class TextChecks:
    """The score-time text scans and their settings (built once per score run)."""
    terms: TermScanner
    spam: SpamScanner
    guides: dict              # config/services/guide_elements.yaml
    snippet_chars: int
    personal: dict            # config/personal_data.yaml
    identity: dict            # config/identity.yaml
    a11y: dict                # config/a11y.yaml

    @classmethod
    def build(cls, extra_terms: tuple[str, ...] = ()) -> "TextChecks":
        return cls(terms=scanner(tuple(extra_terms)), spam=spam_scanner(),
                   guides=config.load_yaml("services/guide_elements.yaml"),
                   snippet_chars=config.load_yaml("services/serious.yaml")["terms"]["snippet_chars"],
                   personal=config.load_yaml("personal_data.yaml"),
                   identity=config.load_yaml("identity.yaml"),
                   a11y=config.load_yaml("a11y.yaml"))


def measure(obs: SiteObservations, as_of: date, taxonomy: dict | None = None,
            checks: TextChecks | None = None) -> tuple[dict, list[Finding]]:
    """measure_site without the reply-rate table."""
    values, findings, _ = measure_site(obs, as_of, taxonomy, checks)
    return values, findings


def measure_site(obs: SiteObservations, as_of: date, taxonomy: dict | None = None,
                 checks: TextChecks | None = None,
                 scans: dict[str, PageScan] | None = None) -> tuple[dict, list[Finding], dict | None]:
    """Measurements (DOMAIN.md results.json keys), the findings behind them and the site's
    reply-rate table (None when there is no readable board or the site was not crawled).
    scans: every page's and attachment's text scans (pagescan.scan_pages with `checks`' scanners),
    else the pages are scanned here.

    Availability comes from the probes, whether or not the crawl reached the site; a site the crawl
    could not reach has every other value None (not 0)."""
    taxonomy = taxonomy if taxonomy is not None else config.load_yaml("taxonomy.yaml")
    keys = measurement_keys(taxonomy)
    avail, avail_findings = availability(obs)
    if not obs.reachable:
        return {**dict.fromkeys(keys), **avail}, avail_findings, None
    home_count, home_finding = homepage_updates(obs, as_of, taxonomy)
    stale, stale_findings = stale_columns(obs.columns, as_of, taxonomy)
    blank, blank_findings = blank_columns(obs.columns, taxonomy)
    checks = checks or TextChecks.build()
    systems_down, system_findings, down_urls = online_systems(obs)
    links, link_findings = dead_links(obs, exclude=down_urls)
    talk, talk_findings, reply_table = interaction(obs, as_of, taxonomy)
    published, publish_findings = publishing(obs, as_of, taxonomy)
    present, presence_findings = column_presence(obs, taxonomy, as_of)
    guides, guide_findings = missing_elements(obs, checks.guides)
    search, search_findings = site_search(obs)
    serious, serious_findings = serious_errors(obs, checks.terms, checks.spam, checks.snippet_chars,
                                               scans)
    numbers = None if scans is None else {url: scan.numbers for url, scan in scans.items()}
    personal, personal_findings = personal_data(obs, checks.personal, as_of, numbers)
    marks, mark_findings = identity(obs, checks.identity)
    secure, https_findings = https(obs.checks.get("https"))
    access, a11y_findings = accessibility(obs, obs.checks.get("a11y"), checks.a11y)
    values = {**avail, "homepage_updates_14d": home_count, **stale, "blank_columns": blank,
              **links, **talk, "guides_missing_elements": guides,
              "online_systems_down": systems_down, **serious, **published,
              "blank_columns_uncharged": sum(bool(f.counts_in) for f in blank_findings), **present,
              **search, **personal, **marks, **secure, **access}
    # a taxonomy without a presence category (overview …) leaves its <category>_columns None
    return ({k: values.get(k) for k in keys},
            [*avail_findings, home_finding, *stale_findings, *blank_findings, *link_findings,
             *talk_findings, *publish_findings, *presence_findings, *guide_findings,
             *system_findings, *serious_findings, *search_findings, *personal_findings,
             *mark_findings, *https_findings, *a11y_findings],
            reply_table)
