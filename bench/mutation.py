"""Mutation score of the model and the simulation: which one-token changes do the fast tests catch?

Each mutant changes one thing in one module (`+` for `-`, `*` for `/`, `<` for `<=`, `min` for
`max`, a constant plus one, a term dropped, `and` for `or`, a sign dropped, a boolean flipped),
is written into a private copy of the working tree, and the fast tests run there, stopping at the
first failure. A mutant is killed when a test fails (or the run times out), survives when all pass.
Mutants listed in `bench/mutation_equivalent.toml` (by module, change, original line and the column
of the changed node in that line), with why they cannot change any result, are left out of the score.

    python3 bench/mutation.py                       every mutant of the default modules
    python3 bench/mutation.py --sample 147          147 mutants spread evenly over the list
    python3 bench/mutation.py --module reportgen/model/uncertainty.py --tests tests/test_uncertainty.py
    python3 bench/mutation.py --list                the mutants, without running anything
    python3 bench/mutation.py --match "in scaled:"  only the mutants whose listed line contains the text

A bench, not a CI step: the whole list takes many minutes on two cores.
"""

from __future__ import annotations

import argparse
import ast
import copy
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("reportgen/model/costs.py", "reportgen/model/uncertainty.py")
FAST_TESTS = ("tests/test_worked_cases.py", "tests/test_simulation_closed_form.py", "tests/test_calibration.py",
              "tests/test_identities.py", "tests/test_uncertainty.py", "tests/test_examples.py",
              "tests/test_simulation_chunks.py")
EQUIVALENT = Path(__file__).with_name("mutation_equivalent.toml")
TIMEOUT_SECONDS = 300

SWAPPED_OPERATORS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
                     ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv,
                     ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
                     ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In,
                     ast.And: ast.Or, ast.Or: ast.And}
SWAPPED_NAMES = {"min": "max", "max": "min", "minimum": "maximum", "maximum": "minimum", "any": "all", "all": "any",
                 "ceil": "floor", "floor": "ceil", "ceil_": "round"}
SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.FloorDiv: "//", ast.Mod: "%",
           ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is",
           ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in", ast.And: "and", ast.Or: "or",
           ast.BitAnd: "&", ast.BitOr: "|"}


@dataclass(frozen=True)
class Mutant:
    module: str
    index: int  # the position of this change among the module's changes, in a fixed walk order
    line: int
    column: int
    function: str
    change: str
    source: str  # the original line, stripped: with `change`, how equivalents are recognised

    def label(self) -> str:
        return f"{self.module}:{self.line}:{self.column} in {self.function}: {self.change}    | {self.source}"

    def key(self) -> tuple[str, str, str, int]:
        return self.module, self.change, self.source, self.column


def _skipped(node: ast.AST, parents: dict) -> bool:
    """Docstrings, messages and annotations: changing them cannot change a figure."""
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.JoinedStr) or (isinstance(parent, (ast.arg, ast.AnnAssign)) and node is getattr(parent, "annotation", None)):
            return True
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)) and node is parent.returns:
            return True
        if isinstance(parent, ast.Expr) and isinstance(node, ast.Constant) and isinstance(node.value, str):
            return True
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.func.attr == "append" \
                and isinstance(node, ast.Dict):
            return True  # a problem or warning record: its text and fields, not a figure
        node = parent
    return False


def _changes(node: ast.AST) -> list[tuple[str, callable]]:
    """The one-token changes of one node: (description, function that applies it to a copy of the node)."""
    found = []

    def set_attr(attr, value):
        def apply(n):
            setattr(n, attr, value)
            return n
        return apply

    if isinstance(node, (ast.BinOp, ast.BoolOp)) and type(node.op) in SWAPPED_OPERATORS:
        new = SWAPPED_OPERATORS[type(node.op)]
        found.append((f"{SYMBOLS[type(node.op)]} -> {SYMBOLS[new]}", set_attr("op", new())))
    if isinstance(node, ast.BinOp):
        found.append((f"drop the right term of {SYMBOLS.get(type(node.op), '?')}", lambda n: n.left))
        if isinstance(node.op, (ast.Add, ast.Mult)):
            found.append((f"drop the left term of {SYMBOLS[type(node.op)]}", lambda n: n.right))
    if isinstance(node, ast.AugAssign) and type(node.op) in SWAPPED_OPERATORS:
        new = SWAPPED_OPERATORS[type(node.op)]
        found.append((f"{SYMBOLS[type(node.op)]}= -> {SYMBOLS[new]}=", set_attr("op", new())))
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in SWAPPED_OPERATORS:
        new = SWAPPED_OPERATORS[type(node.ops[0])]
        found.append((f"{SYMBOLS[type(node.ops[0])]} -> {SYMBOLS[new]}", set_attr("ops", [new()])))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        found.append(("drop the " + ("minus sign" if isinstance(node.op, ast.USub) else "not"), lambda n: n.operand))
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        found.append((f"{node.value!r} -> {node.value + 1!r}", set_attr("value", node.value + 1)))
    if isinstance(node, ast.Constant) and type(node.value) is bool:
        found.append((f"{node.value} -> {not node.value}", set_attr("value", not node.value)))
    if isinstance(node, ast.Name) and node.id in SWAPPED_NAMES and isinstance(node.ctx, ast.Load):
        found.append((f"{node.id} -> {SWAPPED_NAMES[node.id]}", set_attr("id", SWAPPED_NAMES[node.id])))
    if isinstance(node, ast.Attribute) and node.attr in SWAPPED_NAMES:
        found.append((f".{node.attr} -> .{SWAPPED_NAMES[node.attr]}", set_attr("attr", SWAPPED_NAMES[node.attr])))
    return found


