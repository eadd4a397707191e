"""``ccsim lab``: a graded hands-on exercise on a world with a hidden cause.

How a lab is made, hinted and graded: :mod:`harness.worldstore.lab`. The
trainee works with ``ccsim world ...`` only. Exit codes: 0 done (``answer``:
cause right and world fixed), 1 ``answer`` graded wrong, 2 bad input.

Typer reads the command's annotations at run time, so this module does not use
``from __future__ import annotations``.
"""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

if TYPE_CHECKING:
    import typer

__all__ = ["register"]


def _new(directory: Path, seed: int, cause: str | None, level: int) -> None:
    from harness.worldstore import lab, store

    case = lab.choose(seed, cause=cause, level=level)
    built: list[str] = []

    def factory(root: Path):  # type: ignore[no-untyped-def]  # noqa: ANN202 - a Site
        site = lab.build(case, seed, root)
        built.append(lab.complaint(site))
        return site

    meta = {
        "origin": "lab",
        "seed": seed,
        "lab": {
            "answer": lab.salted(seed, ",".join(case.causes)),
            "hints": 0,
            "level": 3 if len(case.causes) > 1 or case.lookalikes else level,
            "chosen": "cause" if cause else "seed",
        },
    }
    store.create(directory, factory, meta)
    print(f'The customer says: "{built[0]}"')
    print(f"The server is yours: ccsim world status {directory}")


def _answer(directory: Path, answer: str, as_json: bool) -> int:
    from harness.worldstore import lab
    from harness.worldstore.store import WorldError, open_world

    with open_world(directory, write=False) as handle:
        meta = handle.meta
    if "lab" not in meta:
        raise WorldError(f"{directory}: a world, but not a lab (make one with 'ccsim lab new')")
    result = lab.grade(directory, meta, answer)
    case = lab.choose(int(meta["seed"]), level=int(meta["lab"]["level"]))
    revealed = (
        meta["lab"]["chosen"] == "seed"
        and lab.salted(int(meta["seed"]), ",".join(case.causes)) == meta["lab"]["answer"]
    )
    missed = [text for text, ok in result.checks if not ok]
    if not result.cause_right:
        missed.insert(0, f"the cause named ({answer}) is not the cause")
    sheet = {
        "answer": answer,
        "cause_right": result.cause_right,
        "fixed": result.fixed,
        "passed": result.passed,
        "hints": result.hints,
        "checks": [{"check": t, "ok": ok} for t, ok in result.checks],
        "articles": list(case.articles) if revealed else [],
        "missed": missed,
    }
    if as_json:
        print(json.dumps(sheet, indent=2, sort_keys=True))
    else:
        verdict = "PASSED" if result.passed else "NOT YET"
        cause_word = "right" if result.cause_right else "wrong"
        world_word = "fixed" if result.fixed else "not fixed"
        print(f"{verdict}: cause {cause_word}, world {world_word}, {result.hints} hint(s) used")
        for text, ok in result.checks:
            print(f"  [{'ok' if ok else '--'}] {text}")
        if revealed and result.cause_right:
            print(f"  KB article: {', '.join(case.articles)}")
        for text in missed:
            print(f"  missed: {text}")
    return 0 if result.passed else 1


def register(app: "typer.Typer") -> None:
    import typer

    from harness.commands.world import guarded_world

    lab_app = typer.Typer(help="Graded hands-on labs on a broken server.", no_args_is_help=True)

    @lab_app.command("new")
    def new_command(
        directory: Path,
        seed: Annotated[int, typer.Option("--seed")] = 0,
        cause: Annotated[str | None, typer.Option("--cause", help="A catalogue cause.")] = None,
        level: Annotated[int, typer.Option("--level", help="1 to 3.")] = 2,
    ) -> None:
        """Make a lab world with a hidden cause; prints only the customer's complaint."""
        guarded_world(lambda: _new(directory, seed, cause, level))

    @lab_app.command("hint")
    def hint_command(directory: Path) -> None:
        """The next investigative step (hints used are counted)."""
        from harness.worldstore import lab
        from harness.worldstore.store import WorldError, open_world

        def work() -> None:
            with open_world(directory) as handle:
                if "lab" not in handle.meta:
                    raise WorldError(f"{directory}: a world, but not a lab")
                print(lab.hint(handle.meta))

        guarded_world(work)

    @lab_app.command("answer")
    def answer_command(
        directory: Path,
        cause: str,
        as_json: Annotated[bool, typer.Option("--json", help="A trainer's sheet.")] = False,
    ) -> None:
        """Grade the cause named and whether the world is now fixed (exit 0 only if both)."""
        raise typer.Exit(guarded_world(lambda: _answer(directory, cause, as_json)))

    @lab_app.command("key")
    def key_command(
        seed: Annotated[int, typer.Option("--seed")] = 0,
        level: Annotated[int, typer.Option("--level")] = 2,
    ) -> None:
        """The answer key for a trainer: the cause a seed and level draw, and its articles."""
        from harness.worldstore import lab

        def work() -> None:
            case = lab.choose(seed, level=level)
            print(
                f"seed {seed} level {level}: {', '.join(case.causes)} ({', '.join(case.articles)})"
            )
            for path in case.scenarios:
                print(f"  as in scenarios/{path.name}")
            if case.lookalikes:
                alike = ", ".join(case.lookalikes)
                print(f"  its log looks like that of {alike}: the trainee looks beyond the log")

        guarded_world(work)

    app.add_typer(lab_app, name="lab")
