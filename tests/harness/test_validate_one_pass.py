"""``ccsim validate`` reports every error in one pass: fixing them surfaces no new one.

A scenario is written from lines, each of which has a good and a bad form. Each
bad form alone gives one error. Any mix of bad forms must give exactly the union
of their errors: no error hides another (a field error used to hide the checks
that span several parts, a YAML alias used to hide the whole schema), and no
error is reported twice. Then, with the CLI: fix the lines the first run names,
and the second run finds nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.errors import ScenarioError, ScenarioErrors
from harness.loader import load_text
from tests.support.cli import ccsim_exit

#: (good line, bad line, what the bad one breaks); one line each, so line numbers stay put
LINES: list[tuple[str, str, str]] = [
    ("id: wrong-pw", "id: Wrong_PW", "an id that is not kebab-case"),
    ("title: Wrong password", "title: !custom Wrong password", "a refused tag"),
    ("cause: po-settings-invalid", "cause: po-settings-invalid", "(kept: the phases need it)"),
    ("seed: 7", "seed: !!int seven", "a scalar its tag cannot read"),
    ("world:", "world:", ""),
    ("  postoffice: {password: SECRET}", "  postoffice: {pasword: SECRET}", "a misspelt key"),
    ("  connector: {counter: 4A01}", "  connector: {counter: 12345}", "five hex digits"),
    ("  exchange: {server: EX1}", "  exchange: {server: EX1, server: EX2}", "a duplicate key"),
    ("faults:", "faults:", ""),
    (
        "  - wrong-po-password: {password: WRONG}",
        "  - wrong-po-password: {password: WAYTOOLONGPASSWORD}",
        "a fault parameter over its length",
    ),
    ("steps:", "steps:", ""),
    ("  - start: connector", "  - start: conector", "a step value not among the choices"),
    ("  - advance: 10m", "  - advance: -5m", "a negative duration"),
    ("  - run: {program: EXPORT, args: /NX}", "  - run: {program: EXPOT, args: /NX}", "a program"),
    (
        "  - send: {direction: to-exchange, count: 10}",
        "  - send: {direction: to-exchange, count: 3001}",
        "the scenario's budget to Exchange (a cross-part check)",
    ),
    ("expect:", "expect:", ""),
    (
        "  events: [{id: 70, min: 1, max: 5}]",
        "  events: [{id: 70, min: 5, max: 2}]",
        "min above max",
    ),
    ("  files: [{path: 'C:\\EXCHSRVR'}]", "  files: [{path: '/etc/passwd'}]", "a host path"),
    (
        "  results: [{step: 3, code: 0}]",
        "  results: [{step: 2, code: 0}]",
        "a result expected of a step that is not a run (a cross-part check)",
    ),
    (
        "diagnose: [po-settings-invalid]",
        "diagnose: [po-settings-invalid, po-settings-invalid]",
        "a cause named twice (a cross-part check)",
    ),
    ("fix: [correct-po-settings]", "fix: [corect-po-settings]", "a misspelt fix"),
    ("verify: {for: 1h}", "verify: {for: 1h, mail: sideways}", "a choice"),
]
BAD = [i for i, (good, bad, _) in enumerate(LINES) if good != bad]


def text(broken: frozenset[int]) -> str:
    return "".join((LINES[i][1] if i in broken else LINES[i][0]) + "\n" for i in range(len(LINES)))


def errors(broken: frozenset[int]) -> set[str]:
    try:
        load_text(text(broken), name="f.scenario.yaml")
    except ScenarioErrors as exc:
        return {str(ScenarioError.__str__(e)) for e in exc.errors}
    except ScenarioError as exc:
        return {str(exc)}
    return set()


ALONE = {i: errors(frozenset({i})) for i in BAD}


def test_the_good_file_is_valid_and_each_bad_line_alone_gives_one_error_on_its_line() -> None:
    assert errors(frozenset()) == set()
    for i in BAD:
        (only,) = ALONE[i]  # exactly one error ...
        assert only.startswith(f"f.scenario.yaml:{i + 1}:"), (LINES[i][2], only)  # ... there


def test_every_bad_line_at_once_gives_every_error_once() -> None:
    everything = errors(frozenset(BAD))
    assert everything == set().union(*ALONE.values())
    with pytest.raises(ScenarioErrors) as exc:
        load_text(text(frozenset(BAD)), name="f.scenario.yaml")
    assert len(exc.value.errors) == len(BAD)  # none twice


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.frozensets(st.sampled_from(BAD)))
def test_any_mix_of_errors_is_the_union_of_each_alone(broken: frozenset[int]) -> None:
    assert errors(broken) == set().union(set(), *(ALONE[i] for i in broken))


def test_fixing_what_the_first_run_names_leaves_nothing_for_a_second_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.scenario.yaml"
    path.write_text(text(frozenset(BAD)), encoding="utf-8")
    code, out, err = ccsim_exit(capsys, "validate", str(path))
    assert (code, out) == (2, "")
    named = {int(line.split(":")[1]) for line in err.splitlines()}
    assert named == {i + 1 for i in BAD}
    lines = path.read_text(encoding="utf-8").splitlines()
    for number in named:  # the user fixes exactly the lines the first run named
        lines[number - 1] = LINES[number - 1][0]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ccsim_exit(capsys, "validate", str(path)) == (0, f"{path}: ok\n", "")


def test_an_alias_is_refused_once_and_the_rest_of_the_file_is_still_checked() -> None:
    source = "id: &i wrong-pw\ntitle: *i\ncause: healthy\nseed: -1\n"
    with pytest.raises(ScenarioErrors) as exc:
        load_text(source, name="f")
    assert [str(ScenarioError.__str__(e)) for e in exc.value.errors] == [
        "f:1:5: anchor &i is not allowed: anchors and aliases are refused",
        "f:2:8: alias *i is not allowed: write the value out",  # and no "title: not a string"
        "f:4:7: seed: Input should be greater than or equal to 0",
    ]


def test_a_billion_laughs_is_refused_in_linear_time() -> None:
    """Each alias is refused where it stands; the aliased tree is never walked again."""
    rows = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    source = "\n".join(rows) + "\n"
    with pytest.raises(ScenarioErrors) as exc:
        load_text(source, name="f")
    kinds = [e.message.split()[0] for e in exc.value.errors]
    assert kinds.count("alias") == 90
    assert kinds.count("anchor") == 10
