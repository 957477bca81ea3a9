"""Site search (站内搜索): the homepage's search box and what its results page shows. Pure functions
over parsed pages; the words come from config/search.yaml.

A search box is a <form> with a text field, or a text field whose script builds the results URL
(location.href = "/search?q=" + …value). Either way the result is the URL to request for a query.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import config
from crawler.extract.page import text_of

TEXT_TYPES = ("", "text", "search")
# location.href = '…?q=' + …, window.open("…&kw=" + …), location.assign('…=' + …)
_JS_URL = re.compile(r"""(?:location(?:\.href)?\s*=|window\.open\s*\(|location\.(?:assign|replace)\s*\()"""
                     r"""\s*['"]([^'"]*=)['"]\s*\+""")


@lru_cache(maxsize=1)
def search_config() -> dict:
    return config.load_yaml("search.yaml")


@dataclass
class SearchBox:
    how: str                        # 'form' | 'script'
    action: str                     # absolute URL the query goes to (a script's: up to its '=')
    name: str = ""                  # the query field's name (form)
    hidden: list[tuple[str, str]] = field(default_factory=list)   # the form's hidden fields

    def url_for(self, query: str) -> str:
        """The GET URL of the query (a POST form is asked by GET too: search handlers take both)."""
        if self.how == "script":
            return self.action + quote(query)
        parts = urlsplit(self.action)
        params = [*self.hidden, (self.name, query)]
        q = "&".join(p for p in (parts.query, urlencode(params)) if p)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, q, ""))


def _says_search(*texts: str) -> bool:
    words = search_config()["words"]
    return any(w.lower() in (t or "").lower() for t in texts for w in words)


def search_box(page) -> SearchBox | None:
    """The page's site-search box, or None. A login form (a password field) is never one."""
    names = {n.lower() for n in search_config()["field_names"]}
    for form in page.body.iter("form"):
        inputs = list(form.iter("input"))
        if any((i.get("type") or "").lower() == "password" for i in inputs):
            continue
        fields = [i for i in inputs if (i.get("type") or "").strip().lower() in TEXT_TYPES
                  and i.get("name")]
        if not fields:
            continue
        box = fields[0]
        buttons = " ".join((b.get("value") or "") + text_of(b) for b in form.iter("input", "button")
                           if (b.get("type") or "").lower() in ("submit", "button", "image", ""))
        if not (box.get("name", "").lower() in names or _says_search(
                form.get("action") or "", form.get("name") or "", form.get("id") or "",
                form.get("class") or "", box.get("placeholder") or "", buttons)):
            continue
        action = page.resolve(form.get("action") or "") or page.url
        hidden = [(i.get("name"), i.get("value") or "") for i in inputs
                  if (i.get("type") or "").lower() == "hidden" and i.get("name")]
        return SearchBox("form", action, box.get("name"), hidden)
    return _script_box(page)


def _script_box(page) -> SearchBox | None:
    """A text field outside any form whose script (inline handler or <script>) builds the URL."""
    scripts = [s.text or "" for s in page.tree.iter("script")]
    scripts += [v for el in page.body.iter() if isinstance(el.tag, str)
                for k, v in el.attrib.items() if k.lower().startswith("on")]
    for code in scripts:
        for m in _JS_URL.finditer(code):
            if _says_search(m.group(1), code):
                url = page.resolve(m.group(1))
                if url:
                    return SearchBox("script", url)
    return None


def query_word(home_text: str) -> str:
    """The test query: the first configured word the homepage says (else the first word)."""
    words = search_config()["query_words"]
    return next((w for w in words if w in home_text), words[0])


@dataclass
class SearchResult:
    result_links: int               # links into the site whose text contains the query
    no_results: str = ""            # the 'nothing found' phrase the page shows, if any
    categories: list[str] = field(default_factory=list)   # the category tabs seen


def search_result(page, query: str, internal: Callable[[str], bool]) -> SearchResult:
    """What a results page shows for `query`: results (links back into the site, internal(url),
    that name the query), a 'no results' phrase, and its category tabs (全部/信息公开/办事服务 …)."""
    results = set()
    for a in page.body.iter("a"):
        url = page.resolve(a.get("href"))
        if url and internal(url) and query in text_of(a) \
                and urlsplit(url).path != urlsplit(page.url).path:
            results.add(url)
    text = "".join(page.body_text().split())
    cfg = search_config()
    gone = next((p for p in cfg["no_results"] if "".join(p.split()) in text), "")
    return SearchResult(len(results), "" if results else gone, category_tabs(page))


def category_tabs(page) -> list[str]:
    """The short texts of links, list entries and buttons that name result categories; [] unless
    there are at least `min_tabs` of them, one an `all` word."""
    cats = search_config()["categories"]
    known = set(cats["all"]) | set(cats["names"])
    seen: list[str] = []
    for el in page.body.iter("a", "li", "span", "button", "label", "option"):
        t = "".join(text_of(el).split())
        if t and len(t) <= cats["max_chars"] and t in known and t not in seen:
            seen.append(t)
    ok = len(seen) >= cats["min_tabs"] and any(t in cats["all"] for t in seen)
    return seen if ok else []
