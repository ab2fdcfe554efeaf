"""The report as sent: each release freezes a customer's build under `releases/<slug>/r<N>/`.

A release is a copy of the files the last build wrote (the PDF, HTML, workbook, one-pager, slides,
results.json and the assessment it was read from), with the catalogue values used and a `release.json`
recording every file's SHA-256. `releases/` lies outside `output/`, so a team keeps it in its own version
control, and nothing reportgen builds ever writes there.

Releases decide two things about every build:
- its revision: the number the next release would take, "(draft)" unless built with `--final`; a build
  identical to the latest release (same inputs, catalogue values, templates, tool and settings) is that
  release, and carries its number again;
- its Appendix C: what changed since the latest release (or `--against N`), which is what the customer has
  not yet seen; before the first release, since the previous build.
A release copies built files and never renders, so the revision a document carries is stamped when it is
built: `invoke report --final` builds the revision to send, `invoke release` freezes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportgen.build.fingerprint import Environment, Settings, output_problem, stale_reason
from reportgen.build.names import FORMATS
from reportgen.build.records import Built, BuiltRevision, ReleaseFigures, ReleaseRecord
from reportgen.build.state import FileDigests, Manifest, read_versioned
from reportgen.build.writer import exclusive, json_bytes, shown
from reportgen.catalogue import Catalogue
from reportgen.model.contract import Changes, Results, Revision
from reportgen.problems import ReportgenError
from reportgen.project import Project

RELEASE_VERSION = 1
RECORD = "release.json"
CATALOGUE_VALUES = "catalogue-values.json"
FOLDER = re.compile(r"r([1-9][0-9]*)")


def releases_dir(project: Project, slug: str) -> Path:
    return project.root / "releases" / slug


def release_dir(project: Project, slug: str, number: int) -> Path:
    return releases_dir(project, slug) / f"r{number}"


def numbers(project: Project, slug: str) -> list[int]:
    """The revisions released for a customer, in order: every folder r<N> holding a release.json."""
    folder = releases_dir(project, slug)
    if not folder.is_dir():
        return []
    return sorted(int(match.group(1)) for child in folder.iterdir()
                  if (match := FOLDER.fullmatch(child.name)) and (child / RECORD).is_file())


def read_release(project: Project, slug: str, number: int) -> ReleaseRecord:
    """A release's record, validated; one that cannot be read stops the run, naming the file."""
    path = release_dir(project, slug, number) / RECORD
    record, warning = read_versioned(path, ReleaseRecord, "it must be restored from version control")
    if record is None:
        raise ReportgenError((warning or f"{shown(path)}: missing").removeprefix("warning: "))
    return record


def latest(project: Project, slug: str) -> ReleaseRecord | None:
    released = numbers(project, slug)
    return read_release(project, slug, released[-1]) if released else None


def check_against(project: Project, slug: str, against: int | None) -> None:
    """`--against N` must name a release of this customer."""
    if against is not None and against not in numbers(project, slug):
        released = ", ".join(f"r{n}" for n in numbers(project, slug)) or "none yet"
        raise ReportgenError(f"--against r{against}: {slug} has no such release (releases: {released})")


@dataclass(frozen=True)
class RevisionPlan:
    """What a build is to be stamped as, and what its Appendix C compares with."""
    number: int
    final: bool
    baseline: int | None  # the release Appendix C compares with; None: the previous build
    reproduces: int | None  # the release this build is identical to: its Appendix C is that release's

    def record(self) -> dict:
        return BuiltRevision(number=self.number, final=self.final, baseline=self.baseline,
                             reproduces=self.reproduces).model_dump()

    def revision(self, assessment_date: str) -> Revision:
        from reportgen.report.view import long_date
        draft = "" if self.final else " (draft)"
        return Revision(number=self.number, date=assessment_date, final=self.final,
                        label=f"Revision {self.number}{draft}, {long_date(assessment_date)}")


def plan_revision(project: Project, slug: str, inputs_bytes: bytes, catalogue: Catalogue, environment: Environment,
                  settings: Settings) -> RevisionPlan:
    """The revision of a build from these inputs with these settings, given the releases made so far."""
    check_against(project, slug, settings.against)
    last = latest(project, slug)
    if last is not None and stale_reason(last.build.model_dump(), inputs_bytes, catalogue, environment, settings,
                                         None) is None:
        return RevisionPlan(last.revision, True, last.build.revision.baseline if last.build.revision else None,
                            last.revision)
    baseline = settings.against if settings.against is not None else last.revision if last else None
    return RevisionPlan(last.revision + 1 if last else 1, settings.final, baseline, None)


