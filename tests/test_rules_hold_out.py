"""Hold one farm style out: the list, pager and furniture rules name no class, id or script
variable that only one of the sample farm's CMS styles draws.

Every word a rule names (page.py's furniture roles, the pinned-row and heading names of listing.py
and columns.py, the pager's <select> hint and count variables) must be witnessed by a saved real
page (tests/fixtures/real), by two farm styles, or by none at all (a name real CMSs use that the
farm does not draw). A word whose only witness is one style's render module (samplefarm/render_*)
was tuned to that style: a rule fixed for it would not carry over to an unseen CMS family.
"""
from __future__ import annotations

import re
from pathlib import Path

import config
from crawler.extract import columns, listing, page, pager

ROOT = Path(__file__).resolve().parent.parent
_ATTR = re.compile(r"""\b(?:class|id)\s*=\s*\\?["']([^"'{}\\]*)""")
_TOKEN = re.compile(r"[a-z][\w-]*")
_WORD = re.compile(r"[a-z]{2,}")

# Words only one farm style witnesses, kept on purpose (and why). Nothing else may join them.
KNOWN = {
    # 置顶: real CMSs mark pinned rows <li class="zd">; the farm's TRS style alone draws the class
    # (on a span inside the row, where the rule does not look: its [置顶] text pins the row).
    ("listing.pin", "zd"): "trs",
}


def _tokens(text: str) -> set[str]:
    return {t for m in _ATTR.finditer(text) for t in m.group(1).lower().split() if _TOKEN.fullmatch(t)}


def _witnesses() -> dict[str, set[str]]:
    """Each class/id token with where it is drawn: a farm style, 'farm' (every style: common.py,
    the specs) or 'real' (a saved real page)."""
    out: dict[str, set[str]] = {}
    for path in (ROOT / "samplefarm").glob("*.py"):
        where = path.stem.removeprefix("render_") if path.stem.startswith("render_") else "farm"
        for t in _tokens(path.read_text(encoding="utf-8")):
            out.setdefault(t, set()).add(where)
    for path in (ROOT / "tests" / "fixtures" / "real").glob("*.html"):
        for t in _tokens(path.read_text(encoding="utf-8", errors="replace")):
            out.setdefault(t, set()).add("real")
    return out


def _rules() -> dict[str, re.Pattern]:
    rules = {f"page.{role}": pattern for role, pattern in page._TOKEN_ROLES}
    rules.update({"page.ambiguous_sidebar": page._AMBIGUOUS_SIDEBAR, "listing.pin": listing._PIN_CLASS,
                  "columns.sublevel": columns._SUBLEVEL, "columns.heading": columns._HEADING_CLASS,
                  "pager.select_hint": pager._SELECT_HINT})
    return rules


def _names(word: str, token: str) -> bool:
    """A short word (zd, hd, fy) names a token's part (fy-box); a longer one any token holding it."""
    return word in re.split(r"[-_\d]+", token) if len(word) <= 3 else word in token


def style_specific() -> dict[tuple[str, str], str]:
    """(rule, word) → the one farm style that alone draws what the word names."""
    styles = {p.stem.removeprefix("render_") for p in (ROOT / "samplefarm").glob("render_*.py")}
    witnesses = _witnesses()
    out = {}
    for name, pattern in _rules().items():
        for word in sorted(set(_WORD.findall(pattern.pattern))):
            where = set().union(*(w for t, w in witnesses.items() if _names(word, t)))
            if len(where) == 1 and where <= styles:
                out[(name, word)] = where.pop()
    return out


def test_no_rule_word_rests_on_one_farm_style_alone():
    assert style_specific() == KNOWN


def test_every_pager_count_variable_is_drawn_by_a_real_page_or_by_no_single_style():
    """count_variables (config/lexicons/pager.yaml) are script names: maxPageNum is the 丰城 page's,
    countPage the TRS templates'; none is known from one farm style alone."""
    names = config.load_yaml("lexicons/pager.yaml")["count_variables"]
    farm = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "samplefarm").glob("render_*.py")}
    real = "".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in (ROOT / "tests" / "fixtures" / "real").glob("*.html"))
    alone = []
    for name in names:
        used = re.compile(r"(?<!\w)%s(?!\w)" % re.escape(name))
        styles = [s for s, text in farm.items() if used.search(text)]
        if len(styles) == 1 and not used.search(real):
            alone.append((name, styles[0]))
    assert alone == []
