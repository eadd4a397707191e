"""KB Q186740: cc:Mail migration fails with event 1004; the article's workaround by hand.

The Migration Wizard resets the password of each mailbox it migrates and runs
``Export /P******** /BATCH /N"lastname, firstname" /D... /DATE/1 /FILES/MACBIN2
/ITEMSIZE /FOLDER /MSGS/ALL /@c:\\TEMP\\sd1.2`` with the new password. With the
post office's "Pre-expired passwords" option on, the reset password must be
changed at the next logon, so EXPORT refuses it. Workaround as written: disable
the option in the cc:Mail Administration program, then migrate (the Wizard resets
the password again).
"""

from __future__ import annotations

import io

from sim.connector.setup import PROGRAM_DIR, Site, standard_world
from sim.message import iter_messages
from sim.postoffice.layout import Location
from sim.programs import ccadmin
from sim.programs.cmdline import split_command_line
from sim.programs.runner import ProgramContext, run_program
from sim.world import World
from tests.kb.hand import host

SD_FILE = "C:\\TEMP\\sd1.2"


def admin(site: Site, action: str) -> int:
    """cc:Mail ADMIN at the post office server's console."""
    line = f"/NPO1 /PSECRET /D{site.po_unc} {action}"
    ctx = ProgramContext(site.world, None, "ADMIN", "8.0", io.StringIO())
    return int(ccadmin.main(split_command_line(line), ctx))


def migrate(site: Site, user: str, password: str) -> int | None:
    """What the Wizard does for one mailbox: reset its password, then Export it."""
    assert admin(site, f'PASSWORD "{user}" {password}') == 0
    line = (
        f'/P{password} /BATCH /N"{user}" /D{site.po_unc}\\ /DATE/1 /FILES/MACBIN2 /ITEMSIZE '
        f"/FOLDER /MSGS/ALL /@{SD_FILE}"
    )
    host(site.world, SD_FILE).parent.mkdir(parents=True, exist_ok=True)
    run = run_program(site.world, "EXPORT.EXE", line, account=None, search_path=[PROGRAM_DIR])
    return run.code


def test_disabling_pre_expired_passwords_lets_the_migration_export(real_world: World) -> None:
    site = standard_world(real_world, dirsync_done=True)
    po = site.postoffice
    user = next(
        e for e in po.entries() if e.location is Location.LOCAL and e.mailbox and po.mailbox(e)
    )
    held = [s.message for s in po.mailbox(user)]
    assert admin(site, "PREEXPIRED ON") == 0
    assert migrate(site, user.name, "MIG0001") == 3  # the Wizard's "Bad Parameters" (1004)
    assert not host(real_world, SD_FILE).exists()
    # the workaround: disable the option in the cc:Mail Administration program
    assert admin(site, "PREEXPIRED OFF") == 0
    assert migrate(site, user.name, "MIG0002") == 0
    with host(real_world, SD_FILE).open(encoding="cp850", newline="") as fh:
        exported = list(iter_messages(fh, itemsize=True))
    assert [m.ident for m in exported] == [m.ident for m in held]
    assert [s.message for s in po.mailbox(user)] == held  # a migration export removes nothing
