"""Sheets as grids of entries (labels, given values, formulas) before they are written to a file.

The model's formulas are laid out on grids first and written in one pass at the end, so a
formula may refer to a cell whose position is only fixed later (an assumption row).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.workbook.excel_formula import Cell, Expr

DASH = "–"


@dataclass
class Entry:
    cell: Cell
    style: str
    formula: Expr | None = None  # None: a label or a given value (cell.value)


@dataclass
class Grid:
    """One sheet: entries by position, plus where its headers are (frozen and repeated when printed)."""
    name: str
    entries: list[Entry] = field(default_factory=list)
    freeze: tuple[int, int] = (0, 0)
    header_rows: tuple[int, int] | None = None

    def label(self, row: int, col: int, text: str, style: str = "text") -> Cell:
        """Text, written as text whatever it starts with (customer names may start with '=')."""
        cell = Cell(text).place(self.name, row, col)
        self.entries.append(Entry(cell, style))
        return cell

    def given(self, row: int, col: int, value, style: str) -> Cell:
        """A number or flag typed in by someone (an input or an assumption), never computed."""
        cell = Cell(value).place(self.name, row, col)
        self.entries.append(Entry(cell, style))
        return cell

    def put(self, row: int, col: int, formula: Expr, style: str) -> Cell:
        cell = Cell(formula.value).place(self.name, row, col)
        self.entries.append(Entry(cell, style, formula))
        return cell

    def place(self, cell: Cell, row: int, col: int, style: str) -> Cell:
        """Put a cell created earlier (an assumption referred to before its row was known)."""
        self.entries.append(Entry(cell.place(self.name, row, col), style))
        return cell

    def labels(self, row: int, col: int, texts, style: str = "header") -> None:
        for offset, text in enumerate(texts):
            self.label(row, col + offset, text, style)
