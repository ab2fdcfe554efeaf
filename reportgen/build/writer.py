"""Writing output so that a reader, a crash or a full disk never meets a mix of two runs.

A file alone (the manifest, a cache, `invoke new`'s assessment) is written to a temporary file and
renamed over the old one. A customer's folder is replaced whole: a fresh folder beside it receives
the new files and, hard-linked, what it keeps of the old one, then the two folders are exchanged in
one rename, so that the customer's folder holds the previous complete report or the new one at every
instant. The folder's record (`.outputs.json`) lists the files reportgen wrote there: only those are
ever dropped, and a symbolic link is never followed.
"""

from __future__ import annotations

import errno
import fcntl
import fnmatch
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.problems import ReportgenError, printable

if TYPE_CHECKING:
    from reportgen.build.records import RecordedFile

LOCK_NAME = ".lock"
RECORD_NAME = ".outputs.json"
TEMPORARY = ".*.tmp"  # the names write_atomic gives its temporary files
LEFTOVER_KINDS = ("new-", "old-")  # a folder being written beside the customer's, or one being replaced


@dataclass(frozen=True)
class Written:
    """A customer's folder after a run: every file reportgen wrote that it holds, and what the run has to say."""
    record: dict[str, RecordedFile]
    notes: list[str]


def shown(path: Path) -> str:
    """A path as the user typing commands knows it: relative to their folder when inside it; links unresolved."""
    absolute = Path(os.path.abspath(path))
    return printable(str(absolute.relative_to(Path.cwd())) if absolute.is_relative_to(Path.cwd()) else str(absolute))


