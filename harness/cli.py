"""The ``ccsim`` command line."""

import sys


def main() -> None:
    sys.exit(0)
