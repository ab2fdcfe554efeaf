"""Where a project's inputs, templates and output live: a module light enough for every command to import first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reportgen.problems import ReportgenError

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NOT_CUSTOMERS = {"schema"}  # inputs/schema.json is the editors' schema, not an assessment


def is_customer_slug(slug: str) -> bool:
    """Whether `slug` can name a customer's file: no paths, no `..`, not a reserved name."""
    return bool(SLUG.fullmatch(slug or "")) and slug not in NOT_CUSTOMERS


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
            known = ", ".join(self.customers()) or "none"
            raise ReportgenError(f"no assessment inputs/{slug}.json; customers: {known}")
        return path

    def customers(self) -> list[str]:
        return sorted(p.stem for p in self.inputs.glob("*.json") if is_customer_slug(p.stem))

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def output_dir(self, slug: str) -> Path:
        return self.output / slug

    @property
    def cache(self) -> Path:
        """What runs keep to start faster: never an input to a report's content."""
        return self.output / ".cache"
