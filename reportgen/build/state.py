"""What runs keep on disk between them: the manifest of the last builds and the digest cache.

Each file carries a version and is validated when read. One that is missing starts empty; one that
cannot be read, is of another version or does not validate is ignored with one warning line and
written afresh, never a traceback. Neither is ever an input to a report's content: at worst a
customer is rebuilt, or a file hashed again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from reportgen.problems import ReportgenError
from reportgen.build.writer import json_bytes, shown, write_atomic

MANIFEST_NAME = ".manifest.json"
MANIFEST_VERSION = 2
DIGESTS_VERSION = 2


def read_versioned(path: Path, model, what: str) -> tuple[object | None, str | None]:
    """`path` validated as `model` (see records.py), or None with one warning line (no file at all is no warning)."""
    from pydantic import ValidationError
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"warning: {shown(path)}: cannot be read ({exc.strerror}); {what}"
    try:
        return model.model_validate_json(data), None
    except ValidationError as exc:
        found = _version(data)
        reason = ("written by an earlier version of reportgen" if found == "none" else
                  f"written by another version of reportgen (format {found})" if found is not None
                  else f"not a file this version can read ({_first_error(exc)})")
        return None, f"warning: {shown(path)}: {reason}; {what}"


def _version(data: bytes):
    try:
        found = json.loads(data)
    except ValueError:
        return None
    return found.get("version", "none") if isinstance(found, dict) else None


def _first_error(exc) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "the whole file"
    return f"{where}: {error['msg']}"


def save_or_warn(path: Path, data: bytes, consequence: str) -> str | None:
    """Write state that only saves time; a failure is one warning line, not the end of the run."""
    try:
        write_atomic(path, data)
    except ReportgenError as exc:
        return f"warning: {exc}; {consequence}"
    return None


class Manifest:
    """Fingerprints, headline figures and output files of the last successful build of each customer."""

    def __init__(self, output: Path):
        self.path = output / MANIFEST_NAME
        from reportgen.build.records import ManifestFile
        found, self.warning = read_versioned(self.path, ManifestFile, "ignored, so every customer is rebuilt once")
        self.customers: dict[str, dict] = found.model_dump()["customers"] if found else {}
        self.saved = json.dumps(self.customers, sort_keys=True)

    def save(self) -> str | None:
        """Write the manifest when it changed (a run that built nothing and forgot nothing writes nothing);
        a warning line when it cannot be written."""
        current = json.dumps(self.customers, sort_keys=True)
        if current == self.saved:
            return None
        warning = save_or_warn(self.path, json_bytes({"version": MANIFEST_VERSION,
                                                      "customers": dict(sorted(self.customers.items()))}),
                               "the next run rebuilds the customers built by this one")
        self.saved = current  # only once written or warned about: a save cut short by Ctrl-C is tried again
        return warning


class FileDigests:
    """SHA-256 of files, each reused while the file keeps its size, times and inode.

    The templates hold 20 MB of fonts; hashing them on every run took a twentieth of a second.
    Editing, copying or checking out a file changes its modification time, so it is hashed again;
    its change time cannot be set back by hand, so a file altered with its old modification time
    restored is hashed again too.
    """

    def __init__(self, path: Path):
        self.path = path
        from reportgen.build.records import DigestsFile
        found, self.warning = read_versioned(path, DigestsFile, "ignored, and rebuilt")
        self.known: dict[str, tuple] = dict(found.files) if found else {}
        self.changed = self.warning is not None

    def of(self, file: Path) -> str:
        stat = file.stat()
        stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        key = str(file.resolve())
        known = self.known.get(key)
        if known is not None and tuple(known[:4]) == stamp:
            return known[4]
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        self.known[key] = stamp + (digest,)
        self.changed = True
        return digest

    def combined(self, files: list[tuple[Path, str]]) -> str:
        """One digest of named files: a change to any name or content changes it."""
        digest = hashlib.sha256()
        for path, name in sorted(files, key=lambda item: item[1]):
            digest.update(f"{name}\0{self.of(path)}\0".encode())
        return digest.hexdigest()

    def save(self) -> str | None:
        if not self.changed:
            return None
        warning = save_or_warn(self.path, json_bytes({"version": DIGESTS_VERSION, "files": dict(sorted(self.known.items()))}),
                               "files are hashed again next run")
        self.changed = False
        return warning


CACHE_FOLDERS = ("", "templates")  # output/.cache/ and its compiled templates
CACHE_FILES = ("digests.json",)


def usable_cache(cache: Path) -> list[str]:
    """Make output/.cache/ what reportgen expects there: a folder where it keeps a folder, a file where it keeps a
    file. It is reportgen's own and only saves time (compiled templates, digests), so anything else in its place is
    removed, with one warning line each, and rebuilt."""
    warnings = []
    for name, folder in [(name, True) for name in CACHE_FOLDERS] + [(name, False) for name in CACHE_FILES]:
        path = cache / name if name else cache
        if not (path.is_symlink() or path.exists()) or (path.is_dir() and not path.is_symlink()) == folder:
            continue
        kind = "a symbolic link" if path.is_symlink() else "a folder" if path.is_dir() else "a file"
        try:
            shutil.rmtree(path) if kind == "a folder" else path.unlink()
        except OSError as exc:
            warnings.append(f"warning: {shown(path)}: {kind} where reportgen keeps its cache; cannot remove it "
                            f"({exc.strerror}), so this run goes without the cache")
            continue
        warnings.append(f"warning: {shown(path)}: {kind} where reportgen keeps its cache {'folder' if folder else 'file'}; "
                        "removed, and the cache is rebuilt")
    return warnings
