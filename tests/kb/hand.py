"""What a support engineer has at hand: the site, its files, the service, the mail."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.connector.setup import SERVICE_ACCOUNT, Site
from sim.conservation import check
from sim.programs.runner import ProgramRun, run_program
from sim.world import World


def copy(world: World, source: str, target: str) -> None:
    """``copy SOURCE TARGET`` in a Windows command prompt (TARGET: a file name)."""
    dest = world.path(target)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(world.path(source).read_bytes())


def ids_since(world: World, mark: int) -> set[int]:
    return {r.event_id for r in world.eventlog.records[mark:]}


def mail_flows(
    site: Site, inbound: list[str], outbound: list[str], *, elsewhere: Sequence[Path] = ()
) -> None:
    """Every message sent has arrived, and nothing is lost or doubled (``elsewhere``:
    folders a support engineer moved files to, which count as places)."""
    in_exchange = {m.ident for b in site.exchange.mailboxes.values() for m in b.items}
    assert set(inbound) <= in_exchange
    po = site.postoffice
    in_ccmail = {s.message.ident for e in po.entries() if e.mailbox for s in po.mailbox(e)}
    assert set(outbound) <= in_ccmail
    report = check(site.world, elsewhere=elsewhere)
    assert report.ok, report.summary()


def host(world: World, windows: str) -> Path:
    return world.path(windows)


def prompt(site: Site, program: str, command_line: str) -> ProgramRun:
    """``PROGRAM command_line`` typed at a command prompt on the Exchange server, logged
    on as the service account (KB Q233164), programs found on the system PATH."""
    return run_program(
        site.world,
        program,
        command_line,
        account=SERVICE_ACCOUNT,
        search_path=site.exchange.system_path,
        cwd="C:\\",
    )


def delete(world: World, windows: str) -> None:
    """``del PATH``."""
    world.path(windows).unlink()


def move_store(old: Path, new: Path) -> None:
    """``move`` every file of the old ``Ccmcdata`` into the same folder of the new one
    (Setup may have made the new one already, with empty folders)."""
    for item in sorted(old.rglob("*")):
        if item.is_file():
            target = new / item.relative_to(old)
            target.parent.mkdir(parents=True, exist_ok=True)
            item.replace(target)


def restarted_25_times_then_85(site: Site) -> None:
    """Event 86 for dwCCExport up to 25, then one 85 and the service stopped (Q176375, Q294947)."""
    log = site.world.eventlog
    restarts = log.events(86)
    assert len(restarts) == 25
    assert "The thread function is dwCCExport" in restarts[0].description
    assert "started so far is 25" in restarts[-1].description
    assert len(log.events(85)) == 1
    assert not site.service.running
