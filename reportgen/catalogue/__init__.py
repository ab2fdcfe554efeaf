"""The catalogue: every default price, limit, benchmark and assumption, as data files with their sources.

The TOML files beside this one are the data; `loading.py` reads and checks them.
"""

from reportgen.catalogue.loading import (CATALOGUE_DIR, REFERENCE_OPTION, STATUSES, Catalogue, CatalogueError, Entry,
                                         Option, Values, load_catalogue)

__all__ = ["CATALOGUE_DIR", "REFERENCE_OPTION", "STATUSES", "Catalogue", "CatalogueError", "Entry", "Option", "Values",
           "load_catalogue"]
