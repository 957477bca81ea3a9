"""Self-checks running in the background: one at a time per server (a crawl spawns its own processes
and the machine is a county's or the office's, not a farm), each a job a page polls for progress."""
from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

# run(progress) does the work; progress(fraction 0..1, Chinese text) reports it.
Progress = Callable[[float, str], None]


@dataclass
class Job:
    id: str
    site_code: str
    owner: str
    state: str = "queued"              # queued | running | done | failed
    fraction: float = 0.0
    text: str = "排队等候"
    error: str = ""
    started: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    finished: datetime | None = None

    @property
    def over(self) -> bool:
        return self.state in ("done", "failed")


class Jobs:
    def __init__(self, keep: int):
        self.keep = keep
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="selfcheck")

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def running_for(self, site_code: str) -> Job | None:
        """The site's self-check still queued or running: a second press joins it."""
        with self._lock:
            return next((j for j in self._jobs.values()
                         if j.site_code == site_code and not j.over), None)

    def start(self, site_code: str, owner: str, run: Callable[[Progress], None]) -> Job:
        with self._lock:
            job = Job(secrets.token_urlsafe(16), site_code, owner)
            self._jobs[job.id] = job
            done = [j for j in self._jobs.values() if j.over]
            for old in done[:max(0, len(done) - self.keep)]:
                del self._jobs[old.id]
        self._pool.submit(self._run, job, run)
        return job

    def _run(self, job: Job, run: Callable[[Progress], None]) -> None:
        def progress(fraction: float, text: str) -> None:
            job.fraction, job.text = max(job.fraction, min(fraction, 1.0)), text
        job.state, job.text = "running", "开始检查"
        try:
            run(progress)
        except Exception as exc:  # noqa: BLE001 - the county sees why, the server goes on
            job.state, job.error = "failed", str(exc) or exc.__class__.__name__
            job.text = "检查未完成"
        else:
            job.state, job.fraction, job.text = "done", 1.0, "检查完成"
        job.finished = datetime.now(timezone.utc)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
