"""The public Python API: a simulated cc:Mail site for test code, as moto's ``mock_aws``.

Everything a connector developer needs is importable from here and listed in
``__all__``; the rest of ``harness`` and ``sim`` is internal and may change.
docs/api.md has three worked tests.

::

    from harness.api import ccmail_site

    with ccmail_site(seed=0, root=tmp_path) as site:
        site.send("to-exchange", 3)
        site.run("10m")
        assert not site.events(event_id=70)
        site.apply_fault("wrong-po-password")
        site.run("5m")
        assert site.diagnose()[0].cause == "wrong-po-password"

``ccmail_site(seed, root, **world_fields)`` builds the standard site of the
scenario files (``world:`` in docs/scenarios.md: ``postoffice``, ``exchange``,
``connector``, ``traffic``) on real disk under ``root`` or, under pyfakefs, on
the fake one. The site is a thin typed wrapper over the harness's own pieces:
the faults, fixes, rules and the verification the scenario runner uses, so a
scenario file and a test in code see the same world.

Misuse (an unknown fault, a bad parameter, a world field that does not fit)
raises :class:`ApiError`, a ``ValueError`` whose message is one line.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from harness.api_programs import ADMIN_PROGRAMS, PROGRAMS, CcmailPrograms, install_programs
from harness.diagnosis import Finding
from sim.conservation import ConservationReport
from sim.eventlog import EventRecord, EventType
from sim.programs.runner import ProgramRun

if TYPE_CHECKING:
    from harness.build import Site
    from harness.model import Scenario
    from harness.runner import RunState
    from sim.connector.service import ConnectorService
    from sim.exchange import ExchangeServer
    from sim.world import World

__all__ = [
    "PROGRAMS",
    "ApiError",
    "CcmailPrograms",
    "CcmailSite",
    "ConservationReport",
    "Direction",
    "EventRecord",
    "EventType",
    "Finding",
    "ProgramRun",
    "Verification",
    "ccmail_site",
    "install_programs",
]

#: which way mail goes: written by cc:Mail users to Exchange, or the other way
Direction = Literal["to-exchange", "to-ccmail"]
#: who runs a program: the connector's service account on the Exchange server's
#: PATH (EXPORT, IMPORT), or the cc:Mail administrator at the post office console
#: (ANALYZE, CHKSTAT, RECLAIM)
Account = Literal["service", "admin"]
_SEED_LIMIT = 2**32


class ApiError(ValueError):
    """Misuse of the API: an unknown name, a bad parameter or world field (one line)."""


@dataclass(frozen=True, slots=True)
class Verification:
    """What :meth:`CcmailSite.verify` found, as the scenario runner's ``verify`` phase."""

    #: the error is gone, mail flows, dirsync completes, nothing was lost
    ok: bool
    #: every message delivered exactly once or still where it belongs
    conserved: bool
    #: the checks, one line each (``no Event 70 after the fix ok`` ...)
    lines: tuple[str, ...]
    #: the checks that failed
    failures: tuple[str, ...]

    def __bool__(self) -> bool:
        return self.ok


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _seconds(duration: float | str) -> float:
    """``90``, ``"15s"``, ``"10m"``, ``"2h"``, ``"1d"`` as seconds."""
    from harness.model_types import parse_duration

    if isinstance(duration, bool):
        raise ApiError(f"duration {duration!r}: give seconds or a text such as '10m'")
    if isinstance(duration, int | float):
        seconds = float(duration)
    else:
        try:
            seconds = float(parse_duration(duration))
        except ValueError as exc:
            raise ApiError(f"duration {duration!r}: {_one_line(str(exc))}") from None
    if seconds < 0:
        raise ApiError(f"duration {duration!r}: cannot run back in time")
    return seconds


def _scenario(world_fields: Mapping[str, Any]) -> Scenario:
    """The healthy scenario whose ``world:`` is ``world_fields``."""
    from pydantic import ValidationError

    from harness.model import Scenario

    data = {"id": "api-site", "title": "ccmail_site", "cause": "healthy", "world": world_fields}
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"][1:]) or "world"
        count = exc.error_count()
        more = f" (and {count - 1} more)" if count > 1 else ""
        raise ApiError(f"world field {where}: {_one_line(first['msg'])}{more}") from None


