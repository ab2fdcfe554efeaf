"""A strict JSON reader that remembers where every value starts.

Python's `json` keeps the last of two duplicate keys, accepts NaN and Infinity and turns 1e400
into infinity; pydantic reports a JSON path but no line. This reader rejects all of those and
returns, beside the data, the line and column of every key and value, so each error a user sees
can name its line. Strings and numbers are scanned with the standard library's own scanners.
"""

from __future__ import annotations

import json.decoder
import math
import re
from dataclasses import dataclass

from reportgen.problems import JsonPath as Path

MAX_DEPTH = 32
_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_SURROGATE = re.compile("[\ud800-\udfff]")
_STRING_ERRORS = {
    "Unterminated string starting at": "this text has no closing double quote",
    "Invalid control character at": ("text in double quotes contains a control character such as a line "
                                     "break or tab; write it as \\n or \\t, or close the quotes before the line ends"),
    "Invalid \\escape": "a backslash must start a JSON escape such as \\n, \\\" or \\\\ (write \\\\ for one backslash)",
    "Invalid \\uXXXX escape": "a \\u escape needs exactly four hexadecimal digits, e.g. \\u00e9",
}


class JSONSyntaxError(ValueError):
    """Text that is not strict JSON, located by line, column and the JSON path being read."""

    def __init__(self, message: str, line: int, column: int, path: Path = ()):
        super().__init__(message)
        self.message, self.line, self.column, self.path = message, line, column, path


@dataclass(frozen=True)
class Parsed:
    data: object
    positions: dict[Path, tuple[int, int]]

    def where(self, path: Path) -> tuple[int, int]:
        """Line and column of `path`, or of its nearest ancestor that exists in the file."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.positions: dict[Path, tuple[int, int]] = {}
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, index: int) -> tuple[int, int]:
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= index:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, index - self._line_starts[lo] + 1

    def fail(self, message: str, index: int, path: Path) -> JSONSyntaxError:
        return JSONSyntaxError(message, *self.at(index), path)

    def skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()

    def value(self, i: int, path: Path, depth: int) -> tuple[object, int]:
        if depth > MAX_DEPTH:
            raise self.fail(f"the JSON is nested more than {MAX_DEPTH} levels deep; an assessment needs "
                            "far fewer", i, path)
        self.positions.setdefault(path, self.at(i))
        if i >= len(self.text):
            raise self.fail("the file ends where a value was expected", i, path)
        c = self.text[i]
        if c == "{":
            return self.object(i + 1, path, depth)
        if c == "[":
            return self.array(i + 1, path, depth)
        if c == '"':
            return self.string(i, path)
        m = _NUMBER.match(self.text, i)
        if m:
            return self.number(m, path), m.end()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, i):
                return val, i + len(word)
        for word in ("NaN", "Infinity", "-Infinity"):
            if self.text.startswith(word, i):
                raise self.fail(f"found {word}, which is not a number JSON allows; expected a finite number "
                                "written with digits", i, path)
        token = re.match(r"[^\s,\]\}]{1,20}", self.text[i:])
        found = token.group(0) if token else self.text[i]
        raise self.fail(f"unexpected text '{found}' where a value was expected "
                        "(text needs double quotes; numbers are written with digits)", i, path)

    def number(self, m: re.Match, path: Path) -> int | float:
        too_large = f"the number {m.group(0)[:20]}{'...' if len(m.group(0)) > 20 else ''} is too large; " \
                    "expected a finite number of sensible size"
        if m.group(1) or m.group(2):
            number = float(m.group(0))
            if not math.isfinite(number):
                raise self.fail(too_large, m.start(), path)
            return number
        if len(m.group(0)) > 30:
            raise self.fail(too_large, m.start(), path)
        return int(m.group(0))

    def string(self, i: int, path: Path) -> tuple[str, int]:
        try:
            s, end = json.decoder.scanstring(self.text, i + 1, True)
        except json.JSONDecodeError as exc:
            raise self.fail(_STRING_ERRORS.get(exc.msg, exc.msg), exc.pos, path) from None
        if _SURROGATE.search(s):
            raise self.fail("the text contains a lone surrogate escape (\\ud800 to \\udfff), which is not a "
                            "character; write the character itself", i, path)
        return s, end

    def object(self, i: int, path: Path, depth: int) -> tuple[dict, int]:
        result: dict = {}
        i = self.skip(i)
        if self.text.startswith("}", i):
            return result, i + 1
        while True:
            if not self.text.startswith('"', i):
                raise self.fail("expected a key in double quotes", i, path)
            key_at = i
            key, i = self.string(i, path)
            if key in result:
                line, _ = self.positions[path + (key,)]
                raise self.fail(f"the key '{key}' appears twice in this object (first on line {line}); "
                                "keep one of them", key_at, path + (key,))
            self.positions[path + (key,)] = self.at(key_at)
            i = self.skip(i)
            if not self.text.startswith(":", i):
                raise self.fail(f"expected ':' after the key '{key}'", i, path + (key,))
            result[key], i = self.value(self.skip(i + 1), path + (key,), depth + 1)
            i = self.skip(i)
            if self.text.startswith(",", i):
                i = self.skip(i + 1)
                continue
            if self.text.startswith("}", i):
                return result, i + 1
            raise self.fail("expected ',' or '}' after a value in an object", i, path)

    def array(self, i: int, path: Path, depth: int) -> tuple[list, int]:
        result: list = []
        i = self.skip(i)
        if self.text.startswith("]", i):
            return result, i + 1
        while True:
            item, i = self.value(i, path + (len(result),), depth + 1)
            result.append(item)
            i = self.skip(i)
            if self.text.startswith(",", i):
                i = self.skip(i + 1)
                continue
            if self.text.startswith("]", i):
                return result, i + 1
            raise self.fail("expected ',' or ']' after a value in a list", i, path)


def parse(text: str) -> Parsed:
    """Parse `text` as one strict JSON document, raising JSONSyntaxError with a line and column."""
    reader = _Reader(text)
    start = reader.skip(0)
    if start >= len(text):
        raise JSONSyntaxError("the file is empty; an assessment is one JSON object", 1, 1)
    data, end = reader.value(start, (), 0)
    end = reader.skip(end)
    if end < len(text):
        raise reader.fail("unexpected text after the end of the JSON document; the file holds one object "
                          "{...} and nothing after its closing brace", end, ())
    return Parsed(data, reader.positions)
