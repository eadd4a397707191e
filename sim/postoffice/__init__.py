"""The simulated cc:Mail post office: a directory of database files (reference §1)."""

from sim.postoffice.postoffice import (
    DirectoryEntry,
    Location,
    PoIdentity,
    Postoffice,
    StoredMessage,
)

__all__ = ["DirectoryEntry", "Location", "PoIdentity", "Postoffice", "StoredMessage"]
