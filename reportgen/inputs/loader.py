"""Reading an assessment file: size cap, strict UTF-8, strict JSON, schema, catalogue checks.

Every problem is collected before anything is reported, each with file, line, JSON path, what
was found and what is expected.
"""

from __future__ import annotations

import typing
from pathlib import Path as FsPath

from pydantic import BaseModel, ValidationError

from reportgen.catalogue import Catalogue
from reportgen.inputs.checks import catalogue_problems, unknown_key_hint, value_at
from reportgen.inputs.jsonparse import JSONSyntaxError, Parsed, Path, parse
from reportgen.problems import InputError, Problem, shown_path
from reportgen.inputs.schema import Assessment, FieldError, Range

MAX_FILE_BYTES = 1_000_000
_UNION_TAGS = {"number", "range", "flag"}


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


def _number(value, grouped: bool = False) -> str:
    """A number as a reader writes it: 0.5, 1200, 1,000,000 (grouped for bounds)."""
    return format(value, ",.15g" if grouped else ".15g") if isinstance(value, float) else \
        format(value, "," if grouped else "")


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
    return repr(value) if isinstance(value, float) else str(value)


# the forms the schema's text patterns ask for, in words
_PATTERNS = {
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "lowercase letters, digits and single hyphens, e.g. acme-retail",
    r"^[a-z0-9_]+$": "an option id in lowercase with underscores, e.g. confluent_cloud",
    r"^[a-z0-9]+\.[a-z0-9]+$": "an instance type such as m5.xlarge",
    r"^[A-Z]{3}$": "a three-letter ISO currency code in capitals, e.g. EUR",
    r"^\d{4}-\d{2}-\d{2}$": "a date written YYYY-MM-DD, e.g. 2026-11-26",
}
_BOUNDS = {"greater_than_equal": ("at least", "ge"), "greater_than": ("more than", "gt"),
           "less_than_equal": ("at most", "le"), "less_than": ("less than", "lt")}
_TYPES = {
    ("int_type", "int_from_float", "int_parsing"): "a whole number written with digits",
    ("float_type", "float_parsing", "finite_number"): "a number written with digits",
    ("bool_type",): "true or false",
    ("string_type",): "text in double quotes",
    ("model_type", "dict_type", "model_attributes_type"): "an object {...}",
    ("list_type",): "a list [...]",
}


def _message(error: dict, path: Path) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    hint = _describe(path)
    hint = f" ({hint})" if hint else ""
    if kind == "missing":
        return f"is required but missing{hint}"
    if kind == "extra_forbidden":
        model, name = _model_at(path)
        model = Range if "range" in error["loc"] else model
        allowed = [info.alias or n for n, info in model.model_fields.items() if n != "comment"] if model else []
        return f"'{name}' is not a known key; {unknown_key_hint(str(name), allowed)}allowed here: {', '.join(allowed)}"
    for kinds, expected in _TYPES.items():
        if kind in kinds:
            return f"found {_found(value)}; expected {expected}{hint}"
    if kind in _BOUNDS:
        words, name = _BOUNDS[kind]
        return f"found {_found(value)}; expected {words} {_number(ctx[name], grouped=True)}{hint}"
    if kind == "literal_error":
        return f"found {_found(value)}; expected one of {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        form = _PATTERNS.get(ctx.get("pattern"), "a different form")
        return f"found {_found(value)}; expected {form}{hint}"
    if kind == "too_short":
        return f"has {ctx['actual_length']} entries; expected at least {ctx['min_length']}{hint}"
    if kind == "too_long":
        return f"has {ctx['actual_length']} entries; expected at most {ctx['max_length']}{hint}"
    if kind == "string_too_short":
        return f"is empty; expected text{hint}"
    if kind == "string_too_long":
        return f"has {len(value)} characters; expected at most {ctx['max_length']}{hint}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"{error['msg']}{hint}"


def _error_path(error: dict, data) -> Path:
    """The JSON path of a pydantic error: union tags dropped, a FieldError's own path added."""
    path: list = []
    node = data
    loc = error["loc"]
    for i, part in enumerate(loc):
        in_data = isinstance(node, dict) and part in node
        if isinstance(part, str) and not in_data and (part in _UNION_TAGS or i < len(loc) - 1):
            continue
        path.append(part)
        node = node[part] if in_data or (isinstance(node, list) and isinstance(part, int) and part < len(node)) \
            else None
    cause = (error.get("ctx") or {}).get("error")
    return tuple(path) + (cause.path if isinstance(cause, FieldError) else ())


def _schema_problems(parsed: Parsed, file: str) -> list[Problem]:
    try:
        Assessment.model_validate(parsed.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = _error_path(error, parsed.data)
            line, column = parsed.where(path)
            problems.append(Problem(file, line, column, path, _message(error, path)))
        return _without_misspelt_twins(problems)
    return []


def _without_misspelt_twins(problems: list[Problem]) -> list[Problem]:
    """A misspelt key is one mistake, not two: drop 'missing' where a sibling's hint names the key."""
    hinted = {p.path[:-1] + (name,) for p in problems if "did you mean '" in p.message
              for name in [p.message.split("did you mean '")[1].split("'")[0]]}
    return [p for p in problems if not (p.message.startswith("is required") and p.path in hinted)]


def read_text(file: FsPath, name: str) -> str:
    """The file's text, refusing what is too large or not UTF-8 before any parsing."""
    def refuse(line: int, message: str) -> InputError:
        return InputError([Problem(name, line, 1, (), message)])
    try:
        with file.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise refuse(1, f"cannot be read: {exc.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise refuse(1, f"is larger than {MAX_FILE_BYTES:,} bytes, the most an assessment may be; "
                        "nothing in it was read")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
        raise refuse(1, "contains zero bytes, so it is UTF-16 or binary, not UTF-8 text; save the file as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise refuse(line, f"is not UTF-8 text (byte {raw[exc.start]:#04x} on this line); save the file "
                           "as UTF-8") from None


def load_assessment(file: FsPath, catalogue: Catalogue, project_root: FsPath | None = None) -> Assessment:
    """Read, parse and validate one assessment; raise InputError listing every problem."""
    project_root = project_root or file.resolve().parent.parent
    name = shown_path(file, project_root)
    text = read_text(file, name)
    try:
        parsed = parse(text)
    except JSONSyntaxError as exc:
        raise InputError([Problem(name, exc.line, exc.column, exc.path, exc.message)]) from None
    if not isinstance(parsed.data, dict):
        raise InputError([Problem(name, 1, 1, (), f"found {_found(parsed.data)}; expected one JSON object "
                                                  "{...} holding the whole assessment")])
    schema = _schema_problems(parsed, name)
    cross = [Problem(name, *parsed.where(path), path, message)
             for path, message in catalogue_problems(parsed.data, catalogue, project_root)]
    slug = value_at(parsed.data, "customer", "slug")
    if isinstance(slug, str) and slug != file.stem and not any(p.path == ("customer", "slug") for p in schema):
        cross.append(Problem(name, *parsed.where(("customer", "slug")), ("customer", "slug"),
                             f"is '{slug}' but the file is named '{file.name}'; the slug must equal the "
                             "file's name without .json"))
    # a check against the catalogue explains an option id or instance type better than its pattern
    problems = [p for p in schema if p.path not in {c.path for c in cross}] + cross
    if problems:
        raise InputError(problems)
    return Assessment.model_validate(parsed.data)