def _params(kind: str, spec_params: type[Any] | None, name: str, params: Mapping[str, Any]) -> Any:  # noqa: ANN401 - a registry's model
    from pydantic import ValidationError

    if spec_params is None:
        if params:
            raise ApiError(f"{kind} {name!r} takes no parameters")
        return None
    try:
        return spec_params.model_validate(dict(params))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "parameters"
        raise ApiError(f"{kind} {name!r}: {where}: {_one_line(first['msg'])}") from None


class CcmailSite:
    """A built site: a cc:Mail post office, an Exchange server and the connector between.

    Made by :func:`ccmail_site`; the connector service is started by the first
    :meth:`run`. Time is virtual: ``run("1h")`` takes milliseconds.
    """

    def __init__(self, site: Site, scenario: Scenario) -> None:
        self._site = site
        self._scenario = scenario
        self._traffic_started = False

    # -- what the people on site know -------------------------------------------------------

    @property
    def world(self) -> World:
        """The simulated world (internal API: for reading, not for stable use)."""
        return self._site.world

    @property
    def postoffice(self) -> Path:
        """The post office directory on disk (real or pyfakefs)."""
        return self._site.po_path

    @property
    def po_unc(self) -> str:
        """The post office as the Post Office tab names it, e.g. ``\\\\POSRV\\CCDATA``."""
        return self._site.po_unc

    @property
    def po_name(self) -> str:
        return self._site.po_name

    @property
    def po_password(self) -> str:
        return self._site.po_password

    @property
    def exchange_site(self) -> str:
        """The Exchange site: the name of its P entry in the cc:Mail directory."""
        return self._site.site

    @property
    def service(self) -> ConnectorService:
        """The connector service (MSExchangeCCMC)."""
        return self._site.service

    @property
    def exchange(self) -> ExchangeServer:
        return self._site.exchange

    @property
    def now(self) -> float:
        """Virtual seconds since the world was built."""
        return self._site.world.clock.now

    @property
    def admin_switches(self) -> str:
        """``/N<po> /P<password> /D<post office>`` as the cc:Mail administrator types them."""
        return f"/N{self.po_name} /P{self.po_password} /D{self.po_unc}"

    # -- doing things -----------------------------------------------------------------------

    def run(self, duration: float | str) -> list[EventRecord]:
        """Start the connector if it is not running and let ``duration`` pass.

        Returns the events logged meanwhile. The background mail of
        ``traffic=`` starts with the first call.
        """
        seconds = _seconds(duration)
        mark = len(self._site.world.eventlog)
        if not self._traffic_started:
            from harness import steps

            steps.start_traffic(self._state())
            self._traffic_started = True
        if not self.service.running:
            self.service.start()
        self._site.world.clock.advance(seconds)
        return list(self._site.world.eventlog.since(mark))

    def restart(self) -> None:
        """Restart the connector service: it reads its settings when it starts."""
        self.service.restart()

    def send(self, direction: Direction = "to-exchange", n: int = 1) -> list[str]:
        """``n`` messages written by users; returns their ids (for :meth:`conservation`)."""
        if direction not in ("to-exchange", "to-ccmail"):
            raise ApiError(f"direction {direction!r}: 'to-exchange' or 'to-ccmail'")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ApiError(f"n {n!r}: a whole number of messages, 0 or more")
        return self._site.send(direction, n)

    def exec(self, program: str, cmdline: str = "", *, as_: Account | None = None) -> ProgramRun:
        """Run a cc:Mail program with a DOS command line, e.g.
        ``exec("EXPORT", "/NPO1 /PSECRET /D\\\\POSRV\\CCDATA /DIRECTORY /@dir.txt")``.

        ``as_`` defaults to ``"service"`` for EXPORT and IMPORT (found on the
        Exchange server's PATH, run as the service account) and ``"admin"`` for
        ANALYZE, CHKSTAT and RECLAIM. The result has the program's ``code``
        (None when it could not start) and its console ``output``.
        """
        from harness.admin import run_as_admin, run_as_service

        name = program.upper().removesuffix(".EXE")
        account = as_ or ("admin" if name in ADMIN_PROGRAMS else "service")
        if account == "admin":
            if name not in ADMIN_PROGRAMS:
                raise ApiError(
                    f"{program!r} as admin: the console runs {', '.join(ADMIN_PROGRAMS)}"
                )
            return run_as_admin(self._site, name, cmdline)
        if account != "service":
            raise ApiError(f"as_={as_!r}: 'service' or 'admin'")
        if name in ADMIN_PROGRAMS:
            raise ApiError(f"{program!r} runs at the post office console: use as_='admin'")
        return run_as_service(self._site, f"{program.upper().removesuffix('.EXE')}.EXE", cmdline)

    def events(
        self,
        event_id: int | None = None,
        *,
        source: str | None = None,
        since: float | None = None,
    ) -> list[EventRecord]:
        """The Application log, oldest first: all, one event ID, one source, or from
        virtual second ``since`` on."""
        records = self._site.world.eventlog.events(event_id=event_id, source=source)
        if since is None:
            return records
        from sim.clock import DEFAULT_EPOCH

        return [r for r in records if (r.when - DEFAULT_EPOCH).total_seconds() >= since]

    def apply_fault(self, name: str, **params: Any) -> None:  # noqa: ANN401 - parameters by name
        """Break the world with a named fault (``ccsim list faults``)."""
        from harness.errors import NotRegisteredError
        from harness.loader import import_registries
        from harness.registry import FAULTS

        import_registries()
        try:
            spec = FAULTS.lookup(name)
        except NotRegisteredError as exc:
            raise ApiError(str(exc)) from None
        spec.function(self._site, _params("fault", spec.params, name, params))

    def apply_fix(self, name: str, **params: Any) -> None:  # noqa: ANN401 - parameters by name
        """Repair the world with a named fix (``ccsim list fixes``)."""
        from harness.errors import NotRegisteredError
        from harness.loader import import_registries
        from harness.registry import FIXES

        import_registries()
        try:
            spec = FIXES.lookup(name)
        except NotRegisteredError as exc:
            raise ApiError(str(exc)) from None
        spec.function(self._site, _params("fix", spec.params, name, params))

    # -- looking ----------------------------------------------------------------------------

    def diagnose(self) -> list[Finding]:
        """The catalogue's rules over what support can see now: findings, best first."""
        from harness.collect import collect
        from harness.diagnosis import diagnose
        from harness.loader import import_registries

        import_registries()
        return diagnose(collect(self._site))

    def verify(
        self,
        duration: float | str = "1h",
        *,
        mail: Literal["both-ways", "to-exchange", "to-ccmail", "none"] = "both-ways",
        no_events: Sequence[int] = (),
    ) -> Verification:
        """Run on for ``duration`` and check as a scenario's ``verify`` does: no Event 70
        (nor ``no_events``), test mail delivered ``mail``, dirsync completed, nothing lost."""
        from harness.model import Verify
        from harness.verify import verify

        spec = Verify.model_validate(
            {"for": f"{int(_seconds(duration))}s", "mail": mail, "no_events": list(no_events)}
        )
        state = self._state(self._scenario.model_copy(update={"verify": spec}))
        ok, conserved = verify(state)
        lines = tuple(line.render() for line in state.transcript)
        return Verification(ok, conserved, lines, tuple(state.failures))

    def conservation(self, *, elsewhere: Sequence[Path | str] = ()) -> ConservationReport:
        """Where every tracked message is now: each delivered exactly once or still
        waiting where it belongs (``report.ok``; ``report.places`` by message id).

        ``elsewhere``: folders outside the world whose files count as places too
        (where your code keeps the files EXPORT wrote), searched recursively.
        """
        from sim.conservation import check

        found = [Path(p) for p in elsewhere]
        return check(self._site.world, postoffice=self._site.po_path, elsewhere=found)

    def _state(self, scenario: Scenario | None = None) -> RunState:
        from harness.runner import RunState

        return RunState(scenario or self._scenario, "<api>", self._site, {})


@contextlib.contextmanager
def ccmail_site(
    seed: int = 0,
    root: Path | str | None = None,
    **world_fields: Any,  # noqa: ANN401 - YAML values
) -> Iterator[CcmailSite]:
    """A healthy standard site, built fresh; the connector is not started yet.

    ``root`` is where the world's disks live (a temporary folder, removed
    afterwards, by default); under pyfakefs it may be a fake path. ``world_fields``
    are the ``world:`` keys of a scenario file, as mappings:
    ``ccmail_site(postoffice={"db": 8}, connector={"logging": {"general": "maximum"}})``.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < _SEED_LIMIT:
        raise ApiError(f"seed {seed!r}: a whole number from 0 to {_SEED_LIMIT - 1}")
    from harness.build import build_site

    scenario = _scenario(world_fields)
    with contextlib.ExitStack() as stack:
        if root is None:
            root = stack.enter_context(tempfile.TemporaryDirectory(prefix="ccsim-"))
        base = Path(root)
        base.mkdir(parents=True, exist_ok=True)
        yield CcmailSite(build_site(scenario, seed=seed, root=base), scenario)
