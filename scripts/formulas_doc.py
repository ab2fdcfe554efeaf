"""Writes the formulas' list into docs/model.md from reportgen/model/formulas.toml; `--check` only says whether it is stale.

    python3 scripts/formulas_doc.py          # rewrite the block between the formulas markers
    python3 scripts/formulas_doc.py --check  # exit 1 when the block differs from formulas.toml
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportgen.model.formulas import formula_sections, with_markdown

DOC = Path(__file__).resolve().parent.parent / "docs" / "model.md"


def main(argv: list[str]) -> int:
    current = DOC.read_text(encoding="utf-8")
    wanted = with_markdown(current, formula_sections())
    if wanted == current:
        return 0
    if "--check" in argv:
        print(f"{DOC}: the formulas' list is stale; run python3 scripts/formulas_doc.py", file=sys.stderr)
        return 1
    DOC.write_text(wanted, encoding="utf-8")
    print(f"{DOC}: formulas' list rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
