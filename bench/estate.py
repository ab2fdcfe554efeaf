"""A large estate for the benches: acme's assessment with its clusters repeated up to `clusters`.

The copy is read through the real validation (from a temporary `acme.json`), so it is an
assessment a customer could hand in; 200 clusters is the most the schema allows. Import it once
the repository is on sys.path, as the benches do.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from reportgen.catalogue import Catalogue
from reportgen.inputs.loader import load_assessment
from reportgen.inputs.schema import Assessment

ROOT = Path(__file__).resolve().parent.parent
ACME = ROOT / "inputs" / "acme.json"


def estate_data(clusters: int) -> dict:
    """acme's assessment as JSON data, its clusters repeated in turn and numbered to keep names unique."""
    data = json.loads(ACME.read_text())
    pattern = data["clusters"]
    data["clusters"] = [{**pattern[i % len(pattern)], "name": f"{pattern[i % len(pattern)]['name']}-{i + 1:03d}"}
                        for i in range(clusters)]
    return data


def load_estate(clusters: int, catalogue: Catalogue) -> tuple[Assessment, bytes]:
    """The assessment of `estate_data(clusters)`, validated, and the bytes it was read from."""
    text = json.dumps(estate_data(clusters), indent=2).encode()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ACME.name
        path.write_bytes(text)
        return load_assessment(path, catalogue, Path(folder)), text
