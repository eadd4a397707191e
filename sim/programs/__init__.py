"""The cc:Mail programs: EXPORT, IMPORT, ANALYZE, CHKSTAT, RECLAIM (reference §2, §3).

Each program is a function ``main(argv, ctx) -> result code`` that acts on the
world as an account and writes its console text to ``ctx.stdout``.
"""
