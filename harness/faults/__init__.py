"""Named faults; importing this package registers them (STYLE.md §8).

``q166045`` holds the five causes of KB Q166045; further modules hold the rest of
the catalogue. A fault changes world state only, through the sim API.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
