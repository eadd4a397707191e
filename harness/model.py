"""The scenario file format as pydantic v2 models (documented in docs/scenarios.md).

Source: STYLE.md §10 (validate once, at load; ``extra="forbid"``, frozen; no raw
dicts past the loader); ccmail-reference.md §4.3 (PO name ≤256 and password ≤10
characters, Dirsync Schedule, Diagnostics Logging, Address Space), §4.5 (15 s
polling, 16/5 messages), §4.7 (Locale Date Format 0-3), §2.1 (program
versions), §6 (NetWare access), §8 (cause ids, ``harness.causes``). Value types,
steps, faults and fixes are in ``harness.model_types`` and re-exported here.

Modelled, not documented: every default of the world (names such as ``PO1``,
``POSRV``, ``EXSRV1``; 20 users; NT4 SP4), which only makes a working baseline.

Fault and fix parameters are checked against ``harness.registry`` by the loader,
which hands these models validated parameter objects (``FaultUse.params``).
``Scenario.model_validate`` refuses raw parameter dicts: load files with
``harness.loader``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from harness.causes import HEALTHY
from harness.model_types import (
    ARTICLE,
    AS_TEXT,
    STEP_KINDS,
    STEPS,
    AdvanceStep,
    CauseId,
    Count,
    DirsyncStep,
    Duration,
    EventId,
    FaultItem,
    FaultUse,
    FixItem,
    FixUse,
    HexCounter,
    KebabId,
    Level,
    Name,
    RestartStep,
    RunSpec,
    RunStep,
    ScenarioModel,
    SendSpec,
    SendStep,
    StartStep,
    Step,
    StopStep,
    Text,
    WinPath,
    field,
    format_duration,
    parse_duration,
    result_codes,
)

__all__ = [
    "MAX_STEPS",
    "MAX_TOTAL_COPIES",
    "MAX_TOTAL_MESSAGES",
    "MAX_TOTAL_SECONDS",
    "MAX_TO_EXCHANGE",
    "STEPS",
    "STEP_KINDS",
    "AdvanceStep",
    "Bound",
    "ConnectorSpec",
    "DirsyncStep",
    "EventExpect",
    "ExchangeSpec",
    "Expect",
    "FaultUse",
    "FileExpect",
    "FixUse",
    "Flow",
    "LoggingSpec",
    "NetwareHost",
    "NtHost",
    "PostofficeSpec",
    "ProgramsSpec",
    "Queues",
    "RestartStep",
    "ResultExpect",
    "RunSpec",
    "RunStep",
    "Scenario",
    "SendSpec",
    "SendStep",
    "StartStep",
    "Step",
    "StopStep",
    "Traffic",
    "Verify",
    "WorldSpec",
    "parse_duration",
    "result_codes",
]


# -- the world --------------------------------------------------------------------------------


class NtHost(ScenarioModel):
    """The post office on an NT file server share (``\\\\server\\share``, §4.3)."""

    kind: Literal["nt"] = field("An NT server share.", "nt")
    server: Name = field("NT server name.", "POSRV")
    share: Name = field("Share whose root is the post office directory (CCDATA).", "CCDATA")


class NetwareHost(ScenarioModel):
    """The post office on a NetWare volume, reached through GSNW (§6, KB Q164707)."""

    kind: Literal["netware"] = field("A NetWare server volume.")
    server: Name = field("NetWare server name.", "NW1")
    volume: Name = field("NetWare volume.", "SYS")
    directory: Name = field("Post office directory on the volume.", "CCDATA")
    access: Literal["gsnw-gateway", "netware-account"] = field(
        "GSNW gateway share, or a NetWare account matching the service account (§6).",
        "gsnw-gateway",
    )


#: a program version as ``program_version`` reads it: 5.14, 6.0, 8.50.00.14 (§2.1)
ProgramVersion = Annotated[Text, Field(pattern=r"^[0-9]{1,2}(\.[0-9]{1,2}){1,3}$")]


def _po_name(value: str) -> str:
    """A name the set-up can use: ASCII (KB Q197258: extended characters fail dirsync),
    no space or quote (the DOS ``/N`` switch splits at a space, KB Q164695)."""
    bad = next((ch for ch in value if not ("!" <= ch <= "~") or ch == '"'), None)
    if bad is not None:
        shown = "a space" if bad == " " else f"{bad!r}"
        raise ValueError(
            f"post office name {value!r} holds {shown}: the connector needs printable ASCII "
            "without spaces or quotes (KB Q197258, Q164695); a fault renames it on purpose"
        )
    return value


class PostofficeSpec(ScenarioModel):
    """The connected cc:Mail post office (§1, §4.3)."""

    name: Annotated[Text, AfterValidator(_po_name)] = field(
        "PO name (at most 256 printable ASCII characters, no space, §4.3).",
        "PO1",
        min_length=1,
        max_length=256,
    )
    password: Text = field(
        "PO password (at most 10 characters, §4.3).", "SECRET", min_length=1, max_length=10
    )
    db: Literal[6, 8] = field("Database version: 6 (cc:Mail R5) or 8 (R6-R8), §1.2.", 6)
    language: Text = field(
        "Post office language (§4.3).", "US English", min_length=1, max_length=64
    )
    users: Count = field("Local users created (Faker names 'Last, First').", 20)
    messages: Count = field("Messages in local mailboxes when the world is built.", 40)
    host: Annotated[NtHost | NetwareHost, Field(discriminator="kind")] = field(
        "Where the PO directory lives.", NtHost()
    )


class ProgramsSpec(ScenarioModel):
    """The cc:Mail Import/Export programs on the Exchange server (§2.1, §4.2)."""

    export_version: ProgramVersion | None = field(
        "EXPORT version; default matches the PO DB (5.14 / 6.0).", None
    )
    import_version: ProgramVersion | None = field(
        "IMPORT version; default matches the PO DB (5.15 / 6.0).", None
    )
    directory: WinPath = field(
        "Directory on the system PATH holding them (§4.2).", "C:\\WINNT\\SYSTEM32"
    )
    bits: Literal[16, 32] = field(
        "16: DOS EXPORT.EXE/IMPORT.EXE; 32: EXPORT32/IMPORT32 (§2.1).", 16
    )


class ExchangeSpec(ScenarioModel):
    """The Exchange server running the connector (§4.1, §4.2)."""

    server: Name = field("Exchange server name.", "EXSRV1")
    organization: Name = field("Exchange organization.", "ACME")
    site: Name = field("Exchange site.", "HQ")
    version: Annotated[Literal["5.0", "5.5"], AS_TEXT] = field("Exchange version.", "5.5")
    service_pack: int = field("Exchange service pack.", 2, ge=0, le=4)
    nt_service_pack: int = field("Windows NT 4.0 service pack (§8 cause 20).", 4, ge=0, le=6)
    install_path: WinPath = field(
        "Exchange install path (no spaces, 8.3 names: §4.2).", "C:\\EXCHSRVR"
    )
    service_account: Name = field("The Exchange service account (§6).", "svc-exchange")
    locale: Literal["US", "EU", "JP"] = field("NT locale date order: M/D/YY, D/M/YY, YY/M/D.", "US")
    programs: ProgramsSpec = field("The Import/Export programs.", ProgramsSpec())
    mailboxes: Count = field("Exchange mailboxes created.", 10)


class LoggingSpec(ScenarioModel):
    """Diagnostics Logging levels per category (§4.3); 'none' is the product default."""

    general: Level = field("General category.", "none")
    inbound: Level = field("Inbound (to Exchange).", "none")
    outbound: Level = field("Outbound (to cc:Mail).", "none")
    dir_synch: Level = field("Dir-Synch.", "none")


class ConnectorSpec(ScenarioModel):
    """The connector's property pages and registry values (§4.3, §4.5, §4.7)."""

    dirsync: Literal["never", "always", "selected"] = field(
        "Dirsync Schedule (always = 15 min).", "always"
    )
    first_dirsync: Literal["done", "pending"] = field(
        "Has the first dirsync completed (§4.6)?", "done"
    )
    logging: LoggingSpec = field("Diagnostics Logging levels.", LoggingSpec())
    address_space: list[Annotated[Text, Field(max_length=128)]] = field(
        "Address Space entries; the product default is empty (§4.3, KB Q186235).", ["CCMAIL *"]
    )
    export_containers: list[Name] = field("Export Containers (none by default, §4.3).", [])
    locale_date_format: int = field(
        "Locale Date Format: 0 auto, 1 US, 2 EU, 3 JP (§4.7).", 0, ge=0, le=3
    )
    export_every: Duration = field("Second to wait before EXPORT (§4.5).", "15s")
    import_every: Duration = field("Second to wait before IMPORT (§4.5).", "15s")
    max_export: int = field("Maximum number of messages to EXPORT (§4.5).", 16, ge=1, le=1000)
    max_import: int = field("Maximum number of messages to IMPORT (§4.5).", 5, ge=1, le=1000)
    save_copies: bool = field("Save copies into Export.bak / Import.bak (§4.4).", False)
    counter: HexCounter | None = field("First msgXXXX.ccm number, 1-4 hex digits (§4.4).", None)


