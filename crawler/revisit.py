"""Re-audits that re-read only what changed (issue 20 part 2), the way Scrapy's RFC 2616 cache
policy and Heritrix's recrawls do it: every page the spider reads leaves a memo (store/memos.py) —
the answer's validators, a hash of its body and what the spider read from it (an `Answer`). The next
crawl of the site asks for the page with If-None-Match / If-Modified-Since; a 304, or a 200 whose
body hash is unchanged, gives back the stored Answer, and the spider yields from it exactly what
reading the page would have yielded (its links, items, dates, text), so the new crawl's
observations are complete and dates are judged at the new --as-of as always.

Freshness (RFC 9111 §4.2, as Scrapy's RFC2616Policy and every HTTP cache): a memo whose answer is
still fresh — its explicit lifetime (Cache-Control max-age/s-maxage, Expires − Date) or, without
one, a fraction of the time since its Last-Modified (crawl.yaml `revisit`) — is used without asking
the site at all: the spider replays its Answer inline (site_audit._replay), as it would a 304. The
homepage, column, list and entry pages, anything last found at fault or linking to a fault, and
answers without validators are always asked (`always_ask`): a fix there is always seen. What the
policy cannot see: a page edited within its freshness window whose list did not change.

A memo is keyed by (url, context): the context holds everything besides the page that decides what
reading it finds (its role, the list it belongs to, the row shapes of that list's first page …), so
a page reached in another role is read afresh. `READER` fingerprints the code and configuration
that read it: after an upgrade or an edited lexicon no memo is used.
"""
from __future__ import annotations

import hashlib
import io
import pickle
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from store.memos import MemoRow  # noqa: F401  (the spider and tests name it revisit.MemoRow)

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
        return _check_context(meta.get("read_text") or "")
    shapes = meta.get("row_shapes")
    return _page_context(meta["role"], bool(meta.get("list_url")),
                         tuple(sorted(map(repr, shapes))) if shapes else (),
                         bool(meta.get("column_app")), meta.get("parse", True))


# Asked for every page and link check scheduled, with a handful of distinct keys a crawl: each
# hashed once. The key hashed is the one memos were always stored under (the shapes a list).
@lru_cache(maxsize=1024)
def _check_context(read_text: str) -> str:
    return _hashed(("check", read_text))


@lru_cache(maxsize=1024)
def _page_context(role: str, listed: bool, shapes: tuple, app: bool, parse) -> str:
    return _hashed((role, listed, list(shapes), app, parse))


def _hashed(key: tuple) -> str:
    return hashlib.blake2b(repr(key).encode(), digest_size=8).hexdigest()


@dataclass(slots=True, frozen=True)
class Policy:
    """crawl.yaml `revisit`: heuristic freshness = fraction × (Date − Last-Modified), capped."""
    fraction: float = 0.1
    max_s: float = 30 * 86400
    facts_batch: int = 256     # fresh memos' Answers fetched at once (crawler/frontier.FreshFacts)

    @classmethod
    def from_config(cls, cfg: dict) -> "Policy":
        block = cfg.get("revisit") or {}
        return cls(max(0.0, float(block.get("heuristic_fraction", 0.1))),
                   max(0.0, float(block.get("heuristic_max_days", 30))) * 86400,
                   max(1, int(block.get("facts_batch", 256))))


_MAX_AGE = re.compile(r"(?:^|,)\s*(s-maxage|max-age)\s*=\s*\"?(\d+)", re.I)
_NEVER = re.compile(r"(?:^|,)\s*(no-store|no-cache|must-revalidate)\b", re.I)


