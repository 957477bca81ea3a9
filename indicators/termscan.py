"""Near-misses of protected terms (中华人民共合国, 国务阮, 习近平总书纪): pure text scanning.

Every protected term is expanded once into its plausible misspellings — one character replaced by a
homophone (pypinyin, toneless, common characters only) or a similar-shaped character (the shipped
confusion table), one inner character dropped, two neighbours swapped — and all of them go into one
Aho-Corasick automaton (pyahocorasick), so a site's whole text is scanned in a single pass.

A misspelling that lies inside a correct occurrence of any protected term, or inside an allowed word
(config/lexicons/protected_terms_allow.txt), is not reported: that is where most false alarms would
come from (a dropped first character is a substring of the correct term, for one).
"""
from __future__ import annotations

import importlib.util
import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import ahocorasick

import config
from config.errors import UserError

HOW = {"homophone": "同音字", "shape": "形近字", "drop": "漏字", "swap": "字序颠倒"}
_EXACT, _ALLOW, _VARIANT = 0, 1, 2


class TermsFileError(UserError, ValueError):
    """A --terms file that cannot be used; the message is Chinese and names the file and line."""


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    found: str        # the text as written
    term: str         # the protected term it resembles
    how: str          # homophone | shape | drop | swap


def read_terms_file(path: str | Path) -> list[str]:
    """The user's protected terms: one a line, '#' comments; Chinese errors name the bad line."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise TermsFileError(f"受保护名称文件 {path} 不是 UTF-8 编码，请另存为 UTF-8 后重试")
    except OSError as exc:
        raise TermsFileError(f"受保护名称文件 {path} 无法读取：{exc}") from exc
    terms, bad = [], []
    for no, line in enumerate(text.splitlines(), start=1):
        term = line.split("#", 1)[0].strip()
        if not term:
            continue
        if len(term) < 2 or len(term) > 40 or any(ch.isspace() for ch in term):
            bad.append(f"第 {no} 行“{term}”")
        else:
            terms.append(term)
    if bad:
        raise TermsFileError(f"受保护名称文件 {path} 中有无法使用的名称（应为 2 至 40 个字、不含空格，"
                             f"一行一个）：{'、'.join(bad)}")
    if not terms:
        raise TermsFileError(f"受保护名称文件 {path} 中没有名称（一行写一个）")
    return terms


@lru_cache(maxsize=1)
def _readings() -> dict[str, frozenset[str]]:
    """Character → its toneless pinyin readings, as pypinyin's pinyin(ch, Style.NORMAL,
    heteronym=True) gives them (ü written v). Read from pypinyin's own single-character table:
    importing pypinyin itself loads its phrase dictionary, ≈ 55 MB that one-character lookups never
    use (tests/test_services_scan.py checks the two agree on every character)."""
    spec = importlib.util.find_spec("pypinyin")
    table = Path(spec.submodule_search_locations[0]) / "pinyin_dict.json"
    raw = json.loads(table.read_text(encoding="utf-8"))
    return {chr(int(code)): frozenset(map(_toneless, marked.split(","))) for code, marked in raw.items()}


_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0304\u030c"))   # grave, acute, macron, caron


def _toneless(reading: str) -> str:
    bare = unicodedata.normalize("NFD", reading).translate(_TONE_MARKS)
    return unicodedata.normalize("NFC", bare).replace("ü", "v")


@lru_cache(maxsize=1)
def _homophone_index() -> dict[str, frozenset[str]]:
    """Toneless pinyin → the common characters read that way (GB2312 level 1)."""
    index: dict[str, set[str]] = {}
    for ch, readings in _readings().items():
        if not _common(ch):
            continue
        for reading in readings:
            index.setdefault(reading, set()).add(ch)
    return {k: frozenset(v) for k, v in index.items()}


def _common(ch: str) -> bool:
    """A GB2312 level-1 character (the 3755 everyday ones)."""
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xB0A1 <= (b[0] << 8 | b[1]) <= 0xD7F9


def homophones(ch: str) -> frozenset[str]:
    index = _homophone_index()
    out: set[str] = set()
    # pypinyin gives a character it has no reading for back as itself (a Latin "a" reads as a)
    for reading in _readings().get(ch, (ch,)):
        out |= index.get(reading, frozenset())
    out.discard(ch)
    return frozenset(out)


@lru_cache(maxsize=1)
def shape_table() -> dict[str, frozenset[str]]:
    """Character → its similar-shaped characters (config/lexicons/shape_confusion.txt)."""
    table: dict[str, set[str]] = {}
    for line in config.lexicon("shape_confusion"):
        group = line.split()
        for ch in group:
            table.setdefault(ch, set()).update(c for c in group if c != ch)
    return {k: frozenset(v) for k, v in table.items()}


def variants(term: str, settings: dict) -> Iterable[tuple[str, str]]:
    """(misspelling, how) for one term, as the settings (config/services/serious.yaml) allow."""
    n = len(term)
    shapes = shape_table()
    if n >= settings["min_length_substitute"]:
        for i, ch in enumerate(term):
            for how, chars in (("homophone", homophones(ch)), ("shape", shapes.get(ch, ()))):
                for c in chars:
                    yield term[:i] + c + term[i + 1:], how
    if n >= settings["min_length_drop"]:
        for i in range(1, n - 1):
            yield term[:i] + term[i + 1:], "drop"
    if n >= settings["min_length_swap"]:
        for i in range(n - 1):
            if term[i] != term[i + 1]:
                yield term[:i] + term[i + 1] + term[i] + term[i + 2:], "swap"


class TermScanner:
    """One automaton over the protected terms, their misspellings and the allowed words."""

    def __init__(self, terms: Iterable[str], allowed: Iterable[str] = (),
                 settings: dict | None = None):
        settings = settings or config.load_yaml("services/serious.yaml")["terms"]
        self.terms = list(dict.fromkeys(terms))
        self.settings = settings
        exact = set(self.terms)
        allowed = set(allowed) - exact
        self.allowed = sorted(allowed)
        auto = ahocorasick.Automaton()
        for t in exact:
            auto.add_word(t, (_EXACT, t, t, ""))
        for w in allowed:
            auto.add_word(w, (_ALLOW, w, w, ""))
        self.variant_count = 0
        for t in self.terms:
            for v, how in variants(t, settings):
                if v in exact or v in allowed or v in auto:
                    continue          # a first way of writing wins (homophone before shape)
                auto.add_word(v, (_VARIANT, v, t, how))
                self.variant_count += 1
        auto.make_automaton()
        self._auto = auto

    def scan(self, text: str) -> list[Hit]:
        """Misspellings in text, longest first where they overlap, in text order."""
        if not text or not self.terms:
            return []
        good: list[tuple[int, int]] = []
        found: list[Hit] = []
        for end, (kind, word, term, how) in self._auto.iter(text):
            start = end - len(word) + 1
            if kind == _VARIANT:
                found.append(Hit(start, end + 1, word, term, how))
            else:
                good.append((start, end + 1))
        if not found:
            return []
        found = [h for h in found if not any(s <= h.start and h.end <= e for s, e in good)]
        found.sort(key=lambda h: (h.start, -(h.end - h.start)))
        out: list[Hit] = []
        for h in found:
            if out and h.start < out[-1].end:
                if h.end - h.start > out[-1].end - out[-1].start:
                    out[-1] = h
                continue
            out.append(h)
        return out


@lru_cache(maxsize=8)
def scanner(extra_terms: tuple[str, ...] = ()) -> TermScanner:
    """The shipped protected terms plus the user's (--terms), built once per process."""
    return TermScanner([*config.lexicon("protected_terms"), *extra_terms],
                       config.lexicon("protected_terms_allow"))
