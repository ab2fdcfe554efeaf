"""An assessment's JSON as a flat list of values by JSON path: what the change log compares, the reviewer's
checks scan, and what turns a path named in a message back into a line of the file."""

from __future__ import annotations

from collections.abc import Iterator

from reportgen.inputs.jsonparse import Parsed
from reportgen.inputs.jsonparse import Path as JsonPath
from reportgen.problems import json_path

NOTES = {"$schema", "$comment"}


def _walk(data, keep_comments: bool, path: JsonPath = ()) -> Iterator[tuple[JsonPath, object]]:
    """Every node with its path, containers before what they hold."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            if keep_comments or key not in NOTES:
                yield from _walk(value, keep_comments, path + (key,))
    elif isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        for index, value in enumerate(data):
            yield from _walk(value, keep_comments, path + (index,))


def _is_leaf(value) -> bool:
    return not (isinstance(value, dict) or (isinstance(value, list) and value and
                                             all(isinstance(item, dict) for item in value)))


def leaves(data, keep_comments: bool = False) -> dict[str, object]:
    """Every leaf of a JSON document by its JSON path: ranges become `.low`, `.likely`, `.high`; notes
    (`$comment`, `$schema`) are left out unless `keep_comments`."""
    return {json_path(path): value for path, value in _walk(data, keep_comments) if _is_leaf(value)}


def position(parsed: Parsed, shown: str) -> tuple[JsonPath, int, int]:
    """The path written `shown` (as `leaves` writes it) with its line and column; a key that is absent is
    placed at the nearest object that holds it."""
    paths = {json_path(path): path for path, _ in _walk(parsed.data, keep_comments=True)}
    while shown not in paths and ("." in shown or "[" in shown):
        shown = shown[:max(shown.rfind("."), shown.rfind("["))]
    path = paths.get(shown, ())
    return (path, *parsed.where(path))
