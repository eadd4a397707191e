"""Errors raised for misuse of the sim API.

A documented cc:Mail failure is never an exception: programs return result codes
and the connector writes events. These errors mean the caller used ``sim`` wrongly.
"""

__all__ = ["ClockError", "PathError", "PostofficeError", "SimError"]


class SimError(Exception):
    """Misuse of the sim API."""


class ClockError(SimError, ValueError):
    """The virtual clock was asked to go back in time or to wait a negative delay."""


class PathError(SimError, ValueError):
    """A Windows, UNC or host path that cannot be placed inside the world root."""


class PostofficeError(SimError, ValueError):
    """A post office operation that the API refuses (duplicate name, unknown entry...)."""
