"""Incremental batch builds: rebuild only the customers whose report would change, in parallel.

A report depends on its inputs file, the catalogue entries it read, the templates and theme, the
tool (version and source) and the build settings (fingerprint.py). `output/.manifest.json` keeps a fingerprint of
each for every customer built, with the size and digest of each file the build wrote; a customer is
rebuilt only when one of them differs or a file is no longer as the build left it. Checking needs no
model run, so a batch with nothing to do takes a fraction of a second.

Each customer of a batch is built by a worker process (reportgen.build.workers): one that dies or runs
out of time fails that customer alone. The manifest is saved after each customer, so a batch stopped
by Ctrl-C or SIGTERM keeps what it built, and the same command run again builds the rest.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reportgen.catalogue import Catalogue
from reportgen.forked import Forked
from reportgen.problems import ReportgenError, printable, shown_path
from reportgen.pdf.process import rendering_process
from reportgen.build.state import FileDigests, Manifest, usable_cache
from reportgen.build.fingerprint import Environment, Settings, fingerprint

DEFAULT_TIMEOUT = 1800  # seconds per report; the schema's largest estate takes well under a minute
MOST_MEMORY_MB = 2048  # the default memory budget of one report's simulation, at most


@dataclass(frozen=True)
class Limits:
    """What a build may take: no part of the fingerprint, since they change no output."""
    timeout: float = DEFAULT_TIMEOUT  # seconds per report
    memory_mb: int | None = None  # for one report's range simulation; None: the default share (see memory_share)


def memory_share(workers: int) -> int:
    """The default memory budget of one report's simulation, in MB: a quarter of this machine's memory, shared
    among the batch's workers, and at most MOST_MEMORY_MB."""
    machine_mb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2**20
    return max(1, min(MOST_MEMORY_MB, machine_mb // 4 // max(workers, 1)))


@dataclass
class Outcome:
    slug: str
    status: str  # built | up to date | failed | not built (the batch was interrupted first)
    seconds: float = 0.0
    reason: str = ""
    error: str = ""
    savings: float | None = None
    roi: float | None = None
    currency: str = "USD"
    record: dict = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # the reviewer's and the writer's, each a line to print
    revision: str = ""  # the label the build carries, "Revision 2 (draft), 6 December 2026"


def _warm_up() -> None:
    """Import the heavy libraries once per worker process, not once per report.

    What they built stays for the worker's life, so it is frozen out of the cyclic collector's sight:
    a collection, when one is due (see _collector_paused), walks only the reports' objects.
    """
    import reportgen.build.assemble, reportgen.report.charts, reportgen.workbook.book, reportgen.slides.deck  # noqa: F401  (matplotlib, Jinja2, XlsxWriter, python-pptx)
    from reportgen.pdf.render import import_weasyprint
    import_weasyprint()
    gc.freeze()


def _build_in_worker(root: str, slug: str, settings: Settings, environment: Environment, limits: Limits,
                     single: bool = False, renderer: Forked | None = None) -> Outcome:
    """One customer's report; `single` when it is the only one to build, `renderer` its PDF's process if any."""
    with _collector_paused(collect_over_mb=None if single else WORKER_MEMORY_MB):
        return _build_one(root, slug, settings, environment, limits, renderer)


def _build_one(root: str, slug: str, settings: Settings, environment: Environment, limits: Limits,
               renderer: Forked | None) -> Outcome:
    from reportgen.catalogue import load_catalogue
    from reportgen.build.pipeline import Project, report, reviewer_lines
    from reportgen.build.releases import plan_revision
    started = time.perf_counter()
    try:
        catalogue = load_catalogue()
        project = Project(Path(root))
        built = report(project, slug, settings.theme, settings.formats, settings.paper, catalogue, renderer,
                       settings.draft, limits.memory_mb, settings.pdf_standard,
                       revision_of=lambda inputs: plan_revision(project, slug, inputs, catalogue, environment,
                                                                settings))
        results = built.results
        proposed = results.options[results.proposed_option]
        record = asdict(fingerprint(built.input_bytes, results.catalogue_used, catalogue, environment, settings))
        record["revision"] = built.revision.record()
        record["headline"] = {"savings": proposed.savings, "roi": proposed.roi, "currency": results.currency}
        record["outputs"] = {name: {"size": file.size, "sha256": file.sha256} for name, file in built.outputs.items()}
        return Outcome(slug, "built", time.perf_counter() - started, savings=proposed.savings,
                       roi=proposed.roi, currency=results.currency, record=record,
                       files=[str(f) for f in built.files], stages=dict(built.stages.seconds),
                       revision=results.revision.label,
                       warnings=reviewer_lines(results, built.input_bytes, shown_path(project.input_file(slug),
                                                                                       project.root)) + built.notes)
    except ReportgenError as exc:
        return Outcome(slug, "failed", time.perf_counter() - started, error=str(exc))
    except OSError as exc:  # the system refused a file outside the output (a temporary one, a font): no bug of ours
        where = f" ({exc.filename})" if exc.filename else ""
        return Outcome(slug, "failed", time.perf_counter() - started,
                       error=f"the system refused a file operation: {exc.strerror or exc}{where}")
    except Exception as exc:  # a bug must not stop the other customers; it is reported with its type
        return Outcome(slug, "failed", time.perf_counter() - started, error=f"internal error: {exc!r}")


class TimedOut(ReportgenError):
    """A report that ran longer than --timeout."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the report built in this process once it has run `seconds` (a batch's workers are stopped by the batch)."""
    def expire(signum, frame):
        raise TimedOut(f"took longer than {seconds:g} s (--timeout); stopped")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
    """A one-line progress bar on stderr, a line per finished customer, and the batch's warnings."""

    def __init__(self, total: int = 0, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream

    def step(self, outcome: Outcome) -> None:
        self.done += 1
        width = 24
        filled = round(width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        detail = outcome.reason if outcome.status != "failed" else outcome.error.splitlines()[0]
        print(printable(f"[{bar}] {self.done:>3}/{self.total} {outcome.slug:<20} {outcome.status:<10} "
                        f"{outcome.seconds:5.1f} s  {detail}"), file=self.stream, flush=True)

    def warn(self, line: str | None) -> None:
        if line:
            print(printable(line), file=self.stream, flush=True)


def plan(project, slugs: list[str], catalogue: Catalogue, settings: Settings, force: bool,
         environment: Environment, manifest: Manifest,
         digests: FileDigests | None = None) -> tuple[list[Outcome], list[tuple[str, str]]]:
    """Split customers into up-to-date outcomes and (slug, reason) pairs to build."""
    from reportgen.build.releases import out_of_date  # pydantic: after a single report has forked (see records.py)
    digests = digests or FileDigests(project.cache / "digests.json")
    current, to_build = [], []
    for slug in slugs:
        previous = manifest.customers.get(slug)
        try:
            inputs_bytes = project.input_file(slug).read_bytes()
        except (ReportgenError, OSError) as exc:
            current.append(Outcome(slug, "failed", error=str(exc)))
            continue
        if force:
            to_build.append((slug, "forced"))
            continue
        reason = out_of_date(project, slug, previous, inputs_bytes, catalogue, environment, settings, digests)
        if reason is None:
            headline = previous["headline"]
            current.append(Outcome(slug, "up to date", savings=headline["savings"], roi=headline["roi"],
                                   currency=headline["currency"]))
        else:
            to_build.append((slug, reason))
    return current, to_build


class Interrupted(Exception):
    """The batch was stopped (Ctrl-C, SIGTERM): every customer's outcome so far, and the exit status to give."""

    def __init__(self, status: int, outcomes: list[Outcome]):
        super().__init__(f"interrupted (exit status {status})")
        self.status, self.outcomes = status, outcomes


def build_many(project, slugs: list[str], catalogue: Catalogue, settings: Settings, *, force: bool = False,
               workers: int | None = None, progress: Progress | None = None,
               limits: Limits | None = None) -> list[Outcome]:
    """Build every stale customer; one failure never stops the others.

    A single customer is built in this process, and its PDF gets its own process at once, before
    anything is read: it spends the time this process takes to plan, validate and compute on
    importing WeasyPrint (see rendering.py). Ctrl-C or SIGTERM ends every worker and raises
    Interrupted once the manifest holds what was built.
    """
    from reportgen.build.pipeline import check_source_date_epoch
    check_source_date_epoch()
    renderer = rendering_process() if len(slugs) == 1 and "pdf" in settings.formats else None
    with renderer or nullcontext():
        return _build_all(project, slugs, catalogue, settings, force, workers, progress or Progress(),
                          limits or Limits(), renderer)


def _build_all(project, slugs: list[str], catalogue: Catalogue, settings: Settings, force: bool,
               workers: int | None, progress: Progress, limits: Limits, renderer: Forked | None) -> list[Outcome]:
    if project.output.is_dir():
        for line in usable_cache(project.cache):
            progress.warn(line)
    digests = FileDigests(project.cache / "digests.json")
    manifest = Manifest(project.output)
    progress.warn(digests.warning)
    progress.warn(manifest.warning)
    environment = Environment.of(project.root, settings, digests)
    outcomes, to_build = plan(project, slugs, catalogue, settings, force, environment, manifest, digests)
    progress.total = len(to_build)
    reasons = dict(to_build)
    workers = max(1, min(workers or os.cpu_count() or 1, len(to_build) or 1))
    limits = limits if limits.memory_mb else Limits(limits.timeout, memory_share(workers))

    def finished(outcome: Outcome) -> None:
        """Record a customer's outcome; Ctrl-C and SIGTERM wait until the table and the manifest agree on it."""
        with _signals_held():
            outcome.reason = reasons[outcome.slug]
            if outcome.status == "built":
                manifest.customers[outcome.slug] = outcome.record
            else:
                manifest.customers.pop(outcome.slug, None)
            outcomes.append(outcome)
            progress.step(outcome)
            progress.warn(manifest.save())

    def lost(slug: str, reason: str) -> Outcome:
        return Outcome(slug, "failed", error=reason)

    def work(slug: str) -> Outcome:
        return _build_in_worker(str(project.root), slug, settings, environment, limits)

    try:
        with _interruptible() as received:
            if len(to_build) == 1:  # the only report to build lays its PDF out on the second core (see rendering.py)
                with _time_limit(limits.timeout):
                    finished(_build_in_worker(str(project.root), to_build[0][0], settings, environment, limits,
                                              True, renderer))
            elif to_build:
                from reportgen.build.workers import Workers  # multiprocessing: only a batch needs it
                with Workers(workers, _warm_up, work, lost, limits.timeout) as pool:
                    for outcome in pool.results([slug for slug, _ in to_build]):
                        finished(outcome)
            if received:  # the exception was raised inside a library's callback, which only printed it
                raise SystemExit(128 + received[0])
    except (KeyboardInterrupt, SystemExit) as exc:
        status = 130 if isinstance(exc, KeyboardInterrupt) else exc.code if isinstance(exc.code, int) else 1
        done = {o.slug for o in outcomes}
        outcomes += [Outcome(slug, "not built", reason="interrupted") for slug, _ in to_build if slug not in done]
        progress.warn(manifest.save())
        raise Interrupted(status, _in_order(outcomes, slugs)) from None
    if project.output.is_dir():  # a run that wrote nothing, such as one with a broken input, creates no folder
        progress.warn(digests.save())
    return _in_order(outcomes, slugs)


def _in_order(outcomes: list[Outcome], slugs: list[str]) -> list[Outcome]:
    order = {slug: i for i, slug in enumerate(slugs)}
    return sorted(outcomes, key=lambda o: order[o.slug])


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM are delivered once the block is done, not in the middle of it."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


@contextmanager
def _interruptible() -> Iterator[list[int]]:
    """SIGTERM raises SystemExit(143) here as Ctrl-C raises KeyboardInterrupt, so that the batch ends its workers
    and saves its manifest for either. Each signal is also listed: raised inside a callback (a weak reference's,
    a destructor), an exception is only printed, and the batch must stop all the same."""
    received: list[int] = []

    def leave(signum, frame):
        received.append(signum)
        raise KeyboardInterrupt if signum == signal.SIGINT else SystemExit(128 + signum)

    previous = {signum: signal.signal(signum, leave) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
