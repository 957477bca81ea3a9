"""Competition ranking ("1224") of verdicts."""
from __future__ import annotations

from scoring.verdict import Verdict


def rank(verdicts: list[Verdict]) -> list[Verdict]:
    """Sets each verdict's rank in place and returns them in ranking order.

    Sites without a veto come first by score, then vetoed sites by score; equal score and veto
    state share a rank; unassessed sites (score None) get rank None and come last. Ties are
    listed by site code so the order is reproducible."""
    assessed = sorted((v for v in verdicts if v.score is not None),
                      key=lambda v: (bool(v.vetoes), -v.score, v.site_code))
    previous, current = None, 0
    for position, v in enumerate(assessed, 1):
        key = (bool(v.vetoes), v.score)
        if key != previous:
            current, previous = position, key
        v.rank = current
    rest = sorted((v for v in verdicts if v.score is None), key=lambda v: v.site_code)
    for v in rest:
        v.rank = None
    return assessed + rest
