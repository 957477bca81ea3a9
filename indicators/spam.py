"""Hacked pages: gambling / porn / fraud content injected into a government page. Pure.

Lexicon hits (config/services/spam_terms.yaml) are weighted by where they sit
(config/services/serious.yaml): hidden markup, outbound links, a replaced <title> or meta keywords
weigh far more than visible text, and visible hits next to a negation (打击, 整治, 警惕 …) weigh
nothing, so a story about cracking down on online gambling is not a hacked page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

import ahocorasick

import config
from indicators.observations import PageText

PLACE = {"visible": "正文", "link": "外链", "hidden": "隐藏元素", "title": "网页标题", "keywords": "网页关键词"}


@dataclass
class SpamHit:
    place: str            # visible | link | hidden | title | keywords
    term: str
    category: str
    points: float         # weight × place weight
    detail: str = ""      # the hiding technique, or the link URL
    link_host: str | None = None   # a hidden link's host (its URL's hit is not counted on that site)


@dataclass
class SpamVerdict:
    score: float
    hits: list[SpamHit] = field(default_factory=list)

    def top_term(self) -> str:
        return max(self.hits, key=lambda h: h.points).term if self.hits else ""

    def category(self) -> str:
        by: dict[str, float] = {}
        for h in self.hits:
            by[h.category] = by.get(h.category, 0) + h.points
        return max(by, key=by.get) if by else ""


class SpamScanner:
    def __init__(self, lexicon: dict | None = None, settings: dict | None = None):
        lexicon = lexicon or config.load_yaml("services/spam_terms.yaml")
        s = settings or config.load_yaml("services/serious.yaml")["spam"]
        self.lexicon, self.settings = lexicon, s    # what the scan is a function of (pagescan)
        self.weights, self.threshold = s["weights"], s["threshold"]
        self.window = s["negation_window"]
        self._terms = ahocorasick.Automaton()
        for category, words in lexicon["categories"].items():
            for word, weight in words.items():
                self._terms.add_word(word, (word, category, float(weight)))
        self._terms.make_automaton()
        self._urls = ahocorasick.Automaton()
        for word, weight in (lexicon.get("url_terms") or {}).items():
            self._urls.add_word(word.lower(), (word, "外链网址", float(weight)))
        self._urls.make_automaton()
        self._neg = ahocorasick.Automaton()
        for word in s["negation"]:
            self._neg.add_word(word, word)
        self._neg.make_automaton()

    def _find(self, auto, text: str) -> list[tuple[int, int, tuple]]:
        """Longest non-overlapping matches: (start, end, value)."""
        if not text or not len(auto):
            return []
        found = sorted(((end - len(v[0]) + 1, end + 1, v) for end, v in auto.iter(text)),
                       key=lambda m: (m[0], -(m[1] - m[0])))
        out: list[tuple[int, int, tuple]] = []
        for m in found:
            if not out or m[0] >= out[-1][1]:
                out.append(m)
        return out

    def _hits(self, text: str, place: str, detail: str = "", negate: bool = False) -> list[SpamHit]:
        hits = []
        found = self._find(self._terms, text)
        if not found:   # most texts: no term, so no negation to look for either
            return hits
        negations = [(s, e) for s, e, _ in self._find(self._neg, text)] if negate else []
        for start, end, (word, category, weight) in found:
            if any(start < e + self.window and end > s - self.window for s, e in negations):
                continue
            hits.append(SpamHit(place, word, category, weight * self.weights[place], detail))
        return hits

    def _url_hits(self, url: str, place: str, link_host: str | None = None) -> list[SpamHit]:
        parts = urlsplit(url)
        where = ((parts.hostname or "") + parts.path + "?" + parts.query).lower()
        return [SpamHit(place, word, category, weight * self.weights[place], url, link_host)
                for _, _, (word, category, weight) in self._find(self._urls, where)]

    def scan(self, page: PageText, own_host: str = "") -> SpamVerdict:
        return self.verdict(self.page_hits(page), own_host)

    def page_hits(self, page: PageText) -> list[SpamHit]:
        """Every hit of a page, whatever site it is on (so indicators.pagescan can keep them for
        an unchanged page): a hidden link's URL hit carries the link's host, for verdict()."""
        hits = self._hits(page.title, "title", negate=True)
        hits += self._hits(page.keywords, "keywords", negate=True)
        hits += self._hits(page.text, "visible", negate=True)
        for text, href in page.outbound:
            hits += self._hits(text, "link", href)
            hits += self._url_hits(href, "link")
        for seg in page.hidden:
            hits += self._hits(seg.text, "hidden", f"{seg.how} 的 <{seg.tag}>")
            for _, href in seg.links:
                hits += self._url_hits(href, "hidden", urlsplit(href).hostname or "")
        return hits

    def verdict(self, hits: list[SpamHit], own_host: str = "") -> SpamVerdict:
        """The page's verdict on the site at own_host: a hidden link to the site itself is no
        injected link."""
        if own_host:
            hits = [h for h in hits if h.link_host != own_host]
        return SpamVerdict(sum(h.points for h in hits), hits)

    def is_hacked(self, verdict: SpamVerdict) -> bool:
        return verdict.score >= self.threshold


@lru_cache(maxsize=1)
def spam_scanner() -> SpamScanner:
    return SpamScanner()
