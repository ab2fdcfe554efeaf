"""Writing an import into the assessment: each changed value replaced where it stands in the text, a new key
added after its object's last one, so key order, `$comment` notes and the user's layout stay as they were.
The new text is validated before the file is replaced atomically; a failed import leaves it untouched."""

from __future__ import annotations

import json
from pathlib import Path as FsPath

from pydantic import ValidationError

from reportgen.build.writer import write_atomic
from reportgen.catalogue import Catalogue
from reportgen.inputs.checks import catalogue_problems
from reportgen.inputs.jsonparse import Parsed, Path, parse
from reportgen.inputs.schema import Assessment
from reportgen.problems import ReportgenError, json_path

INDENT = "  "


class WouldNotValidate(ReportgenError):
    """The imported values would make the assessment invalid; nothing is written."""


class ChangedMeanwhile(ReportgenError):
    """The assessment changed on disk while the import ran; nothing is written."""


class _Text:
    def __init__(self, text: str):
        self.text = text
        self.parsed: Parsed = parse(text)
        self.line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def offset(self, path: Path) -> int:
        line, column = self.parsed.positions[path]
        return self.line_starts[line - 1] + column - 1

    def value_span(self, path: Path) -> tuple[int, int]:
        """Where the value at `path` starts and ends (a key's position is its opening quote)."""
        at = self.offset(path)
        if path and isinstance(path[-1], str):
            _, at = json.decoder.scanstring(self.text, at + 1)
            at = self.text.index(":", at) + 1
            while self.text[at] in " \t\r\n":
                at += 1
        _, end = json.JSONDecoder().raw_decode(self.text, at)
        return at, end

    def indent_of(self, offset: int) -> str:
        start = self.text.rfind("\n", 0, offset) + 1
        line = self.text[start:offset]
        return line[:len(line) - len(line.lstrip(" \t"))]


def _render(value, indent: str) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False).replace("\n", "\n" + indent)


def set_values(text: str, assignments: list[tuple[Path, object]]) -> str:
    """`text` with each (path, value) set: an existing value replaced in place, a missing key appended to its
    object (which must exist) with the indentation its siblings have."""
    doc = _Text(text)
    edits: list[tuple[int, int, int, str]] = []  # start, end, order, replacement
    for order, (path, value) in enumerate(assignments):
        if path in doc.parsed.positions:
            start, end = doc.value_span(path)
            edits.append((start, end, order, _render(value, doc.indent_of(doc.offset(path)))))
            continue
        parent = path[:-1]
        start, end = doc.value_span(parent)
        closing = end - 1
        last = closing - 1
        while doc.text[last] in " \t\r\n":
            last -= 1
        outer = doc.indent_of(start) if parent else ""
        members = [p for p in doc.parsed.positions if len(p) == len(path) and p[:-1] == parent]
        inner = doc.indent_of(doc.offset(members[0])) if members else outer + INDENT
        member = f'"{path[-1]}": {_render(value, inner)}'
        if "\n" not in doc.text[start:end]:  # an object written on one line stays on one line
            separator = "" if doc.text[last] == "{" else ", "
            compact = json.dumps(value, ensure_ascii=False, allow_nan=False)
            edits.append((last + 1, last + 1, order, f'{separator}"{path[-1]}": {compact}'))
        elif doc.text[last] == "{":
            edits.append((last + 1, closing, order, f"\n{inner}{member}\n{outer}"))
        else:
            edits.append((last + 1, last + 1, order, f",\n{inner}{member}"))
    result = doc.text
    for start, end, _, replacement in sorted(edits, key=lambda e: (e[0], e[2]), reverse=True):
        result = result[:start] + replacement + result[end:]
    return result


def _problems(data: dict, catalogue: Catalogue, root: FsPath) -> list[str]:
    try:
        Assessment.model_validate(data)
        found = []
    except ValidationError as exc:
        found = [f"{'.'.join(str(p) for p in e['loc'] if p not in ('number', 'range'))}: {e['msg']}"
                 for e in exc.errors()]
    return found + [f"{json_path(path)}: {message}" for path, message in catalogue_problems(data, catalogue, root)]


def write_import(file: FsPath, shown: str, before: str, assignments: list[tuple[Path, object]],
                 catalogue: Catalogue, root: FsPath) -> str:
    """Write the assignments into `file`, whose text was `before`; returns the new text."""
    after = set_values(before, assignments)
    problems = _problems(parse(after).data, catalogue, root)
    if problems:
        raise WouldNotValidate(f"{shown}: the imported values would make the assessment invalid, so nothing was "
                               "written:\n  " + "\n  ".join(problems))
    if file.read_text(encoding="utf-8") != before:
        raise ChangedMeanwhile(f"{shown} changed while the import ran; nothing was written: run the import again")
    write_atomic(file, after.encode("utf-8"))
    return after