def _http_date(value: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        return None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when


def lifetime(date: str, cache_control: str, expires: str, last_modified: str,
             fetched_at: datetime, policy: Policy) -> float:
    """Seconds an answer stays fresh after it was received (RFC 9111 §4.2.1–4.2.2); 0: ask."""
    if _NEVER.search(cache_control or ""):
        return 0.0
    ages = {k.lower(): int(v) for k, v in _MAX_AGE.findall(cache_control or "")}
    if ages:
        return float(ages.get("s-maxage", ages.get("max-age", 0)))
    sent = _http_date(date) or fetched_at
    if expires:
        until = _http_date(expires)
        return max(0.0, (until - sent).total_seconds()) if until else 0.0   # invalid: expired
    modified = _http_date(last_modified)
    if modified is None or policy.fraction <= 0:
        return 0.0
    return min(policy.max_s, max(0.0, policy.fraction * (sent - modified).total_seconds()))


def is_fresh(memo: MemoRow, now: datetime, policy: Policy) -> bool:
    """Whether the memo answers for its page now without asking (see the module's docstring)."""
    if memo.always_ask or memo.status != 200 or not (memo.etag or memo.last_modified):
        return False
    fetched = memo.read_at if memo.read_at.tzinfo else memo.read_at.replace(tzinfo=timezone.utc)
    life = lifetime(memo.date, memo.cache_control, memo.expires, memo.last_modified, fetched, policy)
    return (now - fetched).total_seconds() < life


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


# A memo's facts, packed: the page's text record goes in as it is (store.pack_text already
# compressed it: deflating it again cost a third of the memo's zlib time for 4% of its size), its
# links as plain tuples (pickling a Link object costs what two tuples do, and its class name in
# every row compresses worse); the rest pickled and zlib-compressed.
#   _PACKED (1 byte) | len(text) (4 bytes, big-endian) | text | zlib(pickle((answer, links)))
# A blob without the mark is the earlier whole-answer zlib(pickle(answer)): still read.
_PACKED = b"\x02"


def pack(answer: Answer) -> bytes:
    read = answer.read
    if read is None:
        return _PACKED + bytes(4) + _deflate((answer, None))
    text, links = read.text, read.links
    # The answer is the spider's own and nothing else runs meanwhile: emptied for the pickle and
    # put back, instead of copying every field of it.
    read.text, read.links = b"", None
    try:
        rest = _deflate((answer, list(map(tuple, links))))
    finally:
        read.text, read.links = text, links
    return _PACKED + len(text).to_bytes(4, "big") + text + rest


def _deflate(value) -> bytes:
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes) -> Answer:
    if blob[:1] != _PACKED:
        return _Unpickler(io.BytesIO(zlib.decompress(blob))).load()
    size = int.from_bytes(blob[1:5], "big")
    answer, links = _Unpickler(io.BytesIO(zlib.decompress(blob[5 + size:]))).load()
    if not isinstance(answer, Answer):
        raise pickle.UnpicklingError("not a memo's answer")
    if answer.read is not None:
        answer.read.text = blob[5:5 + size]
        answer.read.links = list(map(_link(), links))
    return answer


@lru_cache(maxsize=1)
def _link():
    """Link from a stored tuple (~15 a page): what Link._make does, without its Python frame (the
    tuples were Links, packed by this reader)."""
    from crawler.extract.links import Link   # imported late: the watch loads no extractor
    return partial(tuple.__new__, Link)


class _Unpickler(pickle.Unpickler):
    """Only the crawler's own record types and plain values: a shared store (PostgreSQL) is not
    trusted to run code in the crawler."""
    def find_class(self, module, name):
        found = _ALLOWED.get((module, name))   # ~5 a memo: looked up once a process, not each time
        if found is None:
            found = _ALLOWED[module, name] = self._allowed(module, name)
        return found

    def _allowed(self, module, name):
        if (module, name) in (("datetime", "date"), ("builtins", "frozenset"), ("builtins", "set")):
            return super().find_class(module, name)
        if module.startswith("crawler.extract.") or module == __name__:
            found = super().find_class(module, name)
            if isinstance(found, type):   # a record type, never a function to call
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a crawler record")


_ALLOWED: dict[tuple[str, str], type] = {}