def _walk(tree: ast.Module):
    """Every (node, parent map, enclosing function) in a fixed order, so an index names the same change twice."""
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    for node in ast.walk(tree):
        if _skipped(node, parents):
            continue
        function, up = "<module>", node
        while up in parents:
            up = parents[up]
            if isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                function = up.name
                break
        yield node, function


@functools.cache
def original(module: str) -> str:
    """The module as it was when the bench started: later edits to the tree do not reach a running bench."""
    return (ROOT / module).read_text()


def mutants(module: str) -> list[Mutant]:
    text = original(module)
    lines = text.splitlines()
    found = []
    for node, function in _walk(ast.parse(text)):
        for change, _ in _changes(node):
            line = lines[node.lineno - 1]
            found.append(Mutant(module, len(found), node.lineno, node.col_offset - (len(line) - len(line.lstrip())),
                                 function, change, line.strip()))
    return found


def mutated_source(mutant: Mutant) -> str:
    tree = ast.parse(original(mutant.module))
    position = 0
    for node, _ in _walk(tree):
        changes = _changes(node)
        if position + len(changes) > mutant.index:
            _, apply = changes[mutant.index - position]
            replacement = apply(copy.copy(node))
            _replace(tree, node, replacement)
            return ast.unparse(ast.fix_missing_locations(tree))
        position += len(changes)
    raise IndexError(mutant)


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list) and any(item is old for item in value):
                value[[i for i, item in enumerate(value) if item is old][0]] = new
                return
    raise LookupError("node not found")


def equivalents() -> dict[tuple[str, str, str, int], str]:
    """(module, change, original line, column in the stripped line) -> why the change cannot alter a result."""
    if not EQUIVALENT.exists():
        return {}
    listed = tomllib.loads(EQUIVALENT.read_text()).get("mutant", [])
    return {(m["module"], m["change"], m["source"], m.get("column", -1)): m["why"] for m in listed}


def workspace(parent: Path, n: int) -> Path:
    """A private copy of the working tree (the tests as they are now), without compiled files."""
    folder = parent / f"copy{n}"
    shutil.copytree(ROOT, folder, ignore=shutil.ignore_patterns(".git", "output", "__pycache__", ".hypothesis",
                                                                 "*.egg-info", ".pytest_cache"))
    return folder


def run_tests(folder: Path, tests: list[str]) -> tuple[bool, float]:
    """True when every test passed; the run stops at the first failure."""
    env = {**os.environ, "PYTHONPATH": str(folder), "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                              cwd=folder, env=env, capture_output=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return False, time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stdout.decode()[-2000:])
    return done.returncode == 0, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", help=f"a module to mutate (default: {', '.join(MODULES)})")
    parser.add_argument("--tests", action="append", help=f"a test file to run (default: {', '.join(FAST_TESTS)})")
    parser.add_argument("--sample", type=int, help="run this many mutants, spread evenly over each module's list")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--match", action="append", help="only the mutants whose line (as --list shows it) contains this")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    args = parser.parse_args()
    modules, tests = args.module or list(MODULES), args.tests or list(FAST_TESTS)
    known = equivalents()
    by_module = {m: mutants(m) for m in modules}
    total = sum(len(v) for v in by_module.values())
    chosen: list[Mutant] = []
    for module, found in by_module.items():
        count = len(found) if not args.sample else max(1, round(args.sample * len(found) / total))
        chosen += [found[int(i * len(found) / count)] for i in range(min(count, len(found)))]
    if args.match:
        chosen = [m for m in chosen if any(text in m.label() for text in args.match)]
    if args.list:
        for m in chosen:
            print(m.label())
        return
    print(f"{len(chosen)} mutants of {total}; tests: {' '.join(tests)}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folders = [workspace(Path(tmp), n) for n in range(args.jobs)]
        passed, seconds = run_tests(folders[0], tests)
        if not passed:
            sys.exit("the tests fail without any mutant; fix them first")
        print(f"unmutated run: {seconds:.1f} s", flush=True)
        free = list(folders)
        outcomes: dict[Mutant, bool] = {}

        def trial(m: Mutant) -> None:
            folder = free.pop()
            try:
                target = folder / m.module
                target.write_text(mutated_source(m))
                survived, _ = run_tests(folder, tests)
                outcomes[m] = not survived
                target.write_text(original(m.module))
                print(f"[{len(outcomes)}/{len(chosen)}] {'killed  ' if not survived else 'SURVIVED'} {m.label()}",
                      flush=True)
            finally:
                free.append(folder)

        start = time.perf_counter()
        with ThreadPoolExecutor(args.jobs) as pool:
            list(pool.map(trial, chosen))
    print(f"\n{len(chosen)} mutants in {time.perf_counter() - start:.0f} s")
    for module in modules:
        mine = [m for m in chosen if m.module == module]
        equivalent = [m for m in mine if m.key() in known]
        counted = [m for m in mine if m not in equivalent]
        killed = sum(outcomes[m] for m in counted)
        score = 100 * killed / len(counted) if counted else 100.0
        print(f"{module}: {killed} of {len(counted)} killed ({score:.1f} %), {len(equivalent)} equivalent left out")
        for m in counted:
            if not outcomes[m]:
                print(f"  survivor: {m.label()}")
        for m in equivalent:
            print(f"  equivalent ({'killed' if outcomes[m] else 'survived'}): {m.label()}\n      why: "
                  f"{known[m.key()]}")


if __name__ == "__main__":
    main()
