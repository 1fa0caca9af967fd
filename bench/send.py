"""Send one notice to M Zalo followers of N communes' OAs through the fake Zalo, with 1, 2 and 4
`deliver` workers, against the bound: min(the summed provider limits, the senders in flight ÷
the provider's answer time).

Each commune has its own OA (a `zalo_oa` channel) with its own limit (`rate_per_second`); the
fake Zalo answers after `--latency` seconds and refuses (error -32) any send above a credential's
limit in a window of the clock, as Zalo does. Every run checks that every recipient got exactly
one delivery row delivered, that the fake received each message once, and that no credential
went above its limit. docs/benchmarks.md ("Sending at the provider's pace") has the figures.
"""

import os
import subprocess
import sys
import time
from collections import Counter

from bench.fanout import default_database
from bench.setup import ROOT, bench_database_url, configure_django

DEFAULT_SIZES = (1_000, 10_000)


def add_arguments(parser) -> None:
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="recipients per run")
    parser.add_argument("--credentials", type=int, default=10, help="communes, each with its own OA")
    parser.add_argument("--rate", type=int, default=10, help="sends per second allowed per OA")
    parser.add_argument("--latency", type=float, default=0.15, help="the fake provider's answer time, seconds")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to measure")
    parser.add_argument("--concurrency", type=int, default=32, help="DELIVERY_CONCURRENCY of each worker")
    parser.add_argument("--per-credential", type=int, default=16, help="DELIVERY_CONCURRENCY_PER_CREDENTIAL")
    parser.add_argument("--timeline", action="store_true", help="also print deliveries per second of each run")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default=default_database())


