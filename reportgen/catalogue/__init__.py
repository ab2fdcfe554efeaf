"""The catalogue: every default price, limit, benchmark and assumption, as data files with their sources.

The TOML files beside this one are the data; `loading.py` reads and checks them.
"""

from reportgen.catalogue.loading import (CATALOGUE_DIR, MISSING, REFERENCE_OPTION, STATUSES, Catalogue, CatalogueError,
                                         Entry, Exchange, MissingPrice, Option, USD, Values, load_catalogue)

__all__ = ["CATALOGUE_DIR", "MISSING", "REFERENCE_OPTION", "STATUSES", "Catalogue", "CatalogueError", "Entry", "Exchange",
           "MissingPrice", "Option", "USD", "Values", "load_catalogue"]
