"""``ccsim catalogue`` and ``ccsim reference``: pages generated from the code.

``ccsim reference`` prints docs/reference.md, the facts the help texts cite by
section (``§2.2`` ... ``§8``; ``harness.reference_doc``).

``ccsim catalogue --markdown`` prints the page kept as ``docs/catalogue.md``
(cause x article x symptoms x rule x fix x scenarios, ``harness.catalogue_doc``);
without ``--markdown`` one line per §8 row.

``ccsim kb --markdown`` prints the page kept as ``docs/kb-conformance.md`` (each
cited KB article x its resolution steps x the test that follows them by hand x
what the sim models that the article does not state, ``harness.kb_doc``);
without ``--markdown`` one line per article. Imports happen inside the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

__all__ = ["catalogue_markdown", "kb_markdown", "register"]


def catalogue_markdown(scenario_dir: Path | None = None) -> str:
    """The page for the scenarios in ``scenario_dir`` (default: the built-in catalogue)."""
    from harness.catalogue_doc import build_rows, render_markdown
    from harness.selection import builtin_dir, expand_paths

    folder = scenario_dir or builtin_dir()
    rows = build_rows(expand_paths([folder]), folder.parent)
    return render_markdown(rows)


def kb_markdown(scenario_dir: Path | None = None, tests_dir: Path | None = None) -> str:
    """The KB conformance page for the scenarios in ``scenario_dir`` and the tests in
    ``tests_dir`` (default: the built-in catalogue and ``tests/kb``)."""
    from harness.kb_doc import build_rows, render_markdown
    from harness.selection import builtin_dir, expand_paths

    return render_markdown(build_rows(expand_paths([scenario_dir or builtin_dir()]), tests_dir))


def register(app: typer.Typer) -> None:
    import typer

    @app.command("catalogue")
    def catalogue_command(
        markdown: bool = typer.Option(
            False, "--markdown", help="Print the Markdown page (docs/catalogue.md)."
        ),
    ) -> None:
        """The failure catalogue (§8): cause, articles, rule, fixes and scenarios."""
        from harness.catalogue_doc import build_rows, render_text
        from harness.selection import builtin_dir, expand_paths

        if markdown:
            typer.echo(catalogue_markdown(), nl=False)
            return
        folder = builtin_dir()
        typer.echo(render_text(build_rows(expand_paths([folder]), folder.parent)), nl=False)

    @app.command("kb")
    def kb_command(
        markdown: bool = typer.Option(
            False, "--markdown", help="Print the Markdown page (docs/kb-conformance.md)."
        ),
    ) -> None:
        """The cited KB articles: resolution steps, the test that follows them, what is modelled."""
        from harness.kb_doc import build_rows, render_text
        from harness.selection import builtin_dir, expand_paths

        if markdown:
            typer.echo(kb_markdown(), nl=False)
            return
        typer.echo(render_text(build_rows(expand_paths([builtin_dir()]))), nl=False)

    @app.command("reference")
    def reference_command() -> None:
        """The facts the help cites as §2.2 ... §8 (the page docs/reference.md)."""
        from harness.reference_doc import render_reference

        typer.echo(render_reference(), nl=False)
