"""Issue 23 part 2: the store failing mid-crawl stops the crawl at its first failed write, with one
Chinese line naming the store; the run is not done, so nothing is scored from it.

Both failures are real: a SQLite file on a 4 MB tmpfs left 200 KB that fills up, and a SQLite
file whose pages (and WAL) are overwritten while the crawl runs."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

import store
from tests.slowsite import HEADER, slow_site

pytestmark = pytest.mark.timeout(300)
GOVAUDIT = Path(sys.executable).with_name("govaudit")
CODE = "9907990045"


def govaudit(*args, cwd=None, **kw):
    return subprocess.Popen([str(GOVAUDIT), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8", cwd=cwd, **kw)


def import_site(db: Path, site, tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_text(HEADER + site.register_row(CODE), encoding="utf-8")
    done = subprocess.run([str(GOVAUDIT), "sites", "import", str(register), "--db", str(db)],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 0, done.stderr


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("错误：")]


def run_status(db: Path) -> str:
    engine = store.connect(str(db))
    with engine.connect() as conn:
        status = conn.execute(select(store.CrawlRun.status)).scalar_one()
    engine.dispose()
    return status


def mount_tiny_disk(tmp_path: Path) -> Path:
    """A 4 MB tmpfs (the caller unmounts it), or the test is skipped."""
    disk = tmp_path / "disk"
    disk.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {made.stderr.strip()}")
    return disk


@pytest.fixture
def tiny_disk(tmp_path):
    disk = mount_tiny_disk(tmp_path)
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


def fill_to(disk: Path, db: Path, left: int) -> None:
    """Leave the store about `left` bytes to grow into; the import's WAL (most of a megabyte: the
    schema) is emptied first."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    assert free > 1_000_000
    (disk / "filler").write_bytes(b"\0" * (free - left))


def test_a_full_disk_stops_the_crawl_at_the_first_failed_write(tiny_disk, tmp_path):
    db = tiny_disk / "store.sqlite"
    with slow_site(host="127.0.1.45", pages=400, delay=0) as site:
        import_site(db, site, tmp_path)
        fill_to(tiny_disk, db, 200_000)   # the crawl's start fits, its first flushes fill it
        crawl = govaudit("crawl", "--db", str(db), "--workers", "1", "--timeout", "5",
                         "--allow-net", "127.0.0.0/8")
        out, err = crawl.communicate(timeout=120)
        requested = len(site.requested)
    assert crawl.returncode == 2, out + err
    assert error_lines(err) == [
        f"错误：第 1 次抓取在第一次写入失败时停止：数据库 {db} 所在的磁盘已满（database or disk is full）："
        f"请腾出空间，或用 --db 换到空间足够的位置。" + error_lines(err)[0].rsplit("。", 1)[1]]
    assert "Traceback" not in err and "完成" not in out
    assert requested < 400, "the crawl went on after the store was full"
    (tiny_disk / "filler").unlink()
    assert run_status(db) in ("failed", "running")     # never "done": score will not pick it
    score = subprocess.run([str(GOVAUDIT), "score", "--as-of", "2026-11-22", "--db", str(db)],
                           capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert score.returncode == 2 and "库中没有完整的抓取" in score.stderr


def smash(path: Path, keep: int) -> None:
    """Overwrite everything after the first `keep` bytes with random bytes."""
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(keep)
        fh.write(os.urandom(max(0, size - keep)))


def test_a_corrupted_sqlite_file_stops_the_crawl_at_the_first_failed_write(tmp_path):
    db = tmp_path / "store.sqlite"
    with slow_site(host="127.0.1.46", pages=400, delay=0.05) as site:
        import_site(db, site, tmp_path)
        crawl = govaudit("crawl", "--db", str(db), "--workers", "1", "--timeout", "5",
                         "--allow-net", "127.0.0.0/8")
        deadline = time.monotonic() + 60
        while len(site.requested) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        # The pages of the file and of its WAL become garbage, and the WAL index is reset so that
        # every connection reads them again (a disk or a copy tool damaging the file under us).
        smash(db, 4096)
        smash(Path(f"{db}-wal"), 32)
        shm = Path(f"{db}-shm")
        shm.write_bytes(b"\0" * shm.stat().st_size)
        out, err = crawl.communicate(timeout=120)
        requested = len(site.requested)
    assert crawl.returncode == 2, out + err
    assert error_lines(err) == [
        f"错误：第 1 次抓取在第一次写入失败时停止：数据库 {db} 已损坏（database disk image is malformed）："
        f"请从备份恢复，或用 --db 换一个新文件重新抓取。这次抓取未完成，不会用于评分"]
    assert "Traceback" not in err and "完成" not in out
    assert requested < 400, "the crawl went on after the store was corrupted"
