"""Incremental batch builds: rebuild only the customers whose report would change, in parallel.

A report depends on its inputs file, the catalogue entries it read, the templates and theme, the
tool (version and source) and the build settings. `output/.manifest.json` keeps a fingerprint of
each for every customer built; a customer is rebuilt only when one of them differs. Checking
needs no model run, so a batch with nothing to do takes a fraction of a second.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reportgen import __version__
from reportgen.catalogue import Catalogue
from reportgen.forked import Forked
from reportgen.problems import ReportgenError
from reportgen.pdf.process import rendering_process
from reportgen.report.theme import lineage
from reportgen.build.writer import json_bytes, write_atomic

MANIFEST_NAME = ".manifest.json"
PACKAGE_DIR = Path(__file__).resolve().parent.parent


class FileDigests:
    """SHA-256 of files, each reused while the file keeps its size and modification time.

    The templates hold 20 MB of fonts; hashing them on every run took a twentieth of a second.
    Editing, copying or checking out a file changes its modification time, so it is hashed again.
    """

    def __init__(self, path: Path):
        self.path = path
        try:
            self.known: dict[str, list] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}
        self.changed = False

    def of(self, file: Path) -> str:
        stat = file.stat()
        stamp = [stat.st_size, stat.st_mtime_ns]
        key = str(file.resolve())
        known = self.known.get(key)
        if isinstance(known, list) and known[:2] == stamp:
            return known[2]
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        self.known[key] = stamp + [digest]
        self.changed = True
        return digest

    def combined(self, files: list[tuple[Path, str]]) -> str:
        """One digest of named files: a change to any name or content changes it."""
        digest = hashlib.sha256()
        for path, name in sorted(files, key=lambda item: item[1]):
            digest.update(f"{name}\0{self.of(path)}\0".encode())
        return digest.hexdigest()

    def save(self) -> None:
        if self.changed:
            write_atomic(self.path, json_bytes(dict(sorted(self.known.items()))))


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
    formats: tuple[str, ...] = ("pdf", "html", "xlsx")
    paper: str = "a4"

    def record(self) -> dict:
        """As stored in the manifest (JSON has lists, not tuples)."""
        return json.loads(json.dumps(asdict(self)))


@dataclass
class Environment:
    """The fingerprints shared by every customer of one batch, computed once."""
    templates_sha256: str
    tool: str

    @classmethod
    def of(cls, project_root: Path, settings: Settings, digests: FileDigests) -> "Environment":
        templates = project_root / "templates"
        files = _tree(templates, skip=templates / "themes") + _theme_tree(templates, settings.theme)
        code = digests.combined(_tree(PACKAGE_DIR, "*.py"))
        return cls(templates_sha256=digests.combined(files), tool=f"{__version__}+{code[:16]}")


@dataclass
class Fingerprint:
    inputs_sha256: str
    catalogue: dict[str, str | None]
    templates_sha256: str
    tool: str
    settings: dict


def fingerprint(inputs_bytes: bytes, used_keys, catalogue: Catalogue, environment: Environment,
                settings: Settings) -> Fingerprint:
    return Fingerprint(hashlib.sha256(inputs_bytes).hexdigest(),
                       {key: entry_digest(catalogue, key) for key in sorted(used_keys)},
                       environment.templates_sha256, environment.tool, settings.record())


def stale_reason(previous: dict | None, inputs_bytes: bytes, catalogue: Catalogue, environment: Environment,
                 settings: Settings, outputs_present: bool) -> str | None:
    """Why a customer needs a new report, or None when its last one is up to date."""
    if previous is None:
        return "never built"
    if not outputs_present:
        return "output missing"
    if previous["inputs_sha256"] != hashlib.sha256(inputs_bytes).hexdigest():
        return "inputs changed"
    changed = [key for key, digest in previous["catalogue"].items() if entry_digest(catalogue, key) != digest]
    if changed:
        return "catalogue changed: " + ", ".join(changed[:3]) + (" ..." if len(changed) > 3 else "")
    if previous["templates_sha256"] != environment.templates_sha256:
        return "templates or theme changed"
    if previous["tool"] != environment.tool:
        return "reportgen changed"
    if previous["settings"] != settings.record():
        return "build settings changed"
    return None


class Manifest:
    """Fingerprints and headline figures of the last successful build of each customer."""

    def __init__(self, output: Path):
        self.path = output / MANIFEST_NAME
        try:
            self.customers: dict[str, dict] = json.loads(self.path.read_text(encoding="utf-8"))["customers"]
        except (OSError, ValueError, KeyError):
            self.customers = {}
        self.loaded = json.dumps(self.customers, sort_keys=True)

    def save(self) -> None:
        """Write the manifest when it changed (a run that built nothing and forgot nothing writes nothing)."""
        if json.dumps(self.customers, sort_keys=True) != self.loaded:
            write_atomic(self.path, json_bytes({"customers": dict(sorted(self.customers.items()))}))


@dataclass
class Outcome:
    slug: str
    status: str  # built | up to date | failed
    seconds: float = 0.0
    reason: str = ""
    error: str = ""
    savings: float | None = None
    roi: float | None = None
    currency: str = "USD"
    record: dict = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)


def _warm_up() -> None:
    """Import the heavy libraries once per worker process, not once per report.

    What they built stays for the worker's life, so it is frozen out of the cyclic collector's sight:
    a collection, when one is due (see _collector_paused), walks only the reports' objects.
    """
    import reportgen.build.assemble, reportgen.report.charts, reportgen.workbook.book  # noqa: F401  (matplotlib, Jinja2, XlsxWriter)
    from reportgen.pdf.render import import_weasyprint
    import_weasyprint()
    gc.freeze()


def _build_in_worker(root: str, slug: str, settings: Settings, environment: Environment,
                     single: bool = False, renderer: Forked | None = None) -> Outcome:
    """One customer's report; `single` when it is the only one to build, `renderer` its PDF's process if any."""
    with _collector_paused(collect_over_mb=None if single else WORKER_MEMORY_MB):
        return _build_one(root, slug, settings, environment, renderer)


def _build_one(root: str, slug: str, settings: Settings, environment: Environment, renderer: Forked | None) -> Outcome:
    from reportgen.catalogue import load_catalogue
    from reportgen.build.pipeline import Project, report
    started = time.perf_counter()
    try:
        catalogue = load_catalogue()
        built = report(Project(Path(root)), slug, settings.theme, settings.formats, settings.paper, catalogue, renderer)
        results = built.results
        proposed = results["options"][results["proposed_option"]]
        record = asdict(fingerprint(built.input_bytes, results["catalogue_used"], catalogue, environment, settings))
        record["headline"] = {"savings": proposed["savings"], "roi": proposed["roi"], "currency": results["currency"]}
        return Outcome(slug, "built", time.perf_counter() - started, savings=proposed["savings"],
                       roi=proposed["roi"], currency=results["currency"], record=record,
                       files=[str(f) for f in built.files], stages=dict(built.stages.seconds))
    except ReportgenError as exc:
        return Outcome(slug, "failed", time.perf_counter() - started, error=str(exc))
    except Exception as exc:  # a bug must not stop the other customers; it is reported with its type
        return Outcome(slug, "failed", time.perf_counter() - started, error=f"internal error: {exc!r}")


WORKER_MEMORY_MB = 1024  # a batch worker frees its reports' garbage once it holds this much


def resident_mb() -> float:
    """This process's resident memory."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@contextmanager
