"""Writing output atomically: a reader sees the previous file or the new one, never half of one."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".lock"
TEMPORARY = ".*.tmp"  # the names write_atomic gives its temporary files


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def prune(folder: Path, written: set[str]) -> None:
    """Remove what earlier runs left in the sub-folders this run wrote (`written`: paths relative to
    `folder`): another theme's fonts, a chart the report no longer has. Top-level files are kept, so a
    PDF-only run leaves the previous HTML and workbook where they are."""
    for sub in sorted({name.split("/")[0] for name in written if "/" in name}):
        for path in sorted((folder / sub).rglob("*"), reverse=True):  # files before the folders holding them
            if path.is_file() and path.relative_to(folder).as_posix() not in written:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


@contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Hold the folder's lock, so that two runs writing it never interleave (the second waits).

    Temporary files found once the lock is held were left by a run that was killed outright
    (SIGKILL, power loss) and are removed. SIGTERM is turned into SystemExit meanwhile, so that
    write_atomic's clean-up runs for it as it does for Ctrl-C.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_NAME, "ab") as lock, _terminate_as_exit():
        fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in folder.rglob(TEMPORARY):
            stale.unlink(missing_ok=True)
        yield


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def json_bytes(data) -> bytes:
    """Stable JSON: sorted keys would scramble the reading order, so insertion order is kept."""
    return (json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
