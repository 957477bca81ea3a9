"""Shared fixtures: a real SQLite file and a real PostgreSQL database per test session."""
from __future__ import annotations

import os
import uuid

import pytest

# A homepage that never answers costs 93 s of backoff (config/crawl.yaml home_retry_delays); the
# tests' commands, children included, wait 0.2 s instead, with as many attempts (the farm's flaky
# homepages fail by request count, not by time). test_crawler_rules checks the real schedule.
os.environ.setdefault("GOVAUDIT_HOME_RETRY_DELAYS", "0.2,0.2,0.2,0.2,0.2")
# The browser check after each crawl (axe-core, crawler/sitechecks.py) takes seconds a site: off
# in the suite but where a test asks for it (tests/test_a11y.py runs axe itself).
os.environ.setdefault("GOVAUDIT_A11Y", "0")
# Screenshots after each audit (browser/capture.py) cost tens of seconds on the farm: off where a
# test does not ask for them (--evidence); the session's demo (tests/golden.run_demo, which
# test_demo and test_serve read) and tests/test_evidence take them.
os.environ.setdefault("GOVAUDIT_EVIDENCE", "0")

# With pytest-xdist (the README's `-n 2`) a module's tests stay together on one worker, so each
# module starts its farm and runs its audit once; the two readers of the session's demo share one
# worker, so the demo runs once. (xdist's own --dist loadgroup ignores its marks under pytest 9.)
SHARED_WORKER = {"tests/test_serve.py": "tests/test_demo.py"}


class _WholeModules:
    """xdist's scheduler with a module (or its shared worker) as the unit of work."""

    @staticmethod
    def pytest_xdist_make_scheduler(config, log):
        from xdist.scheduler import LoadScopeScheduling

        class ByModule(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                module = nodeid.split("::", 1)[0]
                return SHARED_WORKER.get(module, module)
        return ByModule(config, log)


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):      # not with -p no:xdist or without the plugin
        config.pluginmanager.register(_WholeModules())


PG_ADMIN = os.environ.get("GOVAUDIT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _need_service(reason: str):
    # CI machines run PostgreSQL: there a missing server is a failure, not a skip.
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the service must be running)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this session, dropped afterwards."""
    from sqlalchemy import create_engine, text
    try:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            name = f"govaudit_test_{uuid.uuid4().hex[:10]}"
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection problem means "no server here"
        _need_service(f"PostgreSQL not reachable at {PG_ADMIN}: {exc.__class__.__name__}")
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"))
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture
def pg_store(pg_url):
    """The session's PostgreSQL database, emptied: each test starts from an empty store (a crawl
    another test left there would make this test's crawl of the same site incremental)."""
    from sqlalchemy import create_engine
    from store import Base
    engine = create_engine(pg_url)
    Base.metadata.drop_all(engine)
    engine.dispose()
    return pg_url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The same store tests on a SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return request.getfixturevalue("pg_store")


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium (the distribution's, through Playwright) for the whole session: starting
    it takes ~2 s, a page in it milliseconds. Skips with the reason when the evidence extra or the
    browser is missing; with CI=true that is a failure (.ci/run installs both)."""
    from browser import launch
    why = launch.missing()
    if why:
        _need_service(f"no browser for screenshots: {why}")
    with launch.launch() as browser:
        yield browser


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory):
    """`govaudit demo --recheck` run once per session (about two minutes): test_demo compares its
    files with the golden copy, test_serve serves its store."""
    from tests import golden
    out = tmp_path_factory.mktemp("demo") / "demo-output"
    proc = golden.run_demo(out)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture
def make_read_only():
    """lock(*paths): make files and folders read-only even for root (chattr +i) until the test ends."""
    import shutil
    import subprocess
    if os.geteuid() != 0 or not shutil.which("chattr"):
        pytest.skip("needs root and chattr to make a path read-only for root")
    locked: list = []

    def lock(*paths) -> None:
        subprocess.run(["chattr", "+i", *map(str, paths)], check=True)
        locked.extend(paths)
    yield lock
    if locked:
        subprocess.run(["chattr", "-i", *map(str, locked)], check=True)
