"""The simulated world: a Lotus cc:Mail post office, its programs, the Exchange
Connector for Lotus cc:Mail and the Exchange server, on a virtual clock.

``sim`` knows nothing of scenarios, faults or diagnosis (see ``harness``).
Source of every fact: ``ccmail-reference.md`` (cited by section in each module).
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
