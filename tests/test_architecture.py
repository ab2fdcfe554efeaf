"""The folder tree is the architecture: stages import downwards only, and no two modules import each other."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "reportgen"
# What each stage may import, besides the shared modules at the top (problems, project, forked).
MAY_IMPORT = {
    "catalogue": set(),
    "inputs": {"catalogue"},
    "model": {"inputs", "catalogue"},
    "report": {"model", "inputs", "catalogue"},
    "pdf": {"report", "model"},
    "workbook": {"model", "inputs", "catalogue", "report"},
    "slides": {"model", "report"},
    "build": {"catalogue", "inputs", "model", "report", "pdf", "workbook", "slides"},
    "imports": {"catalogue", "inputs", "model", "build"},
}
SHARED = {"problems", "project", "forked", "__init__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imported(path: Path) -> set[str]:
    """The reportgen modules a file imports, anywhere in it (a function's import counts too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in MODULES else node.module
                     for alias in node.names]
        else:
            names = []
        found |= {name for name in names if name in MODULES and name != "reportgen"}
    return found


GRAPH = {name: imported(path) for name, path in MODULES.items()}


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_no_relative_imports_hide_where_a_module_lives():
    relative = [name for name, path in MODULES.items()
                if any(isinstance(n, ast.ImportFrom) and n.level for n in ast.walk(ast.parse(path.read_text())))]
    assert relative == []


def test_stages_import_only_the_stages_below_them():
    upward = sorted(f"{module} imports {target}" for module, targets in GRAPH.items() for target in targets
                    if stage(target) not in SHARED and stage(target) != stage(module)
                    and stage(target) not in MAY_IMPORT.get(stage(module), set()))
    assert upward == []


def test_there_is_no_import_cycle():
    cycles = []

    def visit(module: str, trail: list[str]) -> None:
        for target in GRAPH[module]:
            if target in trail:
                cycles.append(" -> ".join(trail[trail.index(target):] + [target]))
            elif target not in done:
                visit(target, trail + [target])
        done.add(module)

    done: set[str] = set()
    for module in GRAPH:
        if module not in done:
            visit(module, [module])
    assert cycles == []


def test_the_layout_table_in_the_readme_names_every_stage():
    readme = (ROOT / "README.md").read_text()
    assert all(f"`reportgen/{name}/`" in readme for name in MAY_IMPORT)


def every_import(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it; `from a import b` counts as a and as a.b."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_weasyprint_and_its_workarounds_are_reached_only_through_the_pdf_stage():
    """reportgen/pdf/ is the one way to a PDF (render.render_pdf): only it imports WeasyPrint, pydyf or the workarounds."""
    confined = ("weasyprint", "pydyf", "reportgen.pdf.patches", "reportgen.pdf.workarounds")
    files = {**MODULES, "tasks": ROOT / "tasks.py"}
    outside = sorted(f"{name} imports {module}" for name, path in files.items() if stage(name) != "pdf"
                     for module in every_import(path) if any(module == c or module.startswith(c + ".") for c in confined))
    assert outside == []
