"""Rule conditions as data: portal/other variants, three-valued evaluation, measures read.

A condition is True, False or None (unknown: a measurement it needs is missing or None).
Numbers are compared as exact fractions, so 1/20 >= 0.05 and 14 × 0.1 == 1.4.
"""
from __future__ import annotations

import operator
from fractions import Fraction
from typing import Any, Callable

OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, "==": operator.eq,
    ">=": operator.ge, ">": operator.gt, "!=": operator.ne}
VALUE_KINDS = ("measure", "sum", "ratio")
GROUP_KINDS = ("any_of", "all_of")
VARIANT_KEYS = frozenset({"portal", "other"})
SITE_KINDS = {"portal": "门户网站", "department": "部门网站"}   # {site: department} holds for non-portals


def is_variant(obj: Any) -> bool:
    return isinstance(obj, dict) and set(obj) == VARIANT_KEYS


def resolve(obj: Any, is_portal: bool) -> Any:
    """Replace every {portal: A, other: B} by A or B, at any depth."""
    if is_variant(obj):
        return resolve(obj["portal" if is_portal else "other"], is_portal)
    if isinstance(obj, dict) and set(obj) == {"site"}:
        return {"const": (obj["site"] == "portal") == is_portal}
    if isinstance(obj, dict):
        return {k: resolve(v, is_portal) for k, v in obj.items()}
    if isinstance(obj, list):
        return [resolve(v, is_portal) for v in obj]
    return obj


def exact(x: Any) -> Fraction:
    # str() first: YAML's 0.1 means one tenth, not the nearest binary float.
    return Fraction(str(x)) if isinstance(x, float) else Fraction(x)


def lookup(measurements: dict, key: str) -> Fraction | None:
    v = measurements.get(key)
    return None if v is None else exact(v)


def quantity(cond: dict, measurements: dict) -> Fraction | None:
    """The number a (resolved) value condition compares: a measure, a sum or a ratio."""
    if "measure" in cond:
        return lookup(measurements, cond["measure"])
    if "sum" in cond:
        parts = [lookup(measurements, k) for k in cond["sum"]]
        return None if any(p is None for p in parts) else sum(parts, Fraction(0))
    num, den = (lookup(measurements, k) for k in cond["ratio"])
    if num is None or den is None or den == 0:
        return None  # no probes: the share is unknown, not zero
    return num / den


def holds(cond: dict, measurements: dict) -> bool | None:
    """Evaluate a resolved condition; None when it cannot be decided."""
    if "const" in cond:
        return cond["const"]
    if "any_of" in cond:
        results = [holds(c, measurements) for c in cond["any_of"]]
        return True if True in results else (None if None in results else False)
    if "all_of" in cond:
        results = [holds(c, measurements) for c in cond["all_of"]]
        return False if False in results else (None if None in results else True)
    q = quantity(cond, measurements)
    return None if q is None else OPS[cond["op"]](q, exact(cond["value"]))


def measures_in(obj: Any) -> list[str]:
    """Every measurement a rule or condition reads (both variants included), in order."""
    found: list[str] = []

    def walk(o: Any) -> None:
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "measure" and isinstance(v, str):
                    found.append(v)
                elif k in ("sum", "ratio") and isinstance(v, list):
                    found.extend(x for x in v if isinstance(x, str))
                else:
                    walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(obj)
    return list(dict.fromkeys(found))
