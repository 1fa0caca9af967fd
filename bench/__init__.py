"""Benchmarks: `python -m bench <name> [--size N]`, one JSON line each (docs/benchmarks.md)."""
