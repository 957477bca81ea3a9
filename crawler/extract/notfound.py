"""Soft 404s: error pages served with HTTP 200, and redirects that land on an error page."""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import config
from lxml import etree

from . import settings

_ERROR_SEGMENT = re.compile(
    r"^(404|error|errors|err|notfound|not[-_]found|pagenotfound|page[-_]?not[-_]?found|nopage|"
    r"no[-_]page|missing)(\.\w+)?$|^error|^[a-z_-]*404[a-z_-]*(\.\w+)?$")
_ERROR_QUERY = re.compile(r"(^|&)(aspxerrorpath|errorpath|errcode|error)=", re.I)
# Ascii tokens that look like a path, URL, number or timestamp: a 404 page echoes the requested
# path and often the time, which must not make two answers of the same template differ.
_VOLATILE = re.compile(r"[!-~]*[/\\.?=%&:#\d][!-~]*|\d+")


def _phrases() -> tuple[str, ...]:
    return config.lexicon("not_found")


def _phrase_in(text: str, phrases: tuple[str, ...]) -> str | None:
    low = text.lower()
    return next((p for p, lowered in _lowered(phrases) if lowered in low), None)


@lru_cache(maxsize=8)   # a few lexicons, each asked on every page
def _lowered(phrases: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((p, p.lower()) for p in phrases)


def not_found_phrase(page) -> str | None:
    """The error phrase the title, or the body of a page with little main text, shows (evidence)."""
    return error_phrase(page, _phrases())


def system_error_phrase(page) -> str | None:
    """A login or system error (config/lexicons/system_error.txt) shown the same way: what a dead
    online system answers instead of its form."""
    return error_phrase(page, config.lexicon("system_error"))


def error_phrase(page, phrases: tuple[str, ...]) -> str | None:
    """The first phrase in the title, or in the body of a page with little main text."""
    if page.title and (found := _phrase_in(page.title, phrases)):
        return found
    main = "".join(page.main_text().split())
    if len(main) < settings.get("not_found_max_chars"):
        return _phrase_in(page.body_text(), phrases)
    return None


def looks_not_found(page) -> bool:
    """The page says it does not exist."""
    return not_found_phrase(page) is not None


def _normalized_text(text: str) -> str:
    return " ".join(_VOLATILE.sub(" ", text).split())


def fingerprint(page) -> str:
    """A short signature of what the page says, blind to echoed paths, numbers and times.

    Two answers of the same error template give the same fingerprint; the tag structure is kept
    as a second part for pages without any text.
    """
    text = _normalized_text((page.title or "") + "\n" + page.body_text())
    tags = ",".join([el.tag for el in page.body.iter(etree.Element)])   # elements, no comments
    th = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    sh = hashlib.sha1(tags.encode("utf-8")).hexdigest()[:16]
    return f"{th}:{sh}:{len(text)}"


def same_page(fp_a: str | None, fp_b: str | None) -> bool:
    """Whether two fingerprints are the same answer (a page with no text must match in structure)."""
    if not fp_a or not fp_b:
        return False
    ta, sa, la = (fp_a.split(":") + ["", "", ""])[:3]
    tb, sb, lb = (fp_b.split(":") + ["", "", ""])[:3]
    if ta != tb:
        return False
    return la not in ("0", "") or sa == sb


def is_error_url(url: str) -> bool:
    """A redirect target that is an error page: /404.html, /error.html, /notfound, /error/…"""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    segments = [s for s in unquote(parts.path).lower().split("/") if s]
    if any(re.fullmatch(r"404|error|errors|notfound|not[-_]found", s) for s in segments[:-1]):
        return True
    if segments and _ERROR_SEGMENT.search(segments[-1]):
        return True
    return bool(_ERROR_QUERY.search(parts.query))
