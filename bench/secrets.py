"""The cost of an anonymous reporter's follow-up secret: 50 filings hashing it (and 50 follow
attempts checking it) with the password hash used before (PBKDF2) and with the keyed hash used now
(HMAC-SHA-256), one after another and all at once from 50 threads (docs/benchmarks.md)."""

import statistics
import threading
import time
from collections.abc import Callable


def add_arguments(parser) -> None:
    parser.add_argument("--filings", type=int, default=50)


def _concurrent(work: Callable[[int], object], count: int) -> list[float]:
    """Start `count` threads at once; each one's seconds from the start to its end."""
    barrier = threading.Barrier(count + 1)
    finished: list[float] = [0.0] * count

    def one(index: int) -> None:
        barrier.wait()
        work(index)
        finished[index] = time.perf_counter()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return [end - started for end in finished]


def _measure(name: str, store: Callable[[str], str], check: Callable[[str, str], bool], secrets: list[str]) -> dict:
    started = time.perf_counter()
    stored = [store(secret) for secret in secrets]
    sequential = time.perf_counter() - started
    started = time.perf_counter()
    assert all(check(secret, hashed) for secret, hashed in zip(secrets, stored, strict=True))
    checking = time.perf_counter() - started
    latencies = _concurrent(lambda i: store(secrets[i]), len(secrets))
    return {
        f"{name}_ms_per_filing": round(sequential * 1000 / len(secrets), 3),
        f"{name}_ms_per_follow_attempt": round(checking * 1000 / len(secrets), 3),
        f"{name}_concurrent_median_s": round(statistics.median(latencies), 4),
        f"{name}_concurrent_max_s": round(max(latencies), 4),
    }


def run(options) -> dict:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, make_password

    from core.hashing import keyed_hash, keyed_hash_matches
    from reports.actions.intake import new_secret, normalize_secret

    secrets = [normalize_secret(new_secret()) for _ in range(options.filings)]
    pbkdf2 = PBKDF2PasswordHasher()
    before = _measure(
        "pbkdf2",
        lambda secret: make_password(secret, hasher=pbkdf2),
        lambda secret, hashed: check_password(secret, hashed),
        secrets,
    )
    after = _measure("hmac", keyed_hash, keyed_hash_matches, secrets)
    return {"filings": options.filings, "pbkdf2_iterations": pbkdf2.iterations, **before, **after}
