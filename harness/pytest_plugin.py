"""pytest plugin: collects ``*.scenario.yaml`` files as test items (see docs/pytest.md).

After Tavern's ``pytest_collect_file`` and pyfakefs's thin ``pytest_plugin.py``
(STYLE.md §12). Registered under ``pytest11`` as ``ccsim``.

A scenario file is collected when it is named on the command line, lies directly
in a folder named on the command line, lies under a folder of the ``ccsim_paths``
ini option, or belongs to the built-in catalogue and ``--ccsim-catalogue`` (or the
``ccsim_catalogue`` ini option) asks for it. Nothing else: the invalid files under
``tests/data`` stay out of the project's own run. The ini options, like
``testpaths``, add their folders only when no paths are given on the command line.

Heavy modules (the runner, the world) are imported only when a scenario file is
collected, so the plugin costs nothing in a run without scenarios.

Two fixtures for test code (docs/api.md): ``ccmail_site``, a fresh healthy site
per test on ``tmp_path`` (``harness.api.ccmail_site``, seed ``--ccsim-seed`` or
0), and ``ccmail_programs``, which puts EXPORT, IMPORT, ANALYZE, CHKSTAT and
RECLAIM executables first on ``PATH``, backed by that site's post office.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from harness.api import CcmailPrograms, CcmailSite
    from harness.model import Scenario

__all__ = ["ScenarioFile", "ScenarioItem", "ccmail_programs", "ccmail_site"]

SUFFIX = ".scenario.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ccsim", "ccmail-sim scenarios")
    group.addoption(
        "--ccsim-seed",
        type=int,
        default=None,
        metavar="N",
        help="seed for every scenario (default: each file's seed, else 0)",
    )
    group.addoption(
        "--ccsim-shard",
        default=None,
        metavar="K/N",
        help="run shard K of N of the scenarios (same split as ccsim run --shard)",
    )
    group.addoption(
        "--ccsim-catalogue",
        action="store_true",
        default=False,
        help="also collect the built-in scenario catalogue",
    )
    parser.addini(
        "ccsim_paths", "folders whose *.scenario.yaml files are collected", type="paths", default=[]
    )
    parser.addini(
        "ccsim_catalogue",
        "collect the built-in catalogue when no paths are given",
        type="bool",
        default=False,
    )


def _catalogue() -> Path:
    from harness.selection import builtin_dir

    return builtin_dir().resolve()


def _scenario_roots(config: pytest.Config) -> list[Path]:
    """Folders whose scenario files are collected recursively."""
    roots = [Path(p).resolve() for p in config.getini("ccsim_paths")]
    if config.getoption("ccsim_catalogue") or config.getini("ccsim_catalogue"):
        roots.append(_catalogue())
    return roots


def pytest_configure(config: pytest.Config) -> None:
    """Add the catalogue (flag: always) and the ini folders (only without paths) to collect."""
    extra: list[Path] = []
    if config.getoption("ccsim_catalogue"):
        extra.append(_catalogue())
    if config.args_source is not pytest.Config.ArgsSource.ARGS:
        extra += [Path(p) for p in config.getini("ccsim_paths")]
        if config.getini("ccsim_catalogue"):
            extra.append(_catalogue())
    for path in extra:
        if str(path) not in config.args:
            config.args.append(str(path))
    if config.getoption("ccsim_shard"):
        from harness.selection import SelectionError, parse_shard

        try:
            parse_shard(config.getoption("ccsim_shard"))
        except SelectionError as exc:
            raise pytest.UsageError(str(exc)) from None


def _wanted(file_path: Path, parent: pytest.Collector) -> bool:
    session = parent.session
    explicit = parent.config.args_source is pytest.Config.ArgsSource.ARGS
    if explicit and (session.isinitpath(file_path) or session.isinitpath(file_path.parent)):
        return True
    resolved = file_path.resolve()
    return any(resolved.is_relative_to(root) for root in _scenario_roots(parent.config))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    if file_path.name.endswith(SUFFIX) and _wanted(file_path, parent):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def _skipped_below(config: pytest.Config) -> list[tuple[str, int, str]]:
    """Each folder named on the command line with scenario files in its sub-folders
    (which pytest does not collect, and ``ccsim run DIR`` does): (folder, how many,
    the first such sub-folder)."""
    from harness.selection import expand_paths

    if config.args_source is not pytest.Config.ArgsSource.ARGS:
        return []
    found: list[tuple[str, int, str]] = []
    for arg in config.args:
        folder = Path(arg.split("::", 1)[0])
        if not folder.is_dir():
            continue
        below = [p for p in expand_paths([folder]) if p.parent != folder]
        if below:
            found.append((arg, len(below), str(below[0].parent)))
    return found


def pytest_terminal_summary(
    terminalreporter: Any,  # noqa: ANN401 - pytest's TerminalReporter
    exitstatus: int,
    config: pytest.Config,
) -> None:
    """ "No tests ran" for a folder whose scenario files are all in sub-folders: say why."""
    if exitstatus != pytest.ExitCode.NO_TESTS_COLLECTED:
        return
    for folder, count, first in _skipped_below(config):
        files = "file" if count == 1 else "files"
        terminalreporter.write_line(
            f"ccsim: {count} scenario {files} in sub-folders of {folder} not collected: pytest "
            "collects the *.scenario.yaml files directly in a folder it is given, while "
            f"`ccsim run {folder}` walks its sub-folders too. Name a sub-folder "
            f"(pytest {first}), or list {folder} under the ccsim_paths ini option, whose "
            "folders are collected with their sub-folders."
        )


def _shown(path: Path, config: pytest.Config) -> str:
    """The path relative to where pytest was started, if that names the same file."""
    try:
        relative = path.relative_to(config.invocation_params.dir)
    except ValueError:
        return str(path)
    return str(relative) if relative.resolve() == path.resolve() else str(path)


class ScenarioFile(pytest.File):
    """One ``*.scenario.yaml``; an invalid file is a collection error ``file:line:col: ...``."""

    def collect(self) -> Iterable[ScenarioItem]:
        from harness.errors import ScenarioError, ScenarioErrors
        from harness.loader import load_scenario

        try:
            scenario = load_scenario(_shown(self.path, self.config))
        except ScenarioErrors as exc:
            raise self.CollectError("\n".join(exc.lines())) from None
        except ScenarioError as exc:
            raise self.CollectError(str(exc)) from None
        yield ScenarioItem.from_parent(self, name=scenario.id, scenario=scenario)


class ScenarioItem(pytest.Item):
    """One scenario run: reproduce, diagnose, fix, verify (``harness.runner.run``)."""

    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:  # noqa: ANN401
        super().__init__(**kwargs)
        self.scenario = scenario
        self.extra_keyword_matches.update({scenario.cause, *scenario.tags, *scenario.articles})

    def runtest(self) -> None:
        from harness.errors import ScenarioFailed
        from harness.runner import run

        seed = self.config.getoption("ccsim_seed")
        result = run(
            self.scenario, file=_shown(self.path, self.config), seed=seed, source=self.path
        )
        if not result.passed:
            raise ScenarioFailed(result, result.failures[0] if result.failures else "failed")

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,  # noqa: ANN401 - pytest's TracebackStyle
    ) -> str:
        from harness.errors import ScenarioFailed
        from harness.report import render_transcript

        if not isinstance(excinfo.value, ScenarioFailed):
            return str(super().repr_failure(excinfo, style))
        result: Any = excinfo.value.result
        where = result.failures[0] if result.failures else f"{self.path}: {result.status.value}"
        return f"{render_transcript(result)}\nscenario failed at {where}"

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"scenario: {self.scenario.id}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--ccsim-shard K/N``: keep the scenarios of shard K (other tests are untouched)."""
    text = config.getoption("ccsim_shard")
    if not text:
        return
    from harness.costs import scenario_cost
    from harness.selection import parse_shard, shard

    k, n = parse_shard(text)
    scenarios = [i for i in items if isinstance(i, ScenarioItem)]
    costs = {i.scenario.id: scenario_cost(i.scenario) for i in scenarios}
    chosen = set(shard(sorted(costs.items()), k, n))
    dropped = [i for i in scenarios if i.scenario.id not in chosen]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        gone = {id(i) for i in dropped}
        items[:] = [i for i in items if id(i) not in gone]


@pytest.fixture
def ccmail_site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CcmailSite]:
    """A fresh healthy standard site on ``tmp_path``; the connector not yet started."""
    from harness.api import ccmail_site as build

    seed = request.config.getoption("ccsim_seed")
    with build(seed=seed if seed is not None else 0, root=tmp_path / "ccmail-world") as site:
        yield site


@pytest.fixture
def ccmail_programs(
    ccmail_site: CcmailSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> CcmailPrograms:
    """EXPORT, IMPORT, ANALYZE, CHKSTAT, RECLAIM first on ``PATH``, on ``ccmail_site``'s
    post office: code under test that shells out to them runs against the simulator."""
    from harness.api import install_programs

    programs = install_programs(ccmail_site, tmp_path / "ccmail-bin", root=tmp_path)
    monkeypatch.setenv("PATH", programs.path_with())
    return programs