class Flow(ScenarioModel):
    """Messages sent at a steady rate while the scenario runs."""

    count: Count = field("How many messages.")
    every: Duration = field("Interval between messages.", "1m")


class Traffic(ScenarioModel):
    """Background mail, each direction optional."""

    to_exchange: Flow | None = field("cc:Mail users writing to Exchange.", None)
    to_ccmail: Flow | None = field("Exchange users writing to cc:Mail.", None)


class WorldSpec(ScenarioModel):
    """Everything the world starts with; every part optional."""

    postoffice: PostofficeSpec = field("The connected post office.", PostofficeSpec())
    exchange: ExchangeSpec = field("The Exchange server.", ExchangeSpec())
    connector: ConnectorSpec = field("The connector's settings.", ConnectorSpec())
    traffic: Traffic = field("Background mail.", Traffic())


# -- expectations ------------------------------------------------------------------------------


class EventExpect(ScenarioModel):
    """How often an event must appear in the Application log (default: at least once)."""

    id: EventId = field("Event ID from the catalogue (§4.8).")
    min: Count | None = field("At least this many.", None)
    max: Count | None = field("At most this many (0: never).", None)

    @model_validator(mode="after")
    def _range(self) -> EventExpect:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is more than max {self.max}")
        return self


class ResultExpect(ScenarioModel):
    """The result code a ``run`` step must return (§2.5)."""

    step: int = field("The step's number in steps, counting from 1.", ge=1, le=10000)
    code: int = field("The program's documented result code.", ge=0, le=255)


