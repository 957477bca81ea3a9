"""An href as a browser reads it, resolved to an absolute URL: what every extractor (and the page
object's memo) asks before it looks at a link."""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin

_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "about:", "sms:", "vbscript:")
_BREAK = re.compile(r"[ \t]*[\r\n]+[ \t]*|\t")


@lru_cache(maxsize=16384)   # the same raw hrefs on every page of a site
def clean_href(raw: str | None) -> str | None:
    """An href as a browser reads it: whitespace trimmed, tabs/newlines dropped; None when it is
    not a link to check (mailto:, tel:, javascript:, data:, bare '#' or '#anchor', empty)."""
    if raw is None:
        return None
    href = raw
    if "\n" in href or "\r" in href or "\t" in href:
        # A line break inside an href is template formatting: drop it with its indentation.
        href = _BREAK.sub("", href)
    href = href.strip().strip("\u3000\xa0").strip()
    if not href or href.startswith("#"):
        return None
    if href.lower().replace(" ", "").startswith(_SKIP_SCHEMES):
        return None
    return href.replace("\\", "/").replace(" ", "%20")


def resolve(href: str | None, base: str) -> str | None:
    """Absolute http(s) URL without fragment, or None."""
    href = clean_href(href)
    if href is None:
        return None
    # Every page of a site repeats its menus' links: an absolute or root-relative href resolves
    # the same way from any page of the site, so those are remembered across pages.
    if (href[0] == "/" and not href.startswith("//")) \
            or href[:8].lower().startswith(("http://", "https://")):
        return _resolve_shared(href, _origin(base))
    # A relative path (./a.html, ../list/) resolves the same from every page of one directory
    # (urljoin drops the base's last segment): remembered by that directory when the base has no
    # query or parameters and the href no scheme or query-only form.
    if href[0] != "?" and ":" not in href and not ("?" in base or ";" in base or "#" in base):
        cut = base.rfind("/")
        if cut > base.find("//") + 1 >= 2:
            return _resolve_shared(href, base[:cut], "/")
    return _resolve(href, base)


def _origin(base: str) -> str:
    end = base.find("/", base.find("//") + 2)
    return base if end < 0 else base[:end]


@lru_cache(maxsize=8192)
def _resolve_shared(href: str, origin: str, tail: str = "/") -> str | None:
    return _resolve(href, origin + tail)


def _resolve(href: str, base: str) -> str | None:
    try:
        url = urljoin(base, href)
    except ValueError:
        return None
    url = url.split("#", 1)[0]
    return url if url.lower().startswith(("http://", "https://")) else None
