"""The base of every fault's and fix's parameter model.

The registry requires ``extra="forbid"`` (a misspelt parameter in a scenario
file is an error, not silently ignored); frozen like every scenario model.
"""

from pydantic import BaseModel, ConfigDict

__all__ = ["Params"]


class Params(BaseModel):
    """Parameters of a fault or fix: unknown keys refused, instances immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)