class Bound(ScenarioModel):
    """How many messages a queue may hold at the end of the steps."""

    min: Count | None = field("At least this many.", None)
    max: Count | None = field("At most this many.", None)


class Queues(ScenarioModel):
    """Queue sizes after the steps (§4.4, §4.5); every queue optional."""

    to_exchange: Bound | None = field("Queued in the PO for the Exchange site's P entry.", None)
    mts_in: Bound | None = field("Exchange MTS-IN (§4.1).", None)
    mts_out: Bound | None = field("Exchange MTS-OUT (§4.1).", None)
    submit: Bound | None = field("Ccmcdata\\Submit (§4.4).", None)
    import_: Bound | None = field("Ccmcdata\\Import (§4.4).", None, alias="import")
    export: Bound | None = field("Ccmcdata\\Export (§4.4).", None)
    bad: Bound | None = field("Ccmcdata\\Bad (§4.4).", None)


class FileExpect(ScenarioModel):
    """A file that must (or must not) exist after the steps."""

    path: WinPath = field("Drive or UNC path, e.g. \\\\POSRV\\CCDATA\\CCPODOWN.")
    exists: bool = field("Must it exist?", True)


class Expect(ScenarioModel):
    """What support must be able to see once the steps have run (the fault's symptoms)."""

    events: list[EventExpect] = field("Event log expectations.", [])
    results: list[ResultExpect] = field("Result codes of run steps.", [])
    queues: Queues = field("Queue sizes.", Queues())
    files: list[FileExpect] = field("Files present or absent.", [])


