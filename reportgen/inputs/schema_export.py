"""The assessment's JSON schema for editors, with the catalogue's option and instance ids as enums."""

from __future__ import annotations

import json

from reportgen.catalogue import Catalogue
from reportgen.inputs.schema import Assessment


def _set_enum(schema: dict, definition: str, field: str, values: list[str]) -> None:
    properties = schema["$defs"][definition]["properties"]
    target = properties[field]
    if target.get("type") == "array":
        target["items"] = {"enum": values}
    else:
        target.update({"enum": values})
        target.pop("pattern", None)


def assessment_schema(catalogue: Catalogue) -> dict:
    schema = Assessment.model_json_schema(by_alias=True)
    schema["title"] = "reportgen assessment"
    options = list(catalogue.options)
    for field in ("current_option", "proposed_option", "options"):
        _set_enum(schema, "AssessmentInfo", field, options)
    for field in ("broker_instance", "controller_instance"):
        _set_enum(schema, "Baseline", field, list(catalogue.instances))
    schema["properties"]["overrides"]["propertyNames"] = {"enum": sorted(catalogue.entries)}
    return schema


def schema_json(catalogue: Catalogue) -> bytes:
    return (json.dumps(assessment_schema(catalogue), indent=2) + "\n").encode()
