"""One rule title means one rule everywhere: the README's rule table uses the ruleset's titles."""
from __future__ import annotations

import re
from pathlib import Path

from scoring.rulefile import load_ruleset

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_rule_titles_are_the_ruleset_titles():
    ruleset = load_ruleset("census-2015")
    rows = re.findall(r"^\| (\S+) `(\w+)`", README.read_text(encoding="utf-8"), re.M)
    assert len(rows) >= 6
    assert {rid: title for title, rid in rows} == {rid: ruleset.title_of(rid) for _, rid in rows}
