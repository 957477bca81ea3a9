"""Report files appear whole or not at all: a crash mid-write never leaves half a workbook."""
from __future__ import annotations

import gc
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    # os.umask can only be read by setting it; set it straight back (single-threaded report writing).
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes) -> Path:
    """Write via a temp file in the same folder, then rename over `path`.

    mkstemp creates its file 0600; the report is for the office's other users too, so the file gets
    the mode an ordinary open() would give it (0666 less the umask) before it is renamed in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            os.fchmod(fh.fileno(), 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


@contextmanager
def one_at_a_time():
    """Yields free(): call it once a document (python-docx) or figure (matplotlib) is saved and
    dropped.

    Both are reference cycles holding C memory the collector does not count (a document's XML
    tree, a figure's pixel buffer), so they are freed only at a full collection — rare with a big
    report in memory: 100 notices held ≈ 150 MB, the tall region chart ≈ 37 MB. Freezing what
    exists first makes each collection look at the new objects only (≈ 0 ms instead of ≈ 30 ms
    with a 100-site report)."""
    gc.freeze()
    try:
        yield gc.collect
    finally:
        gc.unfreeze()


def gather_evidence(report, out_dir: Path, folder: str = "evidence") -> None:
    """Copy the report's screenshots into out_dir/evidence/: a report written elsewhere than the
    audit is still whole, its notices and workbook pointing inside their own folder."""
    import shutil
    for sr in report.sites:
        for key, path in sr.evidence.items():
            here = Path(out_dir) / folder / path.name
            if not here.exists():
                here.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, here)
            sr.evidence[key] = here