def megabytes(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


def free_bytes(path: Path) -> int:
    """The space this user may still fill on the disk holding `path` (or its nearest existing folder)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


def disk_error(path: Path, exc: OSError, needed: int | None = None) -> ReportgenError:
    """A failed write said in plain English: the path, what stopped it, what to do."""
    where = shown(path)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        need = f", {megabytes(needed)} needed" if needed else ""
        return ReportgenError(f"cannot write {where}: the disk is full ({megabytes(free_bytes(path))} free{need}); "
                              "free some space and run again")
    if exc.errno == errno.EROFS:
        return ReportgenError(f"cannot write {where}: the file system is read-only; make it writable and run again")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return ReportgenError(f"cannot write {where}: permission denied; give this user write access to "
                              f"{shown(path.parent)} and run again")
    if exc.errno == errno.EFBIG:
        return ReportgenError(f"cannot write {where}: the file is larger than this process may write (`ulimit -f`); "
                              "raise the limit and run again")
    return ReportgenError(f"cannot write {where}: {exc.strerror or exc}")


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over `path`."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as exc:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise disk_error(path, exc, len(data)) from None
        raise


@contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Hold the folder's lock, so that two runs writing it never interleave (the second waits).

    What a run killed outright (SIGKILL, power loss) left is dealt with once the lock is held (see
    _tidy). SIGTERM is turned into SystemExit meanwhile, so that the clean-up of a write runs for it
    as it does for Ctrl-C.
    """
    if folder.is_symlink():
        raise ReportgenError(f"{shown(folder)} is a symbolic link; reportgen writes a customer's folder itself and "
                             "never through a link: remove the link (what it points to is left as it is) and run again")
    created = [p for p in (folder, *folder.parents) if not p.exists()]
    with _terminate_as_exit(), _locked(folder):
        _tidy(folder)
        try:
            yield
        except BaseException:
            if created and [p.name for p in folder.iterdir()] == [LOCK_NAME]:  # a refused first run leaves nothing
                (folder / LOCK_NAME).unlink()
                for made in created:  # the customer's folder, then output/ if this run made it
                    if any(made.iterdir()):
                        break
                    made.rmdir()
            raise


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """The lock of folder/.lock; a lock file replaced while this run waited (by a run that swapped the folder
    or removed it) is opened again, so that every run holding the lock holds the same file."""
    while True:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            lock = open(folder / LOCK_NAME, "ab")
        except OSError as exc:
            raise disk_error(folder / LOCK_NAME, exc) from None
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            held, current = os.fstat(lock.fileno()), os.stat(folder / LOCK_NAME)
        except FileNotFoundError:
            lock.close()
            continue
        except BaseException:
            lock.close()
            raise
        if (held.st_dev, held.st_ino) != (current.st_dev, current.st_ino):
            lock.close()
            continue
        with lock:
            yield
        return


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


def _leftovers(folder: Path) -> list[Path]:
    """Folders a killed run left beside the customer's: `.<slug>.new-*` (being written) and `.<slug>.old-*`."""
    prefixes = tuple(f".{folder.name}.{kind}" for kind in LEFTOVER_KINDS)
    return sorted(p for p in folder.parent.iterdir() if p.name.startswith(prefixes) and not p.is_symlink())


def _tidy(folder: Path) -> None:
    """Under the lock: remove the temporaries a killed run left, and put back the report a run killed between
    two renames had finished (a file system without the exchange of two folders, see _exchange)."""
    leftovers = _leftovers(folder)
    if [p.name for p in folder.iterdir()] == [LOCK_NAME]:
        finished = [p for p in leftovers if (p / RECORD_NAME).is_file()]
        if finished:
            latest = max(finished, key=lambda p: (p / RECORD_NAME).stat().st_mtime_ns)
            _link_lock(folder, latest)
            _exchange(latest, folder)
    for leftover in leftovers:
        shutil.rmtree(leftover, ignore_errors=True)
    for path, kind in _entries(folder).items():
        if kind != "dir" and fnmatch.fnmatch(path.rsplit("/", 1)[-1], TEMPORARY):
            (folder / path).unlink(missing_ok=True)


def _entries(folder: Path) -> dict[str, str]:
    """Everything under `folder` by relative path, as dir, file, link or other; links are not followed."""
    found: dict[str, str] = {}

    def visit(directory: Path, prefix: str) -> None:
        with os.scandir(directory) as scan:
            for entry in sorted(scan, key=lambda e: e.name):
                rel = prefix + entry.name
                if entry.is_symlink():
                    found[rel] = "link"
                elif entry.is_dir(follow_symlinks=False):
                    found[rel] = "dir"
                    visit(Path(entry.path), rel + "/")
                else:
                    found[rel] = "file" if entry.is_file(follow_symlinks=False) else "other"
    if folder.is_dir() and not folder.is_symlink():
        visit(folder, "")
    return found


def read_record(folder: Path) -> tuple[dict[str, RecordedFile], str | None]:
    """The files reportgen wrote in `folder`, by relative path, and a warning when the record is unreadable."""
    from pydantic import ValidationError
    from reportgen.build.records import FolderRecord
    path = folder / RECORD_NAME
    try:
        return FolderRecord.model_validate_json(path.read_bytes()).files, None
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError, ValidationError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not this version's record of the folder"
        return {}, (f"warning: {shown(path)}: {reason}; ignored, so the files already there are kept as they are "
                    "and a new record is written")


def write_folder(folder: Path, outputs: dict[str, bytes], inputs_sha256: str) -> Written:
    """Replace `folder` (held with exclusive()) by one holding `outputs`, by relative path, and what it keeps.

    Kept: every file reportgen did not write (known from the record), and what it wrote before outside
    the sub-folders this run writes (a PDF-only run keeps the HTML and its files). Dropped: what it wrote
    before in a sub-folder this run rewrites (another theme's fonts, a chart the report no longer has), and
    a symbolic link where this run needs a folder (the link only: what it points to is never touched). A
    file this run would write with the same bytes is linked rather than written again.
    """
    from reportgen.build.records import FolderRecord, RecordedFile
    previous, warning = read_record(folder)
    notes = [warning] if warning else []
    entries = _entries(folder)
    needed_dirs = {"/".join(name.split("/")[:i]) for name in outputs for i in range(1, name.count("/") + 1)}
    rewritten = {name.split("/")[0] for name in outputs if "/" in name}
    kept, dropped, record = [], [], {}
    for rel, kind in entries.items():
        if kind == "dir" or rel in (LOCK_NAME, RECORD_NAME) or rel in outputs:
            continue
        blocked = rel in needed_dirs or any(rel.startswith(name + "/") for name in outputs)
        if rel in previous and ("/" in rel and rel.split("/")[0] in rewritten or blocked):
            dropped.append(rel)  # written by an earlier run, replaced by this one
            continue
        if blocked and kind == "link":
            dropped.append(rel)
            notes.append(f"warning: {shown(folder / rel)} was a symbolic link to {printable(os.readlink(folder / rel))}; "
                         "reportgen writes only inside the customer's folder, so it is now a folder of its own, and "
                         "nothing the link pointed to was touched")
            continue
        if blocked:
            raise ReportgenError(f"{shown(folder / rel)} is in the way of the report's files and reportgen did not "
                                 "write it: move it elsewhere and run again")
        kept.append(rel)
        if rel in previous:
            record[rel] = previous[rel]
    empty = [rel for rel, kind in entries.items() if kind == "dir" and not any(e.startswith(rel + "/") for e in entries)
             and rel not in needed_dirs and not any(rel.startswith(name + "/") for name in outputs)
             and rel.split("/")[0] not in rewritten]
    same = {name for name, data in outputs.items() if entries.get(name) == "file" and _holds(folder / name, data)}
    for name, data in outputs.items():
        record[name] = RecordedFile(size=len(data), sha256=hashlib.sha256(data).hexdigest(), inputs_sha256=inputs_sha256)
    record = dict(sorted(record.items()))
    record_bytes = FolderRecord(version=1, files=record).model_dump_json(indent=2).encode() + b"\n"
    new_files = [name for name in outputs if name not in same]
    if new_files or dropped or not _holds(folder / RECORD_NAME, record_bytes):  # else the folder is the new report
        _check_space(folder, sum(len(outputs[name]) for name in new_files) + len(record_bytes), len(new_files) + 1)
        _replace(folder, outputs, same, kept, empty, record_bytes)
    return Written(record, notes)


def _holds(path: Path, data: bytes) -> bool:
    """Whether `path` is a file with exactly these bytes."""
    try:
        return path.is_file() and not path.is_symlink() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


BLOCK = 4096  # what a small file costs at least on most disks


def _check_space(folder: Path, size: int, files: int) -> None:
    """Refuse before anything is written when the disk cannot take the new files."""
    needed = size + BLOCK * files
    stat = os.statvfs(folder.parent)
    free = stat.f_bavail * stat.f_frsize
    if free < needed:
        raise ReportgenError(f"cannot write {shown(folder)}: the disk is full ({megabytes(free)} free, the report "
                             f"needs {megabytes(needed)}); free at least {megabytes(needed - free)} and run again; the "
                             "previous report is unchanged")
    if stat.f_files and stat.f_favail < files:
        raise ReportgenError(f"cannot write {shown(folder)}: the disk has no room for {files} more files "
                             f"({stat.f_favail} left); free some and run again; the previous report is unchanged")


def _replace(folder: Path, outputs: dict[str, bytes], same: set[str], kept: list[str], empty: list[str],
             record_bytes: bytes) -> None:
    """Write the new folder beside the old one, then exchange them; a failure leaves the old one as it was."""
    new = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=folder.parent))
    current = new
    try:
        os.chmod(new, 0o755)
        for rel in empty:
            (new / rel).mkdir(parents=True, exist_ok=True)
        for rel in kept:
            current = new / rel
            current.parent.mkdir(parents=True, exist_ok=True)
            _carry(folder / rel, current)
        for name, data in outputs.items():
            current = new / name
            current.parent.mkdir(parents=True, exist_ok=True)
            if name in same:
                os.link(folder / name, current)
            else:
                _write_new(current, data)
        _link_lock(folder, new)
        current = new / RECORD_NAME
        _write_new(current, record_bytes)
        for directory in [new] + [p for p in new.rglob("*") if p.is_dir() and not p.is_symlink()]:
            _fsync_folder(directory)
        current = folder
        old = _exchange(new, folder)
        _fsync_folder(folder.parent)
    except BaseException as exc:
        shutil.rmtree(new, ignore_errors=True)
        if isinstance(exc, OSError):  # named where the file was to be, not in the folder being written
            where = Path(exc.filename) if exc.filename else current
            where = folder / where.relative_to(new) if where.is_relative_to(new) else where
            raise disk_error(where, exc, sum(len(data) for data in outputs.values())) from None
        raise
    shutil.rmtree(old, ignore_errors=True)  # the previous folder; a failure here leaves a leftover the next run removes


