"""Spot-check sampling (抽查): a reproducible, stratified draw of registered sites.

Pure: sites in, chosen codes and a description out. The same seed on the same register always gives
the same sample, whatever order the register rows come in, because each stratum is drawn from its
codes in sorted order with a random generator seeded by (seed, stratum).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from config.errors import UserError

# Register fields a sample may be stratified by: Chinese header → attribute of a site record.
STRATA_FIELDS = {"行政级别": "level", "网站类型": "site_type", "所属地区": "region"}


class SampleError(UserError, ValueError):
    """The sampling request cannot be met; Chinese message for the user."""


@dataclass
class Stratum:
    key: tuple[str, ...]        # values of the --by fields, e.g. ('县级', '门户网站')
    population: int
    drawn: int
    forced: int = 0             # sites included because they failed the last audit


@dataclass
class Sample:
    codes: list[str]                                   # chosen site codes, sorted
    by: list[str]                                      # the Chinese field names stratified by
    seed: int
    share: float | None = None
    count: int | None = None
    minimum: int = 1
    forced: list[str] = field(default_factory=list)    # failed-last-audit codes always included
    strata: list[Stratum] = field(default_factory=list)

    def describe(self) -> str:
        """One line an official can quote in a published notice, to reproduce the draw."""
        how = (f"按 {self.share:.0%} 比例随机抽取" if self.share is not None
               else f"随机抽取 {self.count} 个")
        floor = f"每层至少 {self.minimum} 个" if self.by else f"至少 {self.minimum} 个"
        by = f"按{'、'.join(self.by)}分层，{floor}" if self.by else "不分层"
        # the failed sites are drawn first and fill their stratum's quota (draw(): `always`)
        forced = (f"；上次检查不合格的 {len(self.forced)} 个网站一律抽取，计入"
                  f"{'各层' if self.by else ''}抽取数" if self.forced else "")
        return f"{how}（{by}，随机种子 {self.seed}{forced}），共 {len(self.codes)} 个网站"


def parse_share(text: str) -> float:
    """'30%' or '0.3' → 0.3; anything outside (0, 1] is refused in Chinese."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise SampleError(f"抽查比例“{text}”无法识别，应写成 30% 或 0.3") from None
    if not 0 < value <= 1:
        raise SampleError(f"抽查比例“{text}”应在 0 到 100% 之间（不含 0）")
    return value


def draw(sites: Sequence, *, seed: int, share: float | None = None, count: int | None = None,
         by: Iterable[str] = (), minimum: int = 1, always: Iterable[str] = ()) -> Sample:
    """Draw the sample. Exactly one of share/count; `always` codes are included first and count
    toward their stratum's quota."""
    if (share is None) == (count is None):
        raise SampleError("请给出抽查比例 --share 或抽查数量 --count（二选一）")
    by = list(by)
    unknown = [b for b in by if b not in STRATA_FIELDS]
    if unknown:
        raise SampleError(f"不能按“{'、'.join(unknown)}”分层，可用：{'、'.join(STRATA_FIELDS)}")
    if count is not None and not 0 < count:
        raise SampleError(f"抽查数量应大于 0（现为 {count}）")
    if not sites:
        raise SampleError("网站名录为空：请先运行 govaudit sites import 名录文件")
    if count is not None and count > len(sites):
        raise SampleError(f"抽查数量 {count} 超过名录中的网站数 {len(sites)}")

    groups: dict[tuple[str, ...], list[str]] = {}
    for site in sites:
        key = tuple(getattr(site, STRATA_FIELDS[b]) or "（未填）" for b in by)
        groups.setdefault(key, []).append(site.code)
    always = set(always) & {s.code for s in sites}
    quotas = _quotas({k: len(v) for k, v in groups.items()}, share, count, minimum)

    chosen: list[str] = []
    strata = []
    for key in sorted(groups):
        codes = sorted(groups[key])
        forced = [c for c in codes if c in always]
        rest = [c for c in codes if c not in always]
        need = max(quotas[key] - len(forced), 0)
        rng = random.Random(f"{seed}|{'|'.join(key)}")
        picked = forced + rng.sample(rest, min(need, len(rest)))
        chosen += picked
        strata.append(Stratum(key, len(codes), len(picked), len(forced)))
    return Sample(codes=sorted(chosen), by=by, seed=seed, share=share, count=count,
                  minimum=minimum, forced=sorted(always), strata=strata)


def _quotas(sizes: dict[tuple, int], share: float | None, count: int | None,
            minimum: int) -> dict[tuple, int]:
    """Sites to draw per stratum: its share (rounded up, so a small stratum is never skipped) or a
    proportional split of `count` by largest remainders; never below `minimum` nor above its size."""
    if share is not None:
        raw = {k: math.ceil(share * n - 1e-9) for k, n in sizes.items()}
    else:
        total = sum(sizes.values())
        exact = {k: count * n / total for k, n in sizes.items()}
        raw = {k: math.floor(x) for k, x in exact.items()}
        left = count - sum(raw.values())
        for k in sorted(exact, key=lambda k: (-(exact[k] - raw[k]), k))[:left]:
            raw[k] += 1
    return {k: min(max(q, minimum), sizes[k]) for k, q in raw.items()}
