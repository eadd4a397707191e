"""``ccsim validate`` on bad scenario files: exit 2, one clear first line, nothing written.

Each file in tests/data/bad_scenarios/ starts with ``# expect: LINE:COL: message``:
the exact first line (after ``path:``) that validating it must print.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import _build_app
from harness.yamlsafe import MAX_BYTES
from tests.harness.test_loader import registries  # noqa: F401 - fixture

BAD = Path(__file__).parent.parent / "data" / "bad_scenarios"
GOOD = Path(__file__).parent.parent / "data" / "good_scenarios"
BAD_FILES = sorted(BAD.glob("*.scenario.yaml"))


def expected_line(path: Path) -> str:
    """The ``# expect:`` comment of a bad file (its first line, UTF-8 in every file)."""
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    assert first.startswith("# expect: "), path
    return first.removeprefix("# expect: ")


def listing(root: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*"))


def validate(monkeypatch: pytest.MonkeyPatch, cwd: Path, *args: str) -> tuple[int, str, str]:
    """Run ``ccsim validate ARGS`` in-process with ``cwd`` as the working directory."""
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(_build_app(), ["validate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_there_are_at_least_forty_bad_files() -> None:
    assert len(BAD_FILES) >= 40
    assert len({expected_line(p) for p in BAD_FILES}) >= 40  # distinct messages


@pytest.mark.usefixtures("registries")
@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.name.removesuffix(".scenario.yaml"))
def test_bad_file_exits_2_with_its_message_and_writes_nothing(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, data_before = listing(tmp_path), listing(BAD)
    code, out, err = validate(monkeypatch, tmp_path, str(path))
    assert code == 2
    assert out == ""
    assert err.splitlines()[0] == f"{path}:{expected_line(path)}"
    assert all(line.startswith(f"{path}:") for line in err.splitlines())
    assert listing(tmp_path) == before
    assert listing(BAD) == data_before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "1:1: empty file: expected a scenario mapping (id, title, cause, ...)"),
        (
            b"#" * (MAX_BYTES + 1),
            f"1:1: file is {MAX_BYTES + 1} bytes; a scenario file may be at most {MAX_BYTES} bytes",
        ),
        (b"\xff\xfei\x00d\x00", "1:1: UTF-16 text (byte-order mark): save the file as UTF-8 text"),
    ],
    ids=["zero-bytes", "huge", "utf-16"],
)
def test_generated_bad_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, expected: str
) -> None:
    """Files not worth committing: an empty one, one over the size limit, UTF-16."""
    path = tmp_path / "gen.scenario.yaml"
    path.write_bytes(content)
    before = listing(tmp_path)
    code, out, err = validate(monkeypatch, tmp_path, "gen.scenario.yaml")
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"gen.scenario.yaml:{expected}"]
    assert listing(tmp_path) == before


@pytest.mark.usefixtures("registries")
def test_good_files_print_ok_and_one_bad_file_makes_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = sorted(GOOD.glob("*.scenario.yaml"))
    code, out, err = validate(monkeypatch, tmp_path, *map(str, good))
    assert code == 0
    assert out.splitlines() == [f"{p}: ok" for p in good]
    assert err == ""
    code, out, err = validate(monkeypatch, tmp_path, str(good[0]), str(BAD_FILES[0]))
    assert code == 2
    assert out.splitlines() == [f"{good[0]}: ok"]
    assert err.splitlines()[0].startswith(f"{BAD_FILES[0]}:")


@pytest.mark.usefixtures("registries")
def test_a_directory_stands_for_its_scenario_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = validate(monkeypatch, tmp_path, str(GOOD))
    assert code == 0
    assert out.splitlines() == [f"{p}: ok" for p in sorted(GOOD.glob("*.scenario.yaml"))]


def test_missing_file_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = validate(monkeypatch, tmp_path, "absent.scenario.yaml")
    assert code == 2
    assert err == "absent.scenario.yaml:1:1: no such file\n"


def test_validate_in_a_subprocess(tmp_path: Path) -> None:
    """The real command line: exit 2, the message on stderr, the working directory untouched."""
    path = BAD / "04-tab-indentation.scenario.yaml"
    before = listing(tmp_path)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "harness.cli", "validate", str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [f"{path}:{expected_line(path)}"]
    assert listing(tmp_path) == before


def test_schema_command_prints_sorted_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(_build_app(), ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert result.stdout == json.dumps(schema, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert schema["required"] == ["id", "title", "cause"]
    assert schema["additionalProperties"] is False