def _write_new(path: Path, data: bytes) -> None:
    with open(path, "xb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def _carry(source: Path, target: Path) -> None:
    """Keep a file of the old folder in the new one: a hard link (no copy, the same file), else a copy."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target, follow_symlinks=False)


def _link_lock(folder: Path, new: Path) -> None:
    """The new folder's lock is the held one, so that a run waiting on the lock waits on the same file after the
    exchange."""
    if (folder / LOCK_NAME).exists():
        temporary = new / f".{LOCK_NAME}.link.tmp"
        os.link(folder / LOCK_NAME, temporary)
        os.replace(temporary, new / LOCK_NAME)


def _fsync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


AT_FDCWD, RENAME_EXCHANGE = -100, 2


def _exchange(new: Path, folder: Path) -> Path:
    """Put `new` where `folder` is in one step (Linux's renameat2 exchange); returns where the old folder now is.

    A file system without it gets two renames; a run killed between them leaves no folder but the finished new
    one beside it, which the next run puts in place (see _tidy).
    """
    import ctypes  # only when a folder is replaced
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is not None:
        if renameat2(AT_FDCWD, os.fsencode(new), AT_FDCWD, os.fsencode(folder), RENAME_EXCHANGE) == 0:
            return new
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(code, os.strerror(code), str(folder))
    aside = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
    os.replace(folder, aside)
    os.replace(new, folder)
    return aside


def json_bytes(data) -> bytes:
    """Stable JSON: sorted keys would scramble the reading order, so insertion order is kept."""
    return (json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