class Verify(ScenarioModel):
    """After the fix: run this long and check that the error is gone and mail flows."""

    duration: Duration = field("How long to run after the fix.", "1h", alias="for")
    no_events: list[EventId] = field("Events that must not appear after the fix.", [])
    mail: Literal["both-ways", "to-exchange", "to-ccmail", "none"] = field(
        "Which directions must deliver every message.", "both-ways"
    )


# -- the scenario ------------------------------------------------------------------------------

#: the budget of one scenario, summed over its steps, the steps in its fix and
#: ``verify.for`` (each step alone is capped too: 30d, 10,000 messages). A virtual day
#: costs about 7 CPU seconds, so the time budget is at most a few CPU minutes.
MAX_TOTAL_SECONDS = 31 * 86400
MAX_TOTAL_MESSAGES = 10_000
#: of which to Exchange: EXPORT frees a record of MLANDATA for each message it takes, and
#: more than about 4,000 of them in a post office that holds little else pass the modelled
#: fragmentation limit (sim.postoffice.filecheck: over 1 MiB and 75% free), so that even a
#: healthy world's EXPORT refuses with 3 (Event 70) until RECLAIM runs; the nightly RECLAIM
#: real sites ran is not modelled
MAX_TO_EXCHANGE = 3_000
#: messages times their recipients: what the post office and the store hold
MAX_TOTAL_COPIES = 100_000
MAX_STEPS = 1000


def _over_exchange(count: int) -> str:
    return (
        f"{count} messages to Exchange so far: at most {MAX_TO_EXCHANGE} in all (more leave "
        "MLANDATA fragmented before any RECLAIM; see docs/scenarios.md)"
    )


def _over_time(seconds: int) -> str:
    return (
        f"{format_duration(seconds)} of virtual time so far: at most "
        f"{format_duration(MAX_TOTAL_SECONDS)} in all (steps, fix steps and verify.for)"
    )


