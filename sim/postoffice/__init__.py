"""The simulated cc:Mail post office: a directory of database files (reference §1)."""

from sim.postoffice.layout import DirectoryEntry, Location, PoIdentity, StoredMessage
from sim.postoffice.postoffice import Postoffice

__all__ = ["DirectoryEntry", "Location", "PoIdentity", "Postoffice", "StoredMessage"]
