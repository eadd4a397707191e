"""``ccsim`` misuse: exit 2 with one line naming the problem, never a traceback."""

from __future__ import annotations

import pytest

from tests.support.cli import ccsim_exit

_main = ccsim_exit


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("run", "--bogus"),
            "ccsim: No such option: --bogus (Possible options: --verbose) (see 'ccsim run --help')",
        ),
        (("frobnicate",), "ccsim: No such command 'frobnicate'. (see 'ccsim --help')"),
        (("validate",), "ccsim: Missing argument 'files'. (see 'ccsim validate --help')"),
        (("run", "--seed", "x"), "ccsim: Invalid value for '--seed':"),
    ],
)
def test_misuse_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = _main(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.splitlines()[0].startswith(message)
    assert len(err.splitlines()) == 1


def test_version_and_no_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(capsys, "--version")[:2] == (0, "ccsim 0.1.0\n")
    code, out, _ = _main(capsys)
    assert code == 2
    assert "Usage: ccsim" in out


def test_a_command_exit_code_passes_through(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(capsys, "list", "causes")
    assert code == 0
    assert "po-settings-invalid" in out
