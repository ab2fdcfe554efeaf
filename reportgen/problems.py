"""Problems found in an assessment, each located by file, line and JSON path, in plain English."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

JsonPath = tuple[str | int, ...]  # where a value sits in the assessment: ("clusters", 1, "retention_days")


def shown_path(file: Path, folder: Path) -> str:
    """A file as the user knows it: relative to the folder they work in where it can be."""
    try:
        return file.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return file.as_posix()


# What a terminal acts on instead of showing: C0 and C1 controls (ESC starts the sequences that clear a screen or move
# the cursor), DEL, the bidirectional overrides and isolates that reorder a line, and the line and paragraph separators
TERMINAL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def printable(text: str, keep_newlines: bool = False) -> str:
    """Text echoed from an input, safe to print: each control character shown as its escape (`\\x1b`, `\\u202e`).

    Newlines are kept only in text reportgen composed line by line (keep_newlines); inside a value, a newline
    could print a line that looks like reportgen's own.
    """
    def escaped(match: re.Match) -> str:
        character = match.group()
        return "\n" if keep_newlines and character == "\n" else character.encode("unicode_escape").decode("ascii")
    return TERMINAL_CONTROLS.sub(escaped, text)


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
        """One line, whatever the file name, the path's keys or a value quoted in the message hold."""
        return printable(f"{self.file}:{self.line}:{self.column}: {json_path(self.path)}: {self.message}")


class ReportgenError(Exception):
    """An expected failure with a message for the user (no traceback)."""


class InputError(ReportgenError):
    """An assessment with one or more problems; all of them are reported at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column))
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join(lines + [f"{count} problem{'s' if count != 1 else ''} found; nothing was written."]))
