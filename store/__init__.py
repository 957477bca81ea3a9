"""The store every stage reads and writes, behind SQLAlchemy (a SQLite file or a PostgreSQL URL):
the floor below the crawler, the indicators and the application. `store.X` names the tables
(schema.py), opening and the dialect-aware writes (engine.py) and the store's errors (errors.py);
the queries live in the modules named after what they read."""
from store.engine import (DEFAULT_DB, connect, db_url, insert_ignore, insert_ignore_many,
                          insert_ignore_statement, upsert)
from store.errors import StoreError
from store.observations import delete_observations, observation_counts, observation_tables
from store import evidence, memos, users, watch      # noqa: F401 - their tables are created with the others
from store.schema import (Base, Column, ColumnFind, CrawlLock, CrawlObservation, CrawlRun,
                          GatedPage, HomePage, InteractionStats, Item, Link, Message, OnlineLink,
                          Page, PageContent, Probe, Review, SampleDraw, ScoreGroup, ScoreRun,
                          ScoreRunSiteRow, SearchCheck, Site, SiteColumnsRow, SiteCrawl, SiteLease,
                          VerdictDetail, VerdictRow, now, pack_text, unpack_text)
