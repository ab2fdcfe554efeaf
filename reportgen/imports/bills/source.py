"""Opening a cost export with DuckDB: CSV (plain, gzip or zstd), Parquet or JSON, told apart by content.

DuckDB streams the file, so a year of a large company's export (gigabytes) is read in bounded memory;
its errors for a cut-off or malformed file become a plain-English UnreadableFile naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from reportgen.imports.refusals import UnreadableFile

MEMORY_LIMIT = "400MB"  # DuckDB spills to disk past this; the import's target is 500 MB in all
_MAGIC = {b"\x1f\x8b": "gzip", b"\x28\xb5\x2f\xfd": "zstd"}


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that keeps to the memory budget and the machine's cores."""
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")  # its bar would be printed into the command's output
    return con


def literal(text: str) -> str:
    """`text` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Source:
    path: Path
    shown: str  # the file as the user named it
    kind: str  # csv, parquet or json
    compression: str = "none"
    opening: bytes = b""  # the first character that is not white space: [ or { for JSON

    @classmethod
    def open(cls, path: Path, shown: str) -> Source:
        try:
            with path.open("rb") as stream:
                head = stream.read(4)
                stream.seek(0)
                first = stream.read(4096).lstrip()[:1]
        except FileNotFoundError:
            raise UnreadableFile(f"{shown}: no such file; give the path of an exported bill") from None
        except OSError as exc:
            raise UnreadableFile(f"{shown}: cannot be read ({exc.strerror})") from None
        if not head:
            raise UnreadableFile(f"{shown}: the file is empty; export the bill again")
        if head == b"PAR1":
            return cls(path, shown, "parquet")
        compression = next((name for magic, name in _MAGIC.items() if head.startswith(magic)), "none")
        if compression == "none" and first in (b"{", b"["):
            return cls(path, shown, "json", opening=first)
        return cls(path, shown, "csv", compression)

    def table(self) -> str:
        """The SQL table function that reads the file."""
        if self.kind == "parquet":
            return f"read_parquet({literal(str(self.path))})"
        return (f"read_csv({literal(str(self.path))}, header = true, all_varchar = true, "
                f"compression = {literal(self.compression)})")

    def columns(self, con: duckdb.DuckDBPyConnection) -> dict[str, str]:
        """Column names and their DuckDB types."""
        rows = run(con, self, f"DESCRIBE SELECT * FROM {self.table()}")
        return {name: kind for name, kind, *_ in rows}


def run(con: duckdb.DuckDBPyConnection, source: Source, sql: str, parameters: list | None = None) -> list[tuple]:
    """Run a query over `source`; a cut-off or malformed file is said in words, with the file's name."""
    try:
        return con.execute(sql, parameters or []).fetchall()
    except duckdb.IOException as exc:
        raise UnreadableFile(f"{source.shown}: {_cut_off(str(exc), source)}") from None
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        raise UnreadableFile(f"{source.shown}: {_cut_off(str(exc), source)}") from None


def _cut_off(message: str, source: Source) -> str:
    first = message.splitlines()[0] if message else "cannot be read"
    lowered = message.lower()
    if "gzip" in lowered or "zstd" in lowered:
        return (f"the {source.compression} stream ends early or is damaged ({first}); the file looks truncated: "
                "download or export it again")
    if "magic bytes" in lowered or "parquet" in lowered:
        return (f"this is not a whole Parquet file ({first}); it looks truncated: download or export it again")
    if "csv" in lowered or "line" in lowered:
        return (f"the CSV cannot be read ({first}); a row may be cut off (a truncated file) or the file is not "
                "a CSV export: export it again")
    return f"cannot be read ({first}); export it again"
