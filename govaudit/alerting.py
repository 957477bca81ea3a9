"""The early warnings' pipeline functions (`alerts`, `digest`, the monitor): every site's warning
states at a moment, evaluated from what the store holds and stored, or replayed for a past moment.
Time comes from the caller (a clock), so a test replays a month in seconds; sending is
notify.deliver's."""
from __future__ import annotations

from datetime import datetime

import config
from indicators.watched import site_watches
from notify.deliver import changes_between, load_states, save_states
from scoring.ruleset import Ruleset
from scoring.watchstate import Key, State, advance, evaluate
from store.sites import all_sites


def evaluate_all(engine, ruleset: Ruleset, at: datetime, sites: list | None = None,
                 save: bool = True) -> tuple[dict[Key, State], list]:
    """Every registered site's warning states at `at` (UTC), advanced from the stored ones."""
    taxonomy = config.load_yaml("taxonomy.yaml")
    sites = sites if sites is not None else all_sites(engine)
    readings = [r for sw in site_watches(engine, sites, at, taxonomy)
                for r in evaluate(sw, ruleset, taxonomy, at)]
    states, changes = advance(load_states(engine) if save else {}, readings, at)
    if save:
        save_states(engine, states, changes, at)
    return states, changes


def states_as_of(engine, ruleset: Ruleset, at: datetime) -> dict[Key, State]:
    """The states at a past moment, from what was stored by then (nothing is written): levels from
    the observations, `since` from the recorded changes."""
    states, _ = evaluate_all(engine, ruleset, at, save=False)
    last: dict[Key, datetime] = {}
    for c in changes_between(engine, until=at):
        last[c.key] = c.at
    return {k: State(**{**s.__dict__, "since": last.get(k)}) for k, s in states.items()}
