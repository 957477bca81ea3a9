"""Store what the spider yields through the store, in batches, idempotently (resume-safe)."""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import asdict, replace

from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

import store
from crawler import items, progress
from crawler.frontier import error_text
from store import runs

FLUSH_ROWS = 500
FLUSH_SECONDS = 2.0
STORE_FAILED_EXIT = 3
# Each kind of record the spider stores (crawler/items.py): its table and the columns that make a
# row unique within a site crawl (one batch must not hold a row twice: PostgreSQL refuses that even
# with ON CONFLICT). A page fetched again (Page.replace) overwrites its row instead.
TABLES = {items.Page: (store.Page, ("url",)), items.Text: (store.PageContent, ("url",)),
          items.HomePage: (store.HomePage, ("url",)), items.Column: (store.Column, ("url",)),
          items.ColumnFind: (store.ColumnFind, ("url", "source")),
          items.Gated: (store.GatedPage, ("url",)),
          items.Search: (store.SearchCheck, ("url",)), items.Online: (store.OnlineLink, ("url",)),
          items.Items: (store.Item, ("list_url", "url")),
          items.Messages: (store.Message, ("source", "url")), items.Link: (store.Link, ("url",))}


class StorePipeline:
    def __init__(self, db_url: str, run_id: int, sites: list[dict]):
        self.db_url, self.run_id, self.site_list = db_url, run_id, sites
        self.buffers: dict[type, list[dict]] = {kind: [] for kind in TABLES}
        self.replace: list[dict] = []   # pages fetched again, overwriting their rows
        self.memos: list[dict] = []     # what reading a page found, for the site's next crawl
        self.revalidated: list[dict] = []   # memos confirmed by a 304 / the same body
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
        for one in item.records if isinstance(item, items.Batch) else [item]:   # in order
            try:
                self._store(one)
            except Exception as exc:   # noqa: BLE001 - counted on the site, as the spider's errors are
                self._error(one.site, exc, getattr(one, "url", "") or getattr(one, "list_url", ""))
        return item

    def _error(self, site: str, exc: BaseException, url: str) -> None:
        count, first, first_url = self.errors.get(site, (0, error_text(exc), url))
        self.errors[site] = (count + 1, first, first_url)

    def _store(self, record: items.Record) -> None:
        sc = self.crawl_ids[record.site]
        if isinstance(record, items.SiteReached):
            if sc in self.retried:
                self.flush()
                with self._writing():
                    store.delete_observations(self.engine, sc)
                self.retried.discard(sc)
            return
        if isinstance(record, items.SiteDone):
            self.flush()
            if sc in self.retried and record.status == "down":
                record = self._keep_earlier(sc, record)
            self._finish_site(sc, record)
            return
        if isinstance(record, items.Memo):
            self.memos.append({"site_code": record.site, **record.rows()[0]})
            return
        if isinstance(record, items.Revalidated):
            self.revalidated.append({"id": record.memo_id, "date": record.date})
            return
        rows = record.rows()
        if isinstance(record, items.Text):
            rows = [dict(row, data=row["data"] if isinstance(row["data"], bytes)
                         else store.pack_text(row["data"])) for row in rows]
        buffer = self.replace if isinstance(record, items.Page) and record.replace \
            else self.buffers[type(record)]
        buffer.extend({"site_crawl_id": sc, **row} for row in rows)
        if sum(map(len, self.buffers.values())) + len(self.replace) + len(self.memos) \
                + len(self.revalidated) >= FLUSH_ROWS \
                or time.monotonic() - self.last_flush > FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        batches = [(TABLES[kind][0].__table__, [_text_safe(row) for row in _dedupe(kind, rows)])
                   for kind, rows in self.buffers.items()]
        replace = [_text_safe(row) for row in _dedupe(items.Page, self.replace)]
        # The last memo of a page and context (one statement must not hold a key twice).
        memos = list({(m["site_code"], m["url"], m["context"]): _text_safe(m)
                      for m in self.memos}.values())
        for rows in self.buffers.values():
            rows.clear()
        self.replace.clear()
        self.memos.clear()
        revalidated, self.revalidated = self.revalidated, []
        self.last_flush = time.monotonic()
        with self._writing():
            try:
                store.memos.revalidated(self.engine, revalidated)
            except DataError:
                pass   # it only costs the next crawl a conditional request
            try:
                self._write(batches, replace, memos)
            except (DataError, IntegrityError):
                # A row the store refuses fails its whole batch: write row by row, count the refused.
                for table, rows in batches:
                    for row in rows:
                        self._write_row(lambda: store.insert_ignore(self.engine, table, [row]), row)
                for row in replace:
                    self._write_row(lambda: self._write([], [row], []), row)
                for row in memos:   # a memo the store refuses only costs the next crawl a reading
                    try:
                        store.memos.save(self.engine, [row])
                    except (DataError, IntegrityError):
                        pass

    def _write(self, batches: list, replace: list[dict], memos: list[dict]) -> None:
        store.insert_ignore_many(self.engine, batches)
        # After the plain inserts, so a row of this same flush is replaced too.
        store.upsert(self.engine, store.Page.__table__, replace, key=["site_crawl_id", "url"])
        store.memos.save(self.engine, memos)

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
            progress.store_failed(message)
            os._exit(STORE_FAILED_EXIT)   # no close_spider: its own flush would only fail again

    def _keep_earlier(self, crawl_id: int, done: items.SiteDone) -> items.SiteDone:
        """A resumed site that cannot be reached now keeps what was crawled before the interruption,
        marked as cut short, rather than being judged down (or on a fragment of two attempts)."""
        pages, links = store.observation_counts(self.engine, crawl_id)
        if not pages:
            return done
        return replace(done, status="ok", pages=pages, links=links,
                       cut_short="unreachable_on_resume",
                       error=f"续抓时无法访问（{done.error}），保留中断前已抓取的 {pages} 个页面")

    def _finish_site(self, crawl_id: int, done: items.SiteDone) -> None:
        # The spider's errors (callbacks, extractors) and this pipeline's (storing its items).
        count, first, url = self.errors.pop(done.site, (0, "", ""))
        if count:
            done = replace(done, errors=done.errors + count, first_error=done.first_error or first,
                           first_error_url=done.first_error_url or url)
        with self._writing():
            runs.finish_site_crawl(
                self.engine, crawl_id, status=done.status, error=done.error, pages=done.pages,
                links=done.links, skipped=done.skipped, cut_short=done.cut_short,
                errors=done.errors, first_error=done.first_error,
                first_error_url=done.first_error_url, unchecked=done.unchecked,
                unchecked_sample="\n".join(done.unchecked_sample), crawl_mode=done.crawl_mode,
                reused=done.reused, asked=done.asked, replayed=done.replayed)
        progress.emit(asdict(done))

    def close_spider(self, spider=None):
        self.flush()
        self.engine.dispose()


def _text_safe(row: dict) -> dict:
    """Crawled text may hold NUL characters, which PostgreSQL text columns refuse. Rare: a row
    without any is kept as it is (every stored row passes here), not copied."""
    for v in row.values():
        if isinstance(v, str) and "\x00" in v:
            return {k: v.replace("\x00", "") if isinstance(v, str) and "\x00" in v else v
                    for k, v in row.items()}
    return row


def _dedupe(kind: type, rows: list[dict]) -> list[dict]:
    seen, out = set(), []
    for row in rows:
        key = (row["site_crawl_id"],) + tuple(row[k] for k in TABLES[kind][1])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out
