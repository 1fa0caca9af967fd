"""python -m bench fanout [--size N] [--database sqlite|postgres]
python -m bench inbox [--size N]

Each prints one JSON line. Results and machine details: docs/benchmarks.md."""

import argparse
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", choices=["fanout", "inbox"])
    parser.add_argument("--size", type=int, default=None, help="members (fanout) or publishes (inbox)")
    parser.add_argument("--rounds", type=int, default=3, help="fanout: rounds, the median is reported")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        default="postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite",
    )
    args = parser.parse_args(argv)
    if args.name == "fanout":
        from bench.fanout import run

        result = run(args.database, args.size, args.rounds)
    else:
        from bench.inbox import run as run_inbox

        result = run_inbox(args.database, args.size)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
