"""What a customer's report depends on, as a fingerprint: its inputs file, the catalogue entries it read, the
templates and theme, the tool (version and source) and the build settings. The batch rebuilds a customer whose
fingerprint moved (batch.py); a release is refused unless its build's fingerprint is current, and a build whose
fingerprint is a release's is that release (releases.py).
"""

from __future__ import annotations

import hashlib
import json
import stat
from dataclasses import asdict, dataclass
from pathlib import Path

from reportgen import __version__
from reportgen.catalogue import Catalogue, CatalogueError
from reportgen.problems import ReportgenError
from reportgen.report.theme import lineage
from reportgen.build.names import FORMATS
from reportgen.build.state import FileDigests

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _tree(folder: Path, pattern: str = "*", skip: Path | None = None) -> list[tuple[Path, str]]:
    if not folder.is_dir():
        return []
    return [(p, p.relative_to(folder).as_posix()) for p in folder.rglob(pattern)
            if p.is_file() and "__pycache__" not in p.parts and not (skip and p.is_relative_to(skip))]


def _theme_tree(templates: Path, theme_id: str) -> list[tuple[Path, str]]:
    """The files of the theme and of every theme it extends: a change to a parent changes the child's reports."""
    try:
        folders = [folder for _, folder, _ in lineage(templates, theme_id)]
    except ReportgenError:  # each report fails with the theme's own error
        return []
    return [(path, f"{folder.name}/{name}") for folder in folders for path, name in _tree(folder)]


def entry_digest(catalogue: Catalogue, key: str) -> str | None:
    entry = catalogue.entries.get(key)
    if entry is None:
        return None
    fields = [entry.value, entry.unit, entry.source, entry.as_of, entry.status, entry.note]
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Settings:
    """What a build was asked for: part of the fingerprint, since it changes the output."""
    theme: str = "default"
    formats: tuple[str, ...] = FORMATS
    paper: str = "a4"
    draft: bool = False
    pdf_standard: str = "ua-1"
    final: bool = False  # the revision to send: stamped without "(draft)", and what `invoke release` freezes
    against: int | None = None  # the release Appendix C compares with; None: the latest (see releases.py)

    def record(self) -> dict:
        """As stored in the manifest (JSON has lists, not tuples)."""
        return json.loads(json.dumps(asdict(self)))

    @classmethod
    def of(cls, record: dict) -> "Settings":
        """The settings a manifest record holds; those it lacks (an older build's) at their defaults."""
        known = {key: value for key, value in record.items() if key in cls.__dataclass_fields__}
        if "formats" in known:
            known["formats"] = tuple(known["formats"])
        return cls(**known)


@dataclass
class Environment:
    """The fingerprints shared by every customer of one batch, computed once."""
    templates_sha256: str
    tool: str

    @classmethod
    def of(cls, project_root: Path, settings: Settings, digests: FileDigests) -> "Environment":
        templates = project_root / "templates"
        files = _tree(templates, skip=templates / "themes") + _theme_tree(templates, settings.theme)
        code = digests.combined(_tree(PACKAGE_DIR, "*.py") + [
            (path, name) for path, name in _tree(PACKAGE_DIR, "*.toml")  # formulas, bands, bill classes
            if not path.is_relative_to(PACKAGE_DIR / "catalogue")])  # whose values are fingerprinted one by one
        return cls(templates_sha256=digests.combined(files), tool=f"{__version__}+{code[:16]}")


@dataclass
class Fingerprint:
    inputs_sha256: str
    catalogue: dict[str, str | None]
    templates_sha256: str
    tool: str
    settings: dict
    catalogue_words: str


def catalogue_words(catalogue: Catalogue) -> str:
    """A digest of what the catalogue says besides its values: its version and date (on every report's cover),
    the options' names and descriptions, and the capabilities compared."""
    words = [catalogue.version, catalogue.date, catalogue.capabilities,
             [[o.id, o.name, o.short_name, o.vendor, o.pricing, o.description, o.capabilities]
              for o in catalogue.options.values()]]
    return hashlib.sha256(json.dumps(words, sort_keys=True).encode()).hexdigest()[:16]


def regional(catalogue: Catalogue, inputs_bytes: bytes) -> Catalogue | None:
    """The catalogue as the assessment's region prices it, or None when the region cannot be told or is unknown
    (then the customer is rebuilt, and validation says why)."""
    try:
        region = json.loads(inputs_bytes).get("customer", {}).get("region", catalogue.region)
        return catalogue.in_region(region)
    except (ValueError, AttributeError, CatalogueError):
        return None


def fingerprint(inputs_bytes: bytes, used_keys, catalogue: Catalogue, environment: Environment,
                settings: Settings) -> Fingerprint:
    priced = regional(catalogue, inputs_bytes) or catalogue
    return Fingerprint(hashlib.sha256(inputs_bytes).hexdigest(),
                       {key: entry_digest(priced, key) for key in sorted(used_keys)},
                       environment.templates_sha256, environment.tool, settings.record(), catalogue_words(catalogue))


def output_problem(folder: Path, outputs: dict[str, dict], digests: FileDigests) -> str | None:
    """Why the files the last build wrote are no longer as it left them (missing, or of another size or
    digest), or None."""
    for name, expected in outputs.items():
        path = folder / name
        try:
            status = path.lstat()
        except OSError:
            return f"output missing: {name}"
        if (not stat.S_ISREG(status.st_mode) or status.st_size != expected["size"]
                or digests.of(path) != expected["sha256"]):
            return f"output altered: {name}"
    return None


def stale_reason(previous: dict | None, inputs_bytes: bytes, catalogue: Catalogue, environment: Environment,
                 settings: Settings, outputs_problem: str | None) -> str | None:
    """Why a customer needs a new report, or None when its last one is up to date."""
    if previous is None:
        return "never built"
    if outputs_problem:
        return outputs_problem
    if previous["inputs_sha256"] != hashlib.sha256(inputs_bytes).hexdigest():
        return "inputs changed"
    priced = regional(catalogue, inputs_bytes)
    if priced is None:
        return "region unknown"
    changed = [key for key, digest in previous["catalogue"].items() if entry_digest(priced, key) != digest]
    if changed:
        return "catalogue changed: " + ", ".join(changed[:3]) + (" ..." if len(changed) > 3 else "")
    if previous.get("catalogue_words") != catalogue_words(catalogue):
        return "catalogue changed: its version, an option's name or description, or a capability"
    if previous["templates_sha256"] != environment.templates_sha256:
        return "templates or theme changed"
    if previous["tool"] != environment.tool:
        return "reportgen changed"
    if previous["settings"] != settings.record():
        return "build settings changed"
    return None
