"""§8 row 17, export-container-deleted: Deleted container in Export Containers.

Source: ccmail-reference.md §8 row 17 and Q212773. This module is the cause's one home:
its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses it from
evidence only, and its fix.
"""

from __future__ import annotations

import dataclasses

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.params import Params
from harness.registry import fault, fix, rule

__all__ = ["CAUSE"]

CAUSE = Cause(
    17,
    "export-container-deleted",
    title="Deleted container in Export Containers",
    articles=("Q212773",),
    symptoms='14015 "…ds_name_error, error 4693728"',
    confirm="Check Export Containers list",
    fix="Remove the stale container",
    verify="Dirsync completes",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


class ContainerParams(Params):
    container: str = Field("Sales", min_length=1, max_length=64, description="The container.")


@fault(
    "stale-export-container",
    summary="a container listed on Export Containers was deleted from the Exchange directory",
    article="Q212773",
    params=ContainerParams,
)
def stale_export_container(site: Site, params: ContainerParams | None) -> None:
    name = (params or ContainerParams()).container
    if any(b.container.casefold() == name.casefold() for b in site.exchange.mailboxes.values()):
        raise ValueError(f"container {name!r} still holds mailboxes")
    site.exchange.containers.discard(name)
    settings = site.service.settings
    listed = settings.export_containers.containers
    if name not in listed:
        containers = dataclasses.replace(settings.export_containers, containers=(*listed, name))
        site.service.configure(dataclasses.replace(settings, export_containers=containers))


# -- diagnosis: from evidence only -----------------------------------------------------------------


@rule("export-container-deleted", article="Q212773", explains=14015)
def container_deleted(ev: Evidence) -> Finding | None:
    """14015 "ds_name_error, error 4693728"; an Export Container that no longer exists."""
    fix = "remove-stale-container"
    failed = ev.ccmc(14015)
    if ev.settings is not None and ev.exchange is not None:
        existing = {c.casefold() for c in ev.exchange.existing_containers}
        stale = [c for c in ev.settings.export_containers if c.casefold() not in existing]
        if not stale:
            return None
        said = [*quotes(failed), f"Export Containers lists {', '.join(stale)}: no such container"]
        score = 0.95 if failed else 0.9
        return finding("export-container-deleted", score, said, confirmed=True, fix=fix)
    if failed:
        return finding("export-container-deleted", 0.7, quotes(failed), confirmed=False, fix=fix)
    return None


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "remove-stale-container",
    cures="export-container-deleted",
    summary="remove the deleted container from the Export Containers tab; restart",
    article="Q212773",
)
def remove_stale_container(site: Site, params: None) -> None:
    settings = site.service.settings
    existing = {c.casefold() for c in site.exchange.containers}
    kept = tuple(c for c in settings.export_containers.containers if c.casefold() in existing)
    containers = dataclasses.replace(settings.export_containers, containers=kept)
    site.service.configure(dataclasses.replace(settings, export_containers=containers))
    site.service.restart()
