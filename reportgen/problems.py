"""Problems found in an assessment, each located by file, line and JSON path, in plain English."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

JsonPath = tuple[str | int, ...]  # where a value sits in the assessment: ("clusters", 1, "retention_days")


def shown_path(file: Path, folder: Path) -> str:
    """A file as the user knows it: relative to the folder they work in where it can be."""
    try:
        return file.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return file.as_posix()


def json_path(path: JsonPath) -> str:
    """`("clusters", 1, "retention_days")` -> `clusters[1].retention_days`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(the whole file)"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    path: JsonPath
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {json_path(self.path)}: {self.message}"


class ReportgenError(Exception):
    """An expected failure with a message for the user (no traceback)."""


class InputError(ReportgenError):
    """An assessment with one or more problems; all of them are reported at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column))
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join(lines + [f"{count} problem{'s' if count != 1 else ''} found; nothing was written."]))
