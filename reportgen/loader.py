"""Reading an assessment file: size cap, strict UTF-8, strict JSON, schema, catalogue checks.

Every problem is collected before anything is reported, each with file, line, JSON path, what
was found and what is expected.
"""

from __future__ import annotations

import typing
from pathlib import Path as FsPath

from pydantic import BaseModel, ValidationError

from .catalogue import Catalogue
from .checks import catalogue_problems, unknown_key_hint
from .jsonparse import JSONSyntaxError, Parsed, Path, parse
from .problems import InputError, Problem
from .schema import Assessment, Range

MAX_FILE_BYTES = 1_000_000
_RANGE_TAGS = {"number", "range"}


def _model_at(path: Path) -> tuple[type[BaseModel] | None, str | None]:
    """The pydantic model that owns the last element of `path`, and that element's field name."""
    model: type[BaseModel] | None = Assessment
    for part in path[:-1]:
        if isinstance(part, int) or model is None:
            continue
        by_alias = {(info.alias or name): info for name, info in model.model_fields.items()}
        info = by_alias.get(part)
        model = _first_model(info.annotation) if info else None
    last = path[-1] if path and isinstance(path[-1], str) else None
    return model, last


def _first_model(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and not issubclass(annotation, Range):
        return annotation
    for arg in typing.get_args(annotation):
        found = _first_model(arg)
        if found:
            return found
    return None


def _describe(path: Path) -> str:
    model, name = _model_at(path)
    if model is None or name is None:
        return ""
    for field_name, info in model.model_fields.items():
        if name in (field_name, info.alias) and info.description:
            return info.description
    return ""


def _found(value) -> str:
    if isinstance(value, str):
        return f'the text "{value[:40]}"' + ("..." if len(value) > 40 else "")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object {...}"
    if isinstance(value, list):
        return "a list [...]"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _message(error: dict, path: Path) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    hint = _describe(path)
    hint = f" ({hint})" if hint else ""
    if kind == "missing":
        return f"is required but missing{hint}"
    if kind == "extra_forbidden":
        model, name = _model_at(path)
        allowed = [info.alias or n for n, info in model.model_fields.items()] if model else []
        return f"'{name}' is not a known key; {unknown_key_hint(str(name), allowed)}allowed here: {', '.join(allowed)}"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return f"found {_found(value)}; expected a whole number written with digits{hint}"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return f"found {_found(value)}; expected a number written with digits{hint}"
    if kind == "bool_type":
        return f"found {_found(value)}; expected true or false{hint}"
    if kind == "string_type":
        return f"found {_found(value)}; expected text in double quotes{hint}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"found {_found(value)}; expected an object {{...}}{hint}"
    if kind == "list_type":
        return f"found {_found(value)}; expected a list [...]{hint}"
    bounds = {"greater_than_equal": "at least {ge}", "greater_than": "more than {gt}",
              "less_than_equal": "at most {le}", "less_than": "less than {lt}"}
    if kind in bounds:
        expected = bounds[kind].format(**{k: f"{v:g}" if isinstance(v, float) else v for k, v in ctx.items()})
        return f"found {_found(value)}; expected {expected}{hint}"
    if kind == "literal_error":
        return f"found {_found(value)}; expected one of {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        return f"found {_found(value)}; expected{hint or ' a different form'}"
    if kind in ("too_short", "too_long"):
        return f"has {ctx.get('actual_length')} items or characters; expected {kind.replace('_', ' ')} " \
               f"limit {ctx.get('min_length', ctx.get('max_length'))}{hint}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"{error['msg']}{hint}"


def _schema_problems(parsed: Parsed, file: str) -> list[Problem]:
    try:
        Assessment.model_validate(parsed.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = tuple(p for p in error["loc"] if p not in _RANGE_TAGS)
            line, column = parsed.where(path)
            problems.append(Problem(file, line, column, path, _message(error, path)))
        return _without_misspelt_twins(problems)
    return []


def _without_misspelt_twins(problems: list[Problem]) -> list[Problem]:
    """A misspelt key is one mistake, not two: drop 'missing' where a sibling's hint names the key."""
    hinted = {p.path[:-1] + (name,) for p in problems if "did you mean '" in p.message
              for name in [p.message.split("did you mean '")[1].split("'")[0]]}
    return [p for p in problems if not (p.message.startswith("is required") and p.path in hinted)]


def _display_name(file: FsPath, project_root: FsPath) -> str:
    """The file as the user knows it: relative to the project where possible."""
    try:
        return file.resolve().relative_to(project_root.resolve()).as_posix()
    except ValueError:
        return str(file)


def read_text(file: FsPath, name: str) -> str:
    """The file's text, refusing what is too large or not UTF-8 before any parsing."""
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError([Problem(name, 1, 1, (), f"the file is {size:,} bytes; an assessment may be at most "
                                                       f"{MAX_FILE_BYTES:,} bytes")])
        raw = file.read_bytes()
    except OSError as exc:
        raise InputError([Problem(name, 1, 1, (), f"cannot be read: {exc.strerror}")]) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError([Problem(name, line, 1, (), "is not UTF-8 text; save the file as UTF-8")]) from None


def load_assessment(file: FsPath, catalogue: Catalogue, project_root: FsPath | None = None) -> Assessment:
    """Read, parse and validate one assessment; raise InputError listing every problem."""
    project_root = project_root or file.resolve().parent.parent
    name = _display_name(file, project_root)
    text = read_text(file, name)
    try:
        parsed = parse(text)
    except JSONSyntaxError as exc:
        raise InputError([Problem(name, exc.line, exc.column, (), exc.message)]) from None
    if not isinstance(parsed.data, dict):
        raise InputError([Problem(name, 1, 1, (), "expected one JSON object {...} at the top level")])
    problems = _schema_problems(parsed, name)
    for path, message in catalogue_problems(parsed.data, catalogue, project_root):
        problems.append(Problem(name, *parsed.where(path), path, message))
    slug = parsed.data.get("customer", {}).get("slug") if isinstance(parsed.data.get("customer"), dict) else None
    if isinstance(slug, str) and slug != file.stem:
        problems.append(Problem(name, *parsed.where(("customer", "slug")), ("customer", "slug"),
                                f"is '{slug}' but the file is named '{file.name}'; the slug must equal the file's name"))
    if problems:
        raise InputError(problems)
    return Assessment.model_validate(parsed.data)
