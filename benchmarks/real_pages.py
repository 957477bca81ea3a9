"""List items, next pages and attachments on the saved real pages: extracted vs seen by a person.

    .venv/bin/python benchmarks/real_pages.py                 # this tree
    .venv/bin/python benchmarks/real_pages.py --before REV    # and the extractors of git REV beside it

Figures per page (tests/fixtures/real): items a person sees, items extracted, of which furniture
(extracted but not seen) and missed (seen but not extracted); next pages and attachments likewise.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure() -> dict:
    sys.path.append(str(ROOT))   # after any older crawler/ put first on PYTHONPATH
    from tests.real_pages import extracted, fixtures, truth
    out = {}
    for name in fixtures():
        url, seen = truth(name)
        got = extracted(name, url)
        out[name] = {
            key: {"seen": len(want), "got": len(have),
                  "extra": len(set(have) - set(want)), "missed": len(set(want) - set(have))}
            for key, want, have in (("items", seen.items, got.items),
                                    ("next_pages", seen.next_pages, got.next_pages),
                                    ("attachments", seen.attachments, got.attachments))}
    return out


def measure_at(rev: str) -> dict:
    """The same figures with crawler/ and config/ as they were at git revision rev."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "crawler", "config"],
                             check=True, capture_output=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        tarfile.open(fileobj=BytesIO(archive)).extractall(tmp)
        env = dict(os.environ, PYTHONPATH=tmp)
        done = subprocess.run([sys.executable, __file__, "--json"], env=env, check=True,
                              capture_output=True, text=True)
    return json.loads(done.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", metavar="REV", help="also measure the extractors of this git revision")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    now = measure()
    if args.json:
        print(json.dumps(now))
        return
    before = measure_at(args.before) if args.before else None
    cols = ("items", "next_pages", "attachments")
    print(f"{'page':28}" + "".join(f"{c + ' seen/got(extra,missed)':>34}" for c in cols)
          + ("   items before(extra,missed)" if before else ""))
    totals = {c: [0, 0, 0, 0] for c in cols}
    tb = [0, 0, 0]
    for name, figs in now.items():
        row = f"{name:28}"
        for c in cols:
            f = figs[c]
            row += f"{f['seen']:>18}/{f['got']:<4}({f['extra']},{f['missed']})".ljust(34)
            for i, k in enumerate(("seen", "got", "extra", "missed")):
                totals[c][i] += f[k]
        if before:
            b = before[name]["items"]
            row += f"   {b['got']:>6}({b['extra']},{b['missed']})"
            tb = [tb[0] + b["got"], tb[1] + b["extra"], tb[2] + b["missed"]]
        print(row)
    row = f"{'TOTAL':28}" + "".join(
        f"{t[0]:>18}/{t[1]:<4}({t[2]},{t[3]})".ljust(34) for t in totals.values())
    print(row + (f"   {tb[0]:>6}({tb[1]},{tb[2]})" if before else ""))
    if before:
        row = f"{'TOTAL before ' + args.before:28}"
        for c in cols:
            t = [sum(before[n][c][k] for n in before) for k in ("seen", "got", "extra", "missed")]
            row += f"{t[0]:>18}/{t[1]:<4}({t[2]},{t[3]})".ljust(34)
        print(row)


if __name__ == "__main__":
    main()
