"""Compose the indicators: one site's observations -> measurements and findings."""
from __future__ import annotations

from datetime import date

import config
from indicators.availability import availability
from indicators.findings import Finding
from indicators.interaction import KEYS as INTERACTION_KEYS, interaction
from indicators.links import dead_links
from indicators.observations import SiteObservations
from indicators.updates import blank_columns, homepage_updates, stale_columns


def measurement_keys(taxonomy: dict | None = None) -> list[str]:
    """The keys measure() returns, in results.json order."""
    taxonomy = taxonomy if taxonomy is not None else config.load_yaml("taxonomy.yaml")
    stale = [f"stale_columns_{g}" for g in taxonomy.get("groups", {})]
    return (["availability_probes", "availability_failures", "homepage_updates_14d", *stale, "stale_columns_total", "blank_columns",
             "dead_links_home", "dead_links_other", *INTERACTION_KEYS, "broken_attachments"])


def measure(obs: SiteObservations, as_of: date,
            taxonomy: dict | None = None) -> tuple[dict, list[Finding]]:
    """measure_site without the reply-rate table."""
    values, findings, _ = measure_site(obs, as_of, taxonomy)
    return values, findings


def measure_site(obs: SiteObservations, as_of: date,
                 taxonomy: dict | None = None) -> tuple[dict, list[Finding], dict | None]:
    """Measurements (DOMAIN.md results.json keys), the findings behind them and the site's
    reply-rate table (None when there is no readable board or the site was not crawled).

    Availability comes from the probes, whether or not the crawl reached the site; a site the crawl
    could not reach has every other value None (not 0)."""
    taxonomy = taxonomy if taxonomy is not None else config.load_yaml("taxonomy.yaml")
    keys = measurement_keys(taxonomy)
    avail, avail_findings = availability(obs)
    if not obs.reachable:
        return {**dict.fromkeys(keys), **avail}, avail_findings, None
    home_count, home_finding = homepage_updates(obs, as_of, taxonomy)
    stale, stale_findings = stale_columns(obs.columns, as_of, taxonomy)
    blank, blank_findings = blank_columns(obs.columns)
    links, link_findings = dead_links(obs)
    talk, talk_findings, reply_table = interaction(obs, as_of, taxonomy)
    values = {**avail, "homepage_updates_14d": home_count, **stale, "blank_columns": blank,
              **links, **talk}
    return ({k: values[k] for k in keys},
            [*avail_findings, home_finding, *stale_findings, *blank_findings, *link_findings,
             *talk_findings], reply_table)