def start_worker(env: dict[str, str], log_name: str) -> subprocess.Popen:
    """A `deliver` worker process, as production runs it, logging to var/bench/."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    full_env.update(DJANGO_SETTINGS_MODULE="canhgiac.settings", PYTHONUNBUFFERED="1", **env)
    log = open(ROOT / "var" / "bench" / log_name, "w")  # noqa: SIM115 — closed with the process
    return subprocess.Popen(
        [sys.executable, "manage.py", "deliver", "--interval", "0.1"],
        cwd=ROOT,
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def database_url() -> str:
    from django.db import connection

    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    user = config.get("USER") or ""
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    return f"postgres://{credentials}{config.get('HOST') or '127.0.0.1'}:{config.get('PORT') or 5432}/{config['NAME']}"


def seed(size: int, credentials: int, rate: int) -> list[list[int]]:
    """`credentials` communes with an OA each, `size` members spread over them in blocks (as a
    province's alert meets them: commune after commune), each following their commune's OA."""
    from django.db import transaction

    from channels.models import ChannelConfig, ChannelIdentity
    from delivery.models import Endpoint, Route
    from people.models import Household, Person
    from places.models import Unit, UnitKind

    with transaction.atomic():
        province = Unit.objects.create(code="80", name="Tỉnh Tây Ninh", kind=UnitKind.PROVINCE)
        homes, configs = [], []
        for index in range(credentials):
            commune = Unit.objects.create(
                code=f"8{index:04d}", name=f"Xã {index}", kind=UnitKind.COMMUNE, parent=province
            )
            group = Unit.objects.create(
                code=f"8{index:04d}-1", name="Tổ 1", kind=UnitKind.RESIDENTIAL_GROUP, parent=commune
            )
            homes.append(Household.objects.create(residential_group=group, address=f"Số 1 xã {index}"))
            config = ChannelConfig(unit=commune, slug="zalo_oa", settings={"app_id": "bench", "rate_per_second": rate})
            config.secrets = {"app_secret": "s", "access_token": f"access-oa-{index}", "refresh_token": f"r-{index}"}
            config.save()
            configs.append(config)
        people = Person.objects.bulk_create(
            (
                Person(full_name=f"Thành viên {i}", household=homes[i * credentials // size], password="!")
                for i in range(size)
            ),
            batch_size=2000,
        )
        blocks: list[list[int]] = [[] for _ in range(credentials)]
        for i, person in enumerate(people):
            blocks[i * credentials // size].append(person.pk)
        ChannelIdentity.objects.bulk_create(
            (
                ChannelIdentity(config=configs[i * credentials // size], provider_user_id=str(10**9 + i), person=p)
                for i, p in enumerate(people)
            ),
            batch_size=2000,
        )
        Endpoint.objects.bulk_create(
            (Endpoint(person=p, channel="zalo_oa", address=str(10**9 + i)) for i, p in enumerate(people)),
            batch_size=2000,
        )
        Route.objects.bulk_create((Route(person=p, first_channel="zalo_oa") for p in people), batch_size=2000)
    return blocks


def measure_one(fake, ids: list[int], workers: int, options, env: dict[str, str]) -> dict:
    from django.db.models import Count, Max, Min

    from delivery.models import Attempt, Delivery, DeliveryStatus, Notice
    from delivery.notify import notify

    fake.reset()
    fake.pace(latency=options.latency, rate=options.rate, per_seconds=1)
    logs = [ROOT / "var" / "bench" / f"send-worker-{n}.log" for n in range(workers)]
    processes = [start_worker(env, log.name) for log in logs]
    try:
        # The workers are up and idle before the notice is published.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not all("started" in log.read_text() for log in logs):
            time.sleep(0.2)
        time.sleep(0.5)
        started = time.monotonic()
        notice = notify(ids, subject="Cảnh báo khẩn", body="Trộm xe máy đêm qua, khóa cổ xe khi đỗ.")
        rows = Delivery.objects.filter(notice=notice)
        timeout = 60 + 3 * len(ids) / (options.credentials * options.rate)
        while rows.filter(status=DeliveryStatus.QUEUED).exists() and time.monotonic() - started < timeout:
            time.sleep(0.2)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    times = rows.filter(status=DeliveryStatus.DELIVERED).aggregate(first=Min("created_at"), last=Max("delivered_at"))
    delivered = rows.filter(status=DeliveryStatus.DELIVERED, channel="zalo_oa").count()
    seconds = (times["last"] - times["first"]).total_seconds() if times["last"] else float("inf")
    received = Counter(
        (call.json or {}).get("recipient", {}).get("user_id")
        for call in fake.calls("oa.message")
        if call.json and not call.refused_for_rate
    )
    accepted_twice = sum(n - 1 for n in received.values() if n > 1)
    records = Attempt.objects.filter(delivery__notice=notice, ok=True).values("delivery").annotate(n=Count("id"))
    bound = min(
        options.credentials * min(options.rate, options.per_credential / options.latency),
        workers * min(options.concurrency, options.credentials * options.per_credential) / options.latency,
    )
    rate = delivered / seconds
    per_second = Counter(
        int((at - times["first"]).total_seconds())
        for at in rows.filter(status=DeliveryStatus.DELIVERED).values_list("delivered_at", flat=True)
    )
    timeline = [per_second.get(second, 0) for second in range(int(seconds) + 1)] if times["last"] else []
    Notice.objects.filter(pk=notice.pk).delete()
    return {
        "recipients": len(ids),
        "workers": workers,
        "seconds": round(seconds, 2),
        "messages_per_second": round(rate, 1),
        "per_worker": round(rate / workers, 1),
        "bound": round(bound, 1),
        "ratio": round(rate / bound, 3),
        "lost": len(ids) - delivered,
        "duplicated_records": sum(1 for row in records if row["n"] > 1),
        "duplicated_at_provider": accepted_twice,
        "above_limit": fake.refused_for_rate + max(0, fake.busiest_window() - options.rate),
        "delivered_each_second": timeline if options.timeline else None,
    }


def run(options) -> dict:
    configure_django(bench_database_url(options.database, "send"))
    from django.db import connection

    from channels.fake_providers import FakeProviders

    fake = FakeProviders()
    fake.start()
    sizes = [int(size) for size in options.sizes.split(",")]
    env = {
        **fake.base_urls(),
        "DATABASE_URL": database_url(),
        "DELIVERY_CONCURRENCY": str(options.concurrency),
        "DELIVERY_CONCURRENCY_PER_CREDENTIAL": str(options.per_credential),
        "DELIVERY_BATCH_SIZE": "50",
        "LOG_LEVEL": "WARNING",
    }
    runs = []
    try:
        blocks = seed(max(sizes), options.credentials, options.rate)
        for size in sizes:
            # The same share of every commune's members, still commune after commune.
            share = size // options.credentials
            ids = [pk for block in blocks for pk in block[:share]]
            for workers in [int(w) for w in options.workers.split(",")]:
                runs.append(measure_one(fake, ids, workers, options, env))
    finally:
        fake.stop()
    return {
        "database": connection.vendor,
        "credentials": options.credentials,
        "rate_per_credential_per_second": options.rate,
        "latency_seconds": options.latency,
        "concurrency": options.concurrency,
        "per_credential": options.per_credential,
        "runs": runs,
        "worst_ratio": min(run["ratio"] for run in runs),
        "lost": sum(run["lost"] for run in runs),
        "duplicated": sum(run["duplicated_records"] + run["duplicated_at_provider"] for run in runs),
        "above_limit": sum(run["above_limit"] for run in runs),
    }