def out_of_date(project: Project, slug: str, previous: dict | None, inputs_bytes: bytes, catalogue: Catalogue,
                environment: Environment, settings: Settings, digests: FileDigests) -> str | None:
    """Why the customer's last build (its manifest record, `previous`) is not what a build now would make, or None:
    its fingerprint moved, a file it wrote changed, or a release was made or removed since, so that it would be
    stamped and compared otherwise. An `--against` naming no release is a reason too (the build then fails,
    listing the releases)."""
    outputs = output_problem(project.output_dir(slug), previous["outputs"], digests) if previous else None
    reason = stale_reason(previous, inputs_bytes, catalogue, environment, settings, outputs)
    if reason is not None:
        return reason
    try:
        plan = plan_revision(project, slug, inputs_bytes, catalogue, environment, settings)
    except ReportgenError as exc:
        return str(exc)
    return None if previous.get("revision") == plan.record() else "a release was made or removed"


def reproduced_changes(project: Project, slug: str, plan: RevisionPlan) -> Changes | None:
    """The Appendix C of the release a build reproduces, so that rebuilding a release gives its bytes again."""
    folder = release_dir(project, slug, plan.reproduces)
    return Results.model_validate_json((folder / "results.json").read_bytes()).changes


def _figures(results: Results) -> ReleaseFigures:
    current, proposed = results.options[results.current_option], results.options[results.proposed_option]
    return ReleaseFigures(currency=results.currency, current_option=results.current_option,
                          proposed_option=results.proposed_option, tco_hard_current=current.tco_hard,
                          tco_hard_proposed=proposed.tco_hard, savings=proposed.savings, roi=proposed.roi,
                          payback_months=proposed.payback_months)


class Releaser:
    """Freezes customers' builds; the environment of each build's settings is computed once per batch."""

    def __init__(self, project: Project, catalogue: Catalogue):
        self.project, self.catalogue = project, catalogue
        self.manifest = Manifest(project.output)
        self.digests = FileDigests(project.cache / "digests.json")
        self.environments: dict[str, Environment] = {}

    def _environment(self, settings: Settings) -> Environment:
        key = json.dumps(settings.record(), sort_keys=True)
        if key not in self.environments:
            self.environments[key] = Environment.of(self.project.root, settings, self.digests)
        return self.environments[key]

    def why_not(self, slug: str) -> tuple[Built, Results] | str:
        """The build to release and its results, or why it cannot be released and what to run instead."""
        rebuild = f"run `invoke report --customer {slug} --final`, look at it, then release"
        found = self.manifest.customers.get(slug)
        if found is None:
            return f"{slug} has no build on record in output/; {rebuild}"
        built = Built.model_validate(found)
        settings = Settings.of(built.settings)
        folder = self.project.output_dir(slug)
        try:
            inputs_bytes = self.project.input_file(slug).read_bytes()
        except OSError as exc:
            return f"cannot read inputs/{slug}.json ({exc.strerror})"
        reason = out_of_date(self.project, slug, found, inputs_bytes, self.catalogue, self._environment(settings),
                             settings, self.digests)
        if reason is not None:
            return f"the build in {shown(folder)} is out of date ({reason}); {rebuild}"
        if built.revision.reproduces is not None:
            return f"the build in {shown(folder)} is revision {built.revision.reproduces}, released already"
        if settings.draft:
            return f"the build in {shown(folder)} was made with --draft (placeholders from `invoke new` remain)"
        if not built.revision.final:
            return (f"the build in {shown(folder)} is a draft (Revision {built.revision.number} (draft)); build the "
                    f"revision to send with `invoke report --customer {slug} --final`, look at it, then release")
        missing = [f for f in FORMATS if f not in settings.formats]
        if missing:
            return f"the build in {shown(folder)} lacks {', '.join(missing)}; {rebuild} (every format, the default)"
        results = Results.model_validate_json((folder / "results.json").read_bytes())
        if any(note.kind == "placeholder" for note in results.warnings):
            return f"inputs/{slug}.json still holds placeholders from `invoke new`"
        return built, results

    def release(self, slug: str, note: str, today: date) -> ReleaseRecord:
        """Copy the customer's build into releases/<slug>/r<N>/ with the digest of every file, or refuse why."""
        folder = self.project.output_dir(slug)
        with exclusive(folder):  # no report replaces the folder while it is copied
            found = self.why_not(slug)
            if isinstance(found, str):
                raise ReportgenError(f"cannot release {slug}: {found}")
            built, results = found
            record = self._freeze(slug, built, results, note, today)
            # the build is that release now: what a build of the same inputs would be stamped as (plan_revision)
            self.manifest.customers[slug]["revision"]["reproduces"] = record.revision
            warning = self.manifest.save()
            if warning:
                raise ReportgenError(f"released {slug} as {shown(release_dir(self.project, slug, record.revision))}, "
                                     f"but {warning.removeprefix('warning: ')}")
            return record

    def _freeze(self, slug: str, built: Built, results: Results, note: str, today: date) -> ReleaseRecord:
        number = built.revision.number
        target = release_dir(self.project, slug, number)
        if target.exists():
            raise ReportgenError(f"cannot release {slug}: {shown(target)} exists but holds no release.json; "
                                 "restore it from version control or remove it")
        staging = target.with_name(f".r{number}.new-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            files = {}
            for name, expected in built.outputs.items():
                path = staging / name
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.project.output_dir(slug) / name, path)
                files[name] = _checked(path, name, expected.sha256)
            values = json_bytes({key: value.model_dump() for key, value in results.catalogue_used.items()})
            (staging / CATALOGUE_VALUES).write_bytes(values)
            files[CATALOGUE_VALUES] = {"size": len(values), "sha256": hashlib.sha256(values).hexdigest()}
            record = ReleaseRecord(version=RELEASE_VERSION, revision=number, label=results.revision.label,
                                   released_on=today.isoformat(), note=note, build=built, figures=_figures(results),
                                   files=dict(sorted(files.items())))
            (staging / RECORD).write_bytes(json_bytes(record.model_dump()))
            staging.rename(target)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise ReportgenError(f"cannot release {slug} into {shown(target)}: {exc.strerror}") from None
        return record


