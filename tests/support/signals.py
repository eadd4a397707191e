"""Signals for the child processes the interrupt tests start."""

from __future__ import annotations

import signal


def default_sigint() -> None:
    """In the child: SIGINT as a terminal gives it. A test run started in the background
    by a shell inherits SIGINT ignored, and Python then installs no KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
