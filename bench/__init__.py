"""Benchmarks: one module per benchmark in this package, dispatched by name (docs/benchmarks.md).

A benchmark module defines `add_arguments(parser)` and `run(options) -> dict`; `python -m bench
NAME [options]` runs it and prints its result as one JSON line; `python -m bench all` runs each
with its defaults, one process per benchmark (Django is set up once per process).

Most benchmarks run against the configured database once Django is set up. Those listed in
`OWN_DATABASE` first create a throwaway database (bench/setup.py) and set Django up on it
themselves, so they never touch the database DATABASE_URL points at.
"""

import pkgutil

OWN_DATABASE = {"alert", "fanout", "inbox", "intake", "send", "webhook"}


def names() -> list[str]:
    return sorted(
        module.name
        for module in pkgutil.iter_modules(__path__)
        if not module.name.startswith("_") and module.name != "setup"
    )
