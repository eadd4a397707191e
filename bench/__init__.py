"""Benchmarks: wall-clock measurements kept out of the test suite (STYLE.md §19).

Run them all with ``python -m bench`` or some by name: ``python -m bench programs``.
"""