class Scenario(ScenarioModel):
    """One scenario file: a world, the faults that break it, the diagnosis and the fix."""

    id: KebabId = field("Stable kebab-case id, e.g. wrong-po-password.")
    title: Text = field("One line for trainers.", min_length=1, max_length=200)
    articles: list[Annotated[str, Field(pattern=ARTICLE)]] = field("KB articles, e.g. Q166045.", [])
    cause: CauseId = field("The §8 cause id, or 'healthy' for the baseline.")
    tags: list[KebabId] = field("Free kebab-case tags for selecting scenarios.", [])
    seed: int | None = field(
        "Seed of the world (the CLI --seed overrides).", None, ge=0, le=2**32 - 1
    )
    summary: Text | None = field("Prose shown to trainers.", None, max_length=10000)
    world: WorldSpec = field("The world before any fault.", WorldSpec())
    faults: list[FaultItem] = field("Named faults (ccsim list faults), applied in order.", [])
    steps: list[Step] = field("What happens after the faults, in order.", [])
    expect: Expect = field("Symptoms that must be visible after the steps.", Expect())
    diagnose: list[CauseId] = field("Cause ids the diagnosis must name, best first.", [])
    fix: list[FixItem] = field("Named fixes (ccsim list fixes) or steps, in order.", [])
    verify: Verify = field("How the fix is verified.", Verify())

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        problems = self._phase_problems() + self._result_problems() + self._budget_problems()
        if problems:
            details = [
                InitErrorDetails(type=PydanticCustomError("scenario", msg), loc=loc, input=None)
                for loc, msg in problems
            ]
            raise ValidationError.from_exception_data("Scenario", details)
        return self

    def _phase_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """A fault scenario names faults, diagnosis and fix; the baseline names none."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        phases = {"faults": self.faults, "diagnose": self.diagnose, "fix": self.fix}
        for phase, items in phases.items():
            if self.cause == HEALTHY.id and items:
                problems.append(((phase,), f"a 'healthy' scenario has no {phase}: remove it"))
            elif self.cause != HEALTHY.id and not items:
                msg = f"missing {phase!r}: a scenario for cause {self.cause!r} needs {phase}"
                problems.append((("cause",), msg))
        if self.cause != HEALTHY.id and self.diagnose and self.cause not in self.diagnose:
            problems.append((("diagnose",), f"diagnose does not name the cause {self.cause!r}"))
        for i, cause in enumerate(self.diagnose):
            if cause in self.diagnose[:i]:
                problems.append((("diagnose", i), f"cause {cause!r} is named twice"))
        return problems

    def _budget_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """The scenario's total budget (``docs/scenarios.md``): each step is capped, and so
        is the sum over ``steps``, the steps in ``fix`` and ``verify.for``; the first
        place that passes a budget is named."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        seconds = messages = copies = to_exchange = 0
        over: set[str] = set()
        placed: list[tuple[tuple[str | int, ...], object]] = [
            *((("steps", i), step) for i, step in enumerate(self.steps)),
            *(
                (("fix", i), item)
                for i, item in enumerate(self.fix)
                if not isinstance(item, FixUse)
            ),
        ]
        if len(placed) > MAX_STEPS:
            loc = placed[MAX_STEPS][0]
            problems.append((loc, f"more than {MAX_STEPS} steps (steps and fix steps together)"))
        for loc, step in placed:
            if isinstance(step, AdvanceStep):
                seconds += step.advance
                if seconds > MAX_TOTAL_SECONDS and "time" not in over:
                    over.add("time")
                    problems.append(((*loc, "advance"), _over_time(seconds)))
            elif isinstance(step, SendStep):
                messages += step.send.count
                if step.send.direction == "to-exchange":
                    to_exchange += step.send.count
                    if to_exchange > MAX_TO_EXCHANGE and "to-exchange" not in over:
                        over.add("to-exchange")
                        problems.append(((*loc, "send", "count"), _over_exchange(to_exchange)))
                copies += step.send.count * step.send.recipients
                if messages > MAX_TOTAL_MESSAGES and "messages" not in over:
                    over.add("messages")
                    msg = f"{messages} messages sent so far: at most {MAX_TOTAL_MESSAGES} in all"
                    problems.append(((*loc, "send", "count"), msg))
                if copies > MAX_TOTAL_COPIES and "copies" not in over:
                    over.add("copies")
                    msg = (
                        f"{copies} recipients so far (count x recipients): at most "
                        f"{MAX_TOTAL_COPIES} in all"
                    )
                    problems.append(((*loc, "send", "recipients"), msg))
        seconds += self.verify.duration
        if seconds > MAX_TOTAL_SECONDS and "time" not in over:
            problems.append((("verify", "for"), _over_time(seconds)))
        return problems

    def _result_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Each expected result code belongs to a run step and is documented (§2.5)."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for i, result in enumerate(self.expect.results):
            loc: tuple[str | int, ...] = ("expect", "results", i, "step")
            if result.step > len(self.steps):
                problems.append(
                    (loc, f"step {result.step} does not exist ({len(self.steps)} steps)")
                )
                continue
            step = self.steps[result.step - 1]
            if not isinstance(step, RunStep):
                problems.append((loc, f"step {result.step} is not a 'run' step"))
                continue
            codes = result_codes(step.run.program)
            if result.code not in codes:
                known = ", ".join(map(str, codes))
                program = step.run.program
                msg = f"{program} has no documented result code {result.code} ({known}; §2.5)"
                problems.append((("expect", "results", i, "code"), msg))
        return problems
