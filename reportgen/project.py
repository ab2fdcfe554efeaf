"""Where a project's inputs, templates and output live: a module light enough for every command to import first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reportgen.problems import ReportgenError, printable

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NOT_CUSTOMERS = {"schema"}  # inputs/schema.json is the editors' schema, not an assessment
TOOL_FILES = {"schema.json", "results.schema.json"}  # what `invoke schema` writes into inputs/


def is_customer_slug(slug: str) -> bool:
    """Whether `slug` can name a customer's file: no paths, no `..`, not a reserved name."""
    return bool(SLUG.fullmatch(slug or "")) and slug not in NOT_CUSTOMERS


def _slug_like(stem: str) -> str:
    """The slug a file name was probably meant to be: `Initech_Corp` -> `initech-corp`."""
    return "-".join(part for part in re.split(r"[^a-z0-9]+", stem.lower()) if part)


def why_skipped(name: str, taken: set[str]) -> str:
    """Why inputs/`name` is not read as an assessment, and the rename that would make it one."""
    stem, suffix = name.rsplit(".", 1)[0], name.rsplit(".", 1)[-1]
    slug = _slug_like(stem)
    if not slug or slug in NOT_CUSTOMERS:
        return "its name cannot be a customer slug (lowercase letters, digits and hyphens)"
    fix = f"; {slug}.json is there too: keep one of the two" if slug in taken else f"; rename it {slug}.json"
    if stem == slug:
        return f"the extension .{suffix} is not .json in lower case" + fix
    if stem.lower() == slug:
        return "capital letters: a customer's slug is lowercase" + fix
    return "a customer's slug is lowercase letters, digits and single hyphens" + fix

@dataclass(frozen=True)
class Project:
    """Where a project's inputs, templates and output live (the folder holding tasks.py)."""
    root: Path

    @property
    def inputs(self) -> Path:
        return self.root / "inputs"

    @property
    def output(self) -> Path:
        return self.root / "output"

    def input_file(self, slug: str) -> Path:
        if not is_customer_slug(slug):
            raise ReportgenError(f"'{slug}' is not a customer slug: use lowercase letters, digits and hyphens "
                                 "(the name of a file in inputs/ without .json), no paths")
        path = self.inputs / f"{slug}.json"
        if not path.is_file():
            customers, skipped = self.assessments()
            near = [f" (inputs/{printable(name)} is not read: {why})" for name, why in skipped
                    if _slug_like(name.rsplit(".", 1)[0]) == slug]
            raise ReportgenError(f"no assessment inputs/{slug}.json{''.join(near)}; customers: "
                                 f"{', '.join(customers) or 'none'}")
        return path

    def customers(self) -> list[str]:
        return self.assessments()[0]

    def assessments(self) -> tuple[list[str], list[tuple[str, str]]]:
        """The customers' slugs, and each other JSON file in inputs/ (any case of .json) with why it is skipped:
        `--all` names every file it does not read, so that none is left out without a word."""
        files = sorted(p.name for p in self.inputs.iterdir() if p.suffix.lower() == ".json"
                       and not p.name.startswith(".") and p.name not in TOOL_FILES) if self.inputs.is_dir() else []
        slugs = [name[:-5] for name in files if name.endswith(".json") and is_customer_slug(name[:-5])]
        return slugs, [(name, why_skipped(name, set(slugs))) for name in files
                       if not (name.endswith(".json") and is_customer_slug(name[:-5]))]

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def output_dir(self, slug: str) -> Path:
        return self.output / slug

    @property
    def cache(self) -> Path:
        """What runs keep to start faster: never an input to a report's content."""
        return self.output / ".cache"