def _collector_paused(collect_over_mb: float | None) -> Iterator[None]:
    """No cyclic garbage collection during a report; after it, one only when memory has grown past a limit.

    A report leaves about 45 MB of cyclic garbage (WeasyPrint's boxes and styles, matplotlib's
    artists), and freeing it costs a tenth of the report's time whenever it is done. A worker
    that never reaches the limit never pays it: its memory goes back to the system when it
    exits. A batch of 20 stays well under the limit; a longer one collects every 15 or so
    reports. A single report skips collection altogether, as its process ends next.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collect_over_mb is not None and resident_mb() > collect_over_mb:
            gc.collect()
        if enabled:
            gc.enable()


class Progress:
    """A one-line progress bar on stderr, and a line per finished customer."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream

    def step(self, outcome: Outcome) -> None:
        self.done += 1
        width = 24
        filled = round(width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        detail = outcome.reason if outcome.status != "failed" else outcome.error.splitlines()[0]
        print(f"[{bar}] {self.done:>3}/{self.total} {outcome.slug:<20} {outcome.status:<10} "
              f"{outcome.seconds:5.1f} s  {detail}", file=self.stream, flush=True)


def plan(project, slugs: list[str], catalogue: Catalogue, settings: Settings, force: bool,
         environment: Environment, manifest: Manifest) -> tuple[list[Outcome], list[tuple[str, str]]]:
    """Split customers into up-to-date outcomes and (slug, reason) pairs to build."""
    current, to_build = [], []
    for slug in slugs:
        previous = manifest.customers.get(slug)
        try:
            inputs_bytes = project.input_file(slug).read_bytes()
        except (ReportgenError, OSError) as exc:
            current.append(Outcome(slug, "failed", error=str(exc)))
            continue
        outputs_present = (project.output_dir(slug) / "results.json").is_file()
        reason = "forced" if force else stale_reason(previous, inputs_bytes, catalogue, environment, settings,
                                                     outputs_present)
        if reason is None:
            headline = previous.get("headline", {})
            current.append(Outcome(slug, "up to date", savings=headline.get("savings"), roi=headline.get("roi"),
                                   currency=headline.get("currency", "USD")))
        else:
            to_build.append((slug, reason))
    return current, to_build


def build_many(project, slugs: list[str], catalogue: Catalogue, settings: Settings, *, force: bool = False,
               workers: int | None = None, progress: Progress | None = None) -> list[Outcome]:
    """Build every stale customer in a process pool; one failure never stops the others.

    A single customer's PDF gets its own process at once, before anything is read: it spends the time
    this process takes to plan, validate and compute on importing WeasyPrint (see rendering.py).
    """
    renderer = rendering_process() if len(slugs) == 1 and "pdf" in settings.formats else None
    with renderer or nullcontext():
        return _build_all(project, slugs, catalogue, settings, force, workers, progress, renderer)


def _build_all(project, slugs: list[str], catalogue: Catalogue, settings: Settings, force: bool,
               workers: int | None, progress: Progress | None, renderer: Forked | None) -> list[Outcome]:
    digests = FileDigests(project.cache / "digests.json")
    environment = Environment.of(project.root, settings, digests)
    manifest = Manifest(project.output)
    outcomes, to_build = plan(project, slugs, catalogue, settings, force, environment, manifest)
    progress = progress or Progress(len(to_build))
    workers = max(1, min(workers or os.cpu_count() or 1, len(to_build) or 1))
    if to_build:
        def finished(outcome: Outcome, reason: str) -> None:
            outcome.reason = reason
            if outcome.status == "built":
                manifest.customers[outcome.slug] = outcome.record
            else:
                manifest.customers.pop(outcome.slug, None)
            outcomes.append(outcome)
            progress.step(outcome)

        if workers == 1:  # the only report to build lays its PDF out on the second core (see rendering.py)
            for slug, reason in to_build:
                finished(_build_in_worker(str(project.root), slug, settings, environment, len(to_build) == 1,
                                          renderer), reason)
        else:
            with ProcessPoolExecutor(max_workers=workers, initializer=_warm_up) as pool:
                futures = {pool.submit(_build_in_worker, str(project.root), slug, settings, environment): reason
                           for slug, reason in to_build}
                for future in as_completed(futures):
                    finished(future.result(), futures[future])
        manifest.save()
    if project.output.is_dir():  # a run that wrote nothing, such as one with a broken input, creates no folder
        digests.save()
    order = {slug: i for i, slug in enumerate(slugs)}
    return sorted(outcomes, key=lambda o: order[o.slug])
