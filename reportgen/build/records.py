"""The formats of what reportgen keeps on disk between runs, each versioned and validated when read: a customer
folder's record of the files reportgen wrote there, the manifest of the last builds, the digest cache.

pydantic takes a tenth of a second to import: this module is imported when a record is first read or
written, after a single report has forked its PDF's process (see reportgen/pdf/process.py), not before.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

SHA256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecordedFile(Strict):
    """A file reportgen wrote into a customer's folder, and the assessment it was built from."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    size: Annotated[int, Field(ge=0)]
    sha256: SHA256
    inputs_sha256: SHA256


class FolderRecord(Strict):
    """output/<slug>/.outputs.json"""
    version: Literal[1]
    files: dict[str, RecordedFile]


class OutputFile(Strict):
    size: Annotated[int, Field(ge=0)]
    sha256: SHA256


class Headline(Strict):
    savings: float
    roi: float | None
    currency: str


class BuiltRevision(Strict):
    """Which revision a build was stamped as, and what its Appendix C compared with (see releases.py)."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    number: Annotated[int, Field(ge=1)]
    final: bool
    baseline: Annotated[int, Field(ge=1)] | None  # the release compared with; None: the build before it
    reproduces: Annotated[int, Field(ge=1)] | None  # the release this build is identical to, if any


class Built(Strict):
    """One customer's last successful build: its fingerprint, headline figures, output files and revision."""
    inputs_sha256: SHA256
    catalogue: dict[str, str | None]
    templates_sha256: SHA256
    tool: str
    settings: dict
    headline: Headline
    outputs: dict[str, OutputFile]
    revision: BuiltRevision | None = None  # None: a build from before releases were kept
    catalogue_words: str | None = None  # None: a build from before the catalogue's words were fingerprinted


class ReleaseFigures(Strict):
    """The headline figures `invoke releases` lists for a revision, in its currency."""
    currency: str
    current_option: str
    proposed_option: str
    tco_hard_current: float
    tco_hard_proposed: float
    savings: float
    roi: float | None
    payback_months: float | None


class ReleaseRecord(Strict):
    """releases/<slug>/r<N>/release.json: a revision as sent, with the digest of every file frozen."""
    version: Literal[1]
    revision: Annotated[int, Field(ge=1)]
    label: str
    released_on: str  # ISO 8601 day the release was made
    note: str
    build: Built  # the build frozen: its fingerprint, settings and revision
    figures: ReleaseFigures
    files: dict[str, OutputFile]


class ManifestFile(Strict):
    """output/.manifest.json"""
    version: Literal[2]
    customers: dict[str, Built]


class DigestsFile(Strict):
    """output/.cache/digests.json"""
    version: Literal[2]
    files: dict[str, tuple[int, int, int, int, SHA256]]  # size, modification time, change time, inode, digest
