#!/usr/bin/env python
"""The multi-process test (`make test-scale`, docs/scaling.md "Multi-process test"): Cảnh Giác as
it is deployed on PostgreSQL + Redis, with processes killed and restarted while it works.

On a throwaway PostgreSQL database (`canhgiac_test_scale`) and a Redis database number of its
own (11 by default, guarded by a lock key so two runs never share it):

* 100,000 members in one commune (raw INSERT … SELECT, as the benchmarks seed), of whom 2,000
  follow the commune's Zalo OA, 1,000 its Telegram bot and 1,000 get SMS; the rest read the web
  inbox. The fake providers (`channels/fake_providers.py`) run in this process, answering each
  call after 0.1 s and recording what they receive.
* Two web processes (uvicorn, as the systemd unit runs it) on two ports, and two worker
  "machines", each an RQ worker and a `deliver` loop (compose's `worker` and `deliver`), plus the
  scheduler — all with REDIS_URL, as in production.
* An officer publishes a bulletin to the whole commune through web A (the compose form, over
  HTTP). While it is being sent, one `deliver` loop holding deliveries is killed with SIGKILL and
  started again, and web B is stopped and started again. All along, residents file reports
  through both web processes (`POST /api/reports`, retried with their Idempotency-Key when a
  connection breaks). Once web B is back, a live queue (server-sent events) open on web A must
  see a report filed through web B.

Then: every member has exactly one delivery row of the bulletin, none is left queued or claimed,
each delivery has exactly one successful attempt, each SMS phone got exactly one SMS at the fake
gateway, each Zalo and Telegram recipient got the message (a repeat is allowed only for what the
killed worker had in flight: those providers take no idempotency key, docs/fanout.md
"Crashes"), every report answered 201/200 is stored and no other report is. The whole run is
bounded (`--timeout`, 600 s): past it every child is killed and the run fails saying in which
phase. Processes, the database and the Redis database are removed at the end, pass or fail.

    .venv/bin/python tools/scale_test.py [--members 100000] [--zalo 2000] [--telegram 1000] [--sms 1000]
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# After the project is on the path, like the other tools.
from scale.common import DEFAULT_POSTGRES, DEFAULT_REDIS  # noqa: E402
from scale.run import ScaleRun  # noqa: E402

from core.env import env_str  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tools/scale_test.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--zalo", type=int, default=2_000, help="members following the commune's Zalo OA")
    parser.add_argument("--telegram", type=int, default=1_000, help="members on the commune's Telegram bot")
    parser.add_argument("--sms", type=int, default=1_000, help="members reached by SMS")
    parser.add_argument("--filers", type=int, default=2, help="residents filing reports through each web process")
    parser.add_argument("--timeout", type=float, default=600, help="the whole run, seconds")
    parser.add_argument(
        "--postgres",
        default=env_str("SCALE_POSTGRES_URL", DEFAULT_POSTGRES),
        help="the PostgreSQL server to create canhgiac_test_scale on",
    )
    parser.add_argument("--redis", default=env_str("SCALE_REDIS_URL", DEFAULT_REDIS), help="a Redis database")
    return ScaleRun(parser.parse_args(argv)).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