def _checked(path: Path, name: str, sha256: str) -> dict:
    """The copy's size and digest, which must be what the build recorded: a file changed meanwhile is refused."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise ReportgenError(f"output file {name} changed while it was released; build again, then release")
    return {"size": len(data), "sha256": digest}


def verify(project: Project, slug: str, number: int) -> list[str]:
    """The files of a release that no longer match the digests it recorded (empty when it is intact)."""
    record = read_release(project, slug, number)
    folder = release_dir(project, slug, number)
    altered = []
    for name, expected in record.files.items():
        path = folder / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != expected.sha256:
            altered.append(name)
    return altered


def listing(project: Project, slug: str) -> str:
    """`invoke releases`: each revision with its date, note and headline figures, whether its files are as
    frozen, and what the build in output/ is."""
    from reportgen.report.filters import money_short, months, percent
    released = numbers(project, slug)
    lines = [f"{slug}: {len(released)} revision(s) released in {shown(releases_dir(project, slug))}/"
             if released else f"{slug}: no revision released yet (`invoke release --customer {slug}` makes r1)"]
    if released:
        lines.append(f"  {'rev':<4} {'released':<10}  {'carries':<32} {'proposed':<16} {'TCO now':>9} "
                     f"{'proposed':>9} {'savings':>9} {'ROI':>7} {'payback':>10}  note")
    for number in released:
        record = read_release(project, slug, number)
        figures = record.figures
        altered = verify(project, slug, number)
        lines.append(f"  r{number:<3} {record.released_on:<10}  {record.label[:32]:<32} {figures.proposed_option[:16]:<16} "
                     f"{money_short(figures.tco_hard_current, figures.currency):>9} "
                     f"{money_short(figures.tco_hard_proposed, figures.currency):>9} "
                     f"{money_short(figures.savings, figures.currency):>9} {percent(figures.roi):>7} "
                     f"{months(figures.payback_months) if figures.payback_months is not None else '–':>10}  "
                     f"{record.note}")
        if altered:
            lines.append(f"       ALTERED since released: {', '.join(altered[:5])}"
                         f"{' ...' if len(altered) > 5 else ''} (restore them from version control)")
    lines.append(_build_state(project, slug, released))
    return "\n".join(lines)


def _build_state(project: Project, slug: str, released: list[int]) -> str:
    found = Manifest(project.output).customers.get(slug)
    folder = shown(project.output_dir(slug))
    if found is None or found.get("revision") is None:
        return f"{folder}: no build on record"
    revision = BuiltRevision.model_validate(found["revision"])
    if revision.reproduces is not None:
        return f"{folder}: revision {revision.reproduces}, as released"
    state = "final, ready for `invoke release`" if revision.final else "a draft: `invoke report --final` makes the revision to send"
    return f"{folder}: Revision {revision.number}{'' if revision.final else ' (draft)'}, not released ({state})"
