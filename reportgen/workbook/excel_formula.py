"""Spreadsheet formulas that know their own value.

An expression is built once, from cells and numbers with Python operators and a few functions
(the ones Excel, LibreOffice and Google Sheets all evaluate alike). It renders as formula text
for the sheet it is written on and carries the value Python computes for it, so a workbook
cell gets its formula and the cached value of that very formula: the two cannot disagree.
A cell's address is looked up when the formula is rendered, so cells may be placed late.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from functools import cache

ATOM, POWER, PRODUCT, SUM, COMPARISON = 9, 7, 6, 5, 3
PRECEDENCE = {"^": POWER, "*": PRODUCT, "/": PRODUCT, "+": SUM, "-": SUM}
OPERATIONS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "^": operator.pow}
COMPARISONS = {">": lambda a, b: a > b, "<": lambda a, b: a < b, ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b,
               "=": lambda a, b: a == b}
NOISE = 1e-9  # docs/model.md section 1: every ceiling ignores floating-point noise of this relative size
ERROR = math.nan  # a value Excel would show as #DIV/0!


@cache
def column_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@cache
def sheet_prefix(sheet: str) -> str:
    return f"{sheet}!" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sheet) else "'" + sheet.replace("'", "''") + "'!"


class Expr:
    """A formula fragment: `text(sheet)` renders it, `value` is what it evaluates to."""
    value: object
    precedence = ATOM

    def text(self, sheet: str) -> str:
        raise NotImplementedError

    def _operand(self, sheet: str, minimum: int) -> str:
        text = self.text(sheet)
        return f"({text})" if self.precedence < minimum else text

    def __add__(self, other): return Binary("+", self, other)
    def __radd__(self, other): return Binary("+", other, self)
    def __sub__(self, other): return Binary("-", self, other)
    def __rsub__(self, other): return Binary("-", other, self)
    def __mul__(self, other): return Binary("*", self, other)
    def __rmul__(self, other): return Binary("*", other, self)
    def __truediv__(self, other): return Binary("/", self, other)
    def __rtruediv__(self, other): return Binary("/", other, self)
    def __pow__(self, other): return Binary("^", self, other)
    def __neg__(self): return Negative(self)


def wrap(x) -> Expr:
    return x if isinstance(x, Expr) else Number(x)


@dataclass(eq=False)
class Number(Expr):
    value: float

    def text(self, sheet: str) -> str:
        if isinstance(self.value, bool):
            return "TRUE" if self.value else "FALSE"
        if isinstance(self.value, str):
            return '"' + self.value.replace('"', '""') + '"'
        return repr(self.value).upper().replace("E-0", "E-")

    @property
    def precedence(self):
        return SUM if isinstance(self.value, (int, float)) and not isinstance(self.value, bool) and self.value < 0 else ATOM


class Binary(Expr):
    def __init__(self, op: str, left, right):
        self.op, self.left, self.right = op, wrap(left), wrap(right)
        self.precedence = PRECEDENCE[op]
        a, b = self.left.value, self.right.value
        if op == "/":
            self.value = ERROR if b == 0 else a / b
        else:
            self.value = OPERATIONS[op](a, b)

    def text(self, sheet: str) -> str:
        return (self.left._operand(sheet, self.precedence) + self.op
                + self.right._operand(sheet, self.precedence + 1))


class Negative(Expr):
    precedence = SUM

    def __init__(self, operand):
        self.operand = wrap(operand)
        self.value = -self.operand.value

    def text(self, sheet: str) -> str:
        return "-" + self.operand._operand(sheet, ATOM)


class Compare(Expr):
    precedence = COMPARISON

    def __init__(self, op: str, left, right):
        self.op, self.left, self.right = op, wrap(left), wrap(right)
        self.value = COMPARISONS[op](self.left.value, self.right.value)

    def text(self, sheet: str) -> str:
        return self.left._operand(sheet, SUM) + self.op + self.right._operand(sheet, SUM)


class Call(Expr):
    def __init__(self, name: str, args: list, value):
        self.name, self.args, self.value = name, [wrap(a) for a in args], value

    def text(self, sheet: str) -> str:
        return f"{self.name}({','.join(a.text(sheet) for a in self.args)})"


class Cell(Expr):
    """A cell of the workbook; its sheet and position may be set after formulas refer to it."""

    def __init__(self, value, sheet: str | None = None, row: int | None = None, col: int | None = None):
        self.value, self.sheet, self.row, self.col = value, sheet, row, col

    def place(self, sheet: str, row: int, col: int) -> "Cell":
        self.sheet, self.row, self.col = sheet, row, col
        return self

    def address(self, absolute: bool = False) -> str:
        dollar = "$" if absolute else ""
        return f"{dollar}{column_letter(self.col)}{dollar}{self.row + 1}"

    def text(self, sheet: str) -> str:
        return ("" if sheet == self.sheet else sheet_prefix(self.sheet)) + self.address()


class Span(Expr):
    """A rectangle of cells, first to last, for SUM, MIN, MAX and NPV."""

    def __init__(self, cells: list[Cell]):
        self.cells = cells
        self.value = [c.value for c in cells]

    def text(self, sheet: str) -> str:
        first, last = self.cells[0], self.cells[-1]
        rows, cols = last.row - first.row + 1, last.col - first.col + 1
        if rows * cols != len(self.cells) or min(rows, cols) != 1 or len({c.sheet for c in self.cells}) != 1:
            raise ValueError(f"cells from {first.address()} to {last.address()} are not one row or column")
        return first.text(sheet) + ":" + last.address()

    def numbers(self) -> list[float]:
        return [v for v in self.value if _is_number(v)]


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numbers(args) -> list[float]:
    """The numbers SUM, MIN and MAX see: references skip text, as in every spreadsheet."""
    found = []
    for a in args:
        if isinstance(a, Span):
            found += a.numbers()
        elif not isinstance(a, Cell) or _is_number(a.value):
            found.append(wrap(a).value)
    return found


def SUM_(*args) -> Expr:
    return Call("SUM", list(args), math.fsum(_numbers(args)))


def MAX_(*args) -> Expr:
    return Call("MAX", list(args), max(_numbers(args)))


def MIN_(*args) -> Expr:
    numbers = _numbers(args)
    return Call("MIN", list(args), min(numbers) if numbers else 0)


def IF_(condition: Expr, then, otherwise) -> Expr:
    then, otherwise = wrap(then), wrap(otherwise)
    return Call("IF", [condition, then, otherwise], then.value if condition.value else otherwise.value)


def AND_(*conditions) -> Expr:
    return Call("AND", list(conditions), all(wrap(c).value for c in conditions))


def OR_(*conditions) -> Expr:
    return Call("OR", list(conditions), any(wrap(c).value for c in conditions))


def NOT_(condition) -> Expr:
    return Call("NOT", [condition], not wrap(condition).value)


def ABS_(x) -> Expr:
    return Call("ABS", [x], abs(wrap(x).value))


def NPV_(rate, values: Span) -> Expr:
    r = wrap(rate).value
    return Call("NPV", [rate, values], sum(v / (1 + r) ** (i + 1) for i, v in enumerate(values.numbers())))


def ceiling(x) -> Expr:
    """ceil(x - 1e-9 |x|) for x >= 0 (docs/model.md section 1); ROUNDUP rounds away from zero, so x must not be negative."""
    shifted = wrap(x) * (Number(1) - NOISE)
    return Call("ROUNDUP", [shifted, 0], float(math.ceil(shifted.value)))


def gt(a, b) -> Expr: return Compare(">", a, b)
def ge(a, b) -> Expr: return Compare(">=", a, b)
def lt(a, b) -> Expr: return Compare("<", a, b)
def le(a, b) -> Expr: return Compare("<=", a, b)
def eq(a, b) -> Expr: return Compare("=", a, b)
