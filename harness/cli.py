"""The ``ccsim`` command line.

Exit codes (after pytest's ``ExitCode``): 0 success, 1 a scenario failed,
2 usage error or invalid input file, 3 internal error. The cc:Mail program
commands (``ccsim export`` ...) exit with the program's own result code.
An internal error prints one line and a hint; ``--debug`` (anywhere on the
command line) shows its traceback instead. Ctrl-C exits 130 and SIGTERM 143
(128 + the signal, as a shell reports them); both unwind, so temp folders are
removed on the way out.
"""

from __future__ import annotations

import importlib
import signal
import sys
import threading
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

__all__ = ["ExitCode", "app", "main"]


class ExitCode(IntEnum):
    OK = 0  #: every selected scenario passed / the command did its job
    SCENARIO_FAILED = 1  #: wrong diagnosis, error not cleared, or mail lost
    USAGE = 2  #: bad arguments, or unreadable/invalid input file
    INTERNAL = 3  #: a bug in ccsim
    INTERRUPTED = 130  #: Ctrl-C (SIGINT)
    TERMINATED = 143  #: SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so ``finally`` blocks (temp folder removal) run."""


_signals: list[int] = []


def _on_sigterm(signum: int, frame: object) -> None:
    _signals.append(signum)
    raise Terminated()


def _build_app() -> typer.Typer:
    import typer

    from harness.commands import COMMAND_MODULES

    application = typer.Typer(
        name="ccsim",
        help="Simulated Lotus cc:Mail post office and Exchange Connector for Lotus cc:Mail.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @application.callback(invoke_without_command=True)
    def _root(
        version: bool = typer.Option(False, "--version", help="Print the version and exit."),
    ) -> None:
        if version:
            _print_version()
            raise typer.Exit(0)

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(application)
    return application


def _print_version() -> None:
    from sim import __version__

    print(f"ccsim {__version__}")


def app() -> None:
    """Run the typer application (for ``python -m harness.cli``)."""
    _build_app()(prog_name="ccsim")


def _usage_line(exc: Exception) -> str | None:
    """A click/typer usage error as one line; None for any other exception.

    Duck-typed (``exit_code`` 2 and ``format_message``): typer has carried its own
    copy of click's exception classes since 0.16, and plain click before that.
    """
    if getattr(exc, "exit_code", None) != 2 or not hasattr(exc, "format_message"):
        return None
    ctx = getattr(exc, "ctx", None)
    command = getattr(ctx, "command_path", "ccsim") if ctx is not None else "ccsim"
    return f"ccsim: {exc.format_message()} (see '{command} --help')"


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: misuse exits 2 with a one-line reason."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:  # fast path: no typer import
        _print_version()
        sys.exit(ExitCode.OK)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
    try:
        code = _main(args)
        if code != ExitCode.INTERRUPTED:  # typer returns 130 for an interrupt it caught
            sys.exit(code)
        raise KeyboardInterrupt
    except KeyboardInterrupt:
        terminated = bool(_signals)
        print(f"ccsim: {'terminated' if terminated else 'interrupted'}", file=sys.stderr)
        sys.exit(ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED)
    except Exception as exc:
        if debug:
            raise
        text = " ".join(str(exc).split())[:300]
        print(
            f"ccsim: internal error: {type(exc).__name__}: {text} "
            "(rerun with --debug for the traceback)",
            file=sys.stderr,
        )
        sys.exit(ExitCode.INTERNAL)
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def _main(args: list[str]) -> int:
    import typer

    application = _build_app()
    if not args:  # the help, and the exit code of misuse
        application(args=["--help"], prog_name="ccsim", standalone_mode=False)
        return ExitCode.USAGE
    try:
        code = application(args=args, prog_name="ccsim", standalone_mode=False)
    except typer.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            raise exc.__cause__ from None
        print("ccsim: aborted", file=sys.stderr)
        return ExitCode.USAGE
    except Exception as exc:
        line = _usage_line(exc)
        if line is None:
            raise
        print(line, file=sys.stderr)
        return ExitCode.USAGE
    return code if isinstance(code, int) else ExitCode.OK


if __name__ == "__main__":
    main()
