"""Benchmarks: one module per benchmark in this package, dispatched by name (docs/benchmarks.md).

A benchmark module defines `add_arguments(parser)` and `run(options) -> dict`; `python -m bench
NAME [options]` sets Django up, runs it and prints its result as one JSON line. `python -m bench
all` runs every benchmark with its defaults.
"""

import pkgutil


def names() -> list[str]:
    return sorted(module.name for module in pkgutil.iter_modules(__path__) if not module.name.startswith("_"))
