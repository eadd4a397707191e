"""``ccsim`` sub-commands, one module per area, each with ``register(app)``.

Command bodies import what they need when they run, so ``ccsim --version`` and
``ccsim validate`` start fast (docs/benchmarks.md).
"""

#: modules whose ``register(app)`` adds commands, in help order
COMMAND_MODULES = (
    "harness.commands.transfer",
    "harness.commands.postoffice",
    "harness.commands.connector",
    "harness.commands.catalogue",
    "harness.commands.scenario",
    "harness.commands.diagnose",
    "harness.commands.world",
    "harness.commands.lab",
    "harness.commands.reports",
    "harness.commands.demo",
    "harness.commands.docs",
    "harness.commands.scaffold",
)
