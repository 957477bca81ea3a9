"""Store what the spider yields through the store, in batches, idempotently (resume-safe)."""
from __future__ import annotations

import os
import time
from contextlib import contextmanager

from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

import store
from crawler import progress
from crawler.frontier import error_text
from store import runs

FLUSH_ROWS = 500
FLUSH_SECONDS = 2.0
STORE_FAILED_EXIT = 3
# Each kind of row the spider's records become (crawler/items.py): its table and the columns that
# make a row unique within a site crawl (one batch must not hold a row twice: PostgreSQL refuses
# that even with ON CONFLICT). Pages fetched again ("pages_replace") go to pages, overwriting.
TABLES = {"pages": (store.Page, ("url",)), "columns": (store.Column, ("url",)),
          "items": (store.Item, ("list_url", "url")), "links": (store.Link, ("url",)),
          "column_finds": (store.ColumnFind, ("url", "source")),
          "home_pages": (store.HomePage, ("url",)),
          "messages": (store.Message, ("source", "url")), "gated": (store.GatedPage, ("url",)),
          "texts": (store.PageContent, ("url",)), "online": (store.OnlineLink, ("url",))}



class StorePipeline:
    def __init__(self, db_url: str, run_id: int, sites: list[dict]):
        self.db_url, self.run_id, self.site_list = db_url, run_id, sites
        self.buffers: dict[str, list[dict]] = {"pages": [], "pages_replace": [], "columns": [], "items": [], "links": [],
                                               "column_finds": [], "home_pages": [],
                                               "messages": [], "gated": [],
                                               "texts": [], "online": []}
        self.last_flush = time.monotonic()
        self.errors: dict[str, tuple[int, str, str]] = {}   # site → (count, first error, its URL)

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(s.get("GOVAUDIT_DB"), s.getint("GOVAUDIT_RUN_ID"), s.getlist("GOVAUDIT_SITES"))

    def open_spider(self, spider=None):
        with self._writing():
            self._open()

    def _open(self) -> None:
        self.engine = store.connect(self.db_url)
        # Sites an earlier, interrupted attempt of this run had started (`retried`): what it stored
        # stays until the site answers again (then it is crawled afresh), so nothing is lost or
        # counted twice.
        self.crawl_ids, self.retried = runs.start_site_crawls(self.engine, self.run_id,
                                                              self.site_list)
        self.codes = {sc: code for code, sc in self.crawl_ids.items()}

    def process_item(self, item, spider=None):
        for one in item["items"] if item["_t"] == "batch" else [item]:   # a callback's items, in order
            try:
                self._store(one)
            except Exception as exc:   # noqa: BLE001 - counted on the site, as the spider's errors are
                self._error(one["site"], exc, one.get("url") or one.get("list_url") or "")
        return item

    def _error(self, site: str, exc: BaseException, url: str) -> None:
        count, first, first_url = self.errors.get(site, (0, error_text(exc), url))
        self.errors[site] = (count + 1, first, first_url)

    def _store(self, item: dict) -> dict:
        kind = item["_t"]
        sc = self.crawl_ids[item["site"]]
        if kind == "page":
            self.buffers["pages_replace" if item.get("replace") else "pages"].append(
                {"site_crawl_id": sc, "url": item["url"], "status": item["status"],
                 "title": item["title"], "pub_date": item["pub_date"], "depth": item["depth"],
                 "date_source": item.get("date_source", ""), "meta_date": item.get("meta_date")})
        elif kind == "column":
            self.buffers["columns"].append({"site_crawl_id": sc, **_without(item, "_t", "site")})
        elif kind == "items":
            self.buffers["items"].extend(
                {"site_crawl_id": sc, "list_url": item["list_url"], "on_home": item["on_home"], **row}
                for row in item["rows"])
        elif kind in ("link", "column_find", "home_page"):
            self.buffers[kind + "s"].append({"site_crawl_id": sc, **_without(item, "_t", "site")})
        elif kind == "messages":
            self.buffers["messages"].extend(
                {"site_crawl_id": sc, "list_url": item["list_url"], "source": item["source"], **row}
                for row in item["rows"])
        elif kind == "gated":
            self.buffers["gated"].append({"site_crawl_id": sc, **_without(item, "_t", "site")})
        elif kind == "text":
            self.buffers["texts"].append({"site_crawl_id": sc, "url": item["url"],
                                          "data": store.pack_text(item["data"])})
        elif kind == "online":
            self.buffers["online"].append({"site_crawl_id": sc, **_without(item, "_t", "site")})
        elif kind == "site_reached":
            if sc in self.retried:
                self.flush()
                with self._writing():
                    store.delete_observations(self.engine, sc)
                self.retried.discard(sc)
            return item
        elif kind == "site_done":
            self.flush()
            if sc in self.retried and item["status"] == "down":
                item = self._keep_earlier(sc, item)
            self._finish_site(sc, item)
            return item
        if sum(map(len, self.buffers.values())) >= FLUSH_ROWS \
                or time.monotonic() - self.last_flush > FLUSH_SECONDS:
            self.flush()
        return item

    def flush(self) -> None:
        batches = [(TABLES[name][0].__table__, [_text_safe(row) for row in _dedupe(name, rows)])
                   for name, rows in self.buffers.items() if name != "pages_replace"]
        replace = [_text_safe(row) for row in _dedupe("pages", self.buffers["pages_replace"])]
        for rows in self.buffers.values():
            rows.clear()
        self.last_flush = time.monotonic()
        with self._writing():
            try:
                self._write(batches, replace)
            except (DataError, IntegrityError):
                # A row the store refuses fails its whole batch: write row by row, count the refused.
                for table, rows in batches:
                    for row in rows:
                        self._write_row(lambda: store.insert_ignore(self.engine, table, [row]), row)
                for row in replace:
                    self._write_row(lambda: self._write([], [row]), row)

    def _write(self, batches: list, replace: list[dict]) -> None:
        store.insert_ignore_many(self.engine, batches)
        # After the plain inserts, so a row of this same flush is replaced too.
        store.upsert(self.engine, store.Page.__table__, replace, key=["site_crawl_id", "url"])

    def _write_row(self, write, row: dict) -> None:
        try:
            write()
        except (DataError, IntegrityError) as exc:
            self._error(self.codes[row["site_crawl_id"]], exc, row.get("url", ""))

    @contextmanager
    def _writing(self):
        """A store that fails as a whole (disk full, a corrupted SQLite file, the server gone)
        ends this crawler at its first failed write: every later write would fail too, and a crawl
        that stored nothing looks like sites that are down. The CLI marks the run failed and
        names the store (govaudit.pipeline.run_crawl)."""
        try:
            yield
        except (SQLAlchemyError, store.StoreError) as exc:
            if isinstance(exc, (DataError, IntegrityError)):
                raise
            message = str(exc) if isinstance(exc, store.StoreError) \
                else store.errors.explain(exc, self.db_url)
            print(progress.STORE_FAILED + message, flush=True)
            os._exit(STORE_FAILED_EXIT)   # no close_spider: its own flush would only fail again

    def _keep_earlier(self, crawl_id: int, item: dict) -> dict:
        """A resumed site that cannot be reached now keeps what was crawled before the interruption,
        marked as cut short, rather than being judged down (or on a fragment of two attempts)."""
        pages, links = store.observation_counts(self.engine, crawl_id)
        if not pages:
            return item
        return dict(item, status="ok", pages=pages, links=links, cut_short="unreachable_on_resume",
                    error=f"续抓时无法访问（{item['error']}），保留中断前已抓取的 {pages} 个页面")

    def _finish_site(self, crawl_id: int, item: dict) -> None:
        # The spider's errors (callbacks, extractors) and this pipeline's (storing its items).
        count, first, url = self.errors.pop(item["site"], (0, "", ""))
        if count:
            item = dict(item, errors=item.get("errors", 0) + count,
                        first_error=item.get("first_error") or first,
                        first_error_url=item.get("first_error_url") or url)
        with self._writing():
            runs.finish_site_crawl(
                self.engine, crawl_id, status=item["status"], error=item["error"],
                pages=item["pages"], links=item["links"], skipped=item["skipped"],
                cut_short=item.get("cut_short", ""), errors=item.get("errors", 0),
                first_error=item.get("first_error", ""),
                first_error_url=item.get("first_error_url", ""),
                unchecked=item.get("unchecked", 0),
                unchecked_sample="\n".join(item.get("unchecked_sample", ())))
        progress.emit(_without(item, "_t"))

    def close_spider(self, spider=None):
        self.flush()
        self.engine.dispose()


def _without(d: dict, *keys: str) -> dict:
    return {k: v for k, v in d.items() if k not in keys}


def _text_safe(row: dict) -> dict:
    """Crawled text may hold NUL characters, which PostgreSQL text columns refuse."""
    return {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in row.items()}


def _dedupe(name: str, rows: list[dict]) -> list[dict]:
    seen, out = set(), []
    for row in rows:
        key = (row["site_crawl_id"],) + tuple(row[k] for k in TABLES[name][1])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out
