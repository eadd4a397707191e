"""Run ``ccsim`` in-process: its exit code, stdout and stderr."""

from __future__ import annotations

import pytest

from harness.cli import main


def ccsim_exit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``main(args)``, which always exits: (code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err
