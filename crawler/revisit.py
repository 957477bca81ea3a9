"""Re-audits that re-read only what changed (issue 20 part 2), the way Scrapy's RFC 2616 cache
policy and Heritrix's recrawls do it: every page the spider reads leaves a memo (store/memos.py) —
the answer's validators, a hash of its body and what the spider read from it (an `Answer`). The next
crawl of the site asks for the page with If-None-Match / If-Modified-Since; a 304, or a 200 whose
body hash is unchanged, gives back the stored Answer, and the spider yields from it exactly what
reading the page would have yielded (its links, items, dates, text), so the new crawl's
observations are complete and dates are judged at the new --as-of as always.

A memo is keyed by (url, context): the context holds everything besides the page that decides what
reading it finds (its role, the list it belongs to, the row shapes of that list's first page …), so
a page reached in another role is read afresh. `READER` fingerprints the code and configuration
that read it: after an upgrade or an edited lexicon no memo is used.
"""
from __future__ import annotations

import hashlib
import io
import pickle
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the watch imports this module and needs no extractor to be loaded
    from crawler.extract.dates import ArticleDate
    from crawler.extract.messages import MessageRow

_ROOT = Path(__file__).resolve().parent.parent


@dataclass(slots=True)
class Read:
    """What the spider reads from an internal page (site_audit._read), whatever the crawl's state."""
    title: str
    dated: ArticleDate | None
    text: bytes                     # the page's text record, packed (store.pack_text)
    letter: MessageRow | None
    columns: list
    kind: str | None
    is_list: bool
    items: list | None
    entry: list
    search: object | None
    query: str
    board: list
    gate: str | None
    column_name: str
    meta_type: str
    meta_name: str
    blank: bool
    dataproxy: list
    later: list
    shapes: frozenset
    sitemap: str | None
    sitemap_columns: list
    links: list


@dataclass(slots=True)
class Answer:
    """What one answer told the spider: enough to judge it (crawler.checks) and, for a page it
    reads, what it read."""
    status: int
    html: bool
    not_found: str | None = None
    system_error: str | None = None
    oversize: int | None = None
    system_checked: bool = False    # system_error looked for (only for links to online systems)
    fingerprint: str | None = None
    read: Read | None = None
    attachment: str | None = None   # an attachment's text (personal-data scan)


# A memo that cannot answer for its page in this crawl (site_audit._recall).
STALE = object()


def context(meta: dict) -> str:
    """The memo key's second half for a request's meta (see the module's docstring)."""
    if meta["role"] == "check":
        key = ("check", meta.get("read_text") or "")
    else:
        key = (meta["role"], bool(meta.get("list_url")), sorted(map(repr, meta.get("row_shapes") or ())),
               bool(meta.get("column_app")), meta.get("parse", True))
    return hashlib.blake2b(repr(key).encode(), digest_size=8).hexdigest()


def conditional_headers(etag: str, last_modified: str) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def body_hash(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


@lru_cache(maxsize=1)
def reader() -> str:
    """A fingerprint of the code and configuration that read pages: the extractors, the spider,
    this module and every file of config/. A memo made under another one is never used."""
    h = hashlib.blake2b(digest_size=12)
    files = sorted([*(_ROOT / "crawler" / "extract").glob("*.py"), _ROOT / "crawler" / "spiders" /
                    "site_audit.py", Path(__file__).resolve(),
                    *(p for p in (_ROOT / "config").rglob("*") if p.is_file()
                      and p.suffix in (".yaml", ".yml", ".txt", ".py"))])
    for path in files:
        h.update(str(path.relative_to(_ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def pack(answer: Answer) -> bytes:
    return zlib.compress(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes) -> Answer:
    return _Unpickler(io.BytesIO(zlib.decompress(blob))).load()


class _Unpickler(pickle.Unpickler):
    """Only the crawler's own record types and plain values: a shared store (PostgreSQL) is not
    trusted to run code in the crawler."""
    def find_class(self, module, name):
        if (module, name) in (("datetime", "date"), ("builtins", "frozenset"), ("builtins", "set")):
            return super().find_class(module, name)
        if module.startswith("crawler.extract.") or module == __name__:
            found = super().find_class(module, name)
            if isinstance(found, type):   # a record type, never a function to call
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a crawler record")
