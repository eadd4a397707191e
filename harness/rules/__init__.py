"""Diagnosis rules, one per cause of reference §8; importing this package registers them.

``q166045`` holds the five causes of KB Q166045; further modules hold the rest of
the catalogue. Every rule reads only :class:`harness.evidence.Evidence`.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
