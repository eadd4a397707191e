"""``python -m bench [name...]``: run every ``bench/*.py`` benchmark, or the named ones."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).parent


def available() -> list[str]:
    """Benchmark names: the modules of this folder, without ``__init__``/``__main__``."""
    return sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))


def main(argv: list[str]) -> int:
    names = available()
    chosen = argv or names
    unknown = [n for n in chosen if n not in names]
    if unknown:
        print(f"bench: unknown benchmark {', '.join(unknown)}; have: {', '.join(names)}")
        return 2
    for name in chosen:
        print(f"== bench {name}", flush=True)
        runpy.run_module(f"bench.{name}", run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
