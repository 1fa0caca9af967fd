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
import contextlib
import json
import os
import secrets
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402 — after the project is on the path, like the other tools
from scale.common import (  # noqa: E402
    DATABASE_NAME,
    DEFAULT_POSTGRES,
    DEFAULT_REDIS,
    GROUPS_FILE,
    IN_FLIGHT,
    LEASE_SECONDS,
    PROVIDER_LATENCY,
    Children,
    Failed,
    admin_url,
    create_database,
    drop_database,
    free_port,
    log,
    ready,
    reap_stale,
    release_redis,
    take_redis,
    wait_for,
)
from scale.seeding import World, seed  # noqa: E402
from scale.traffic import Filings, Monitor, filer, live_check  # noqa: E402

from core.env import env_str  # noqa: E402

if TYPE_CHECKING:
    from channels.fake_providers import FakeProviders

# The run ------------------------------------------------------------------------------------


class Phase:
    name = "starting"


@dataclass
class Kill:
    """What the SIGKILL left behind and how the run recovered from it and from the web restart."""

    killed: float = 0.0  # monotonic instants
    held: dict[int, datetime] = field(default_factory=dict)  # delivery → when the dead worker claimed it
    worker_up: float = 0.0
    web_down: float = 0.0
    web_up: float = 0.0
    queued_when_web_b_stopped: int = 0
    new_worker: str = ""


class ScaleRun:
    """One run: set up, start the processes, publish and break things, check, clean up."""

    def __init__(self, options: argparse.Namespace):
        self.options = options
        self.providers = options.zalo + options.telegram + options.sms
        self.started = time.monotonic()
        self.load_before = os.getloadavg()
        self.children: Children | None = None
        self.redis_client = None
        self.fake: FakeProviders | None = None
        self.database_made = False
        self.cleaning, self.cleaned, self.timed_out = threading.Lock(), threading.Event(), threading.Event()
        self.stop_filing, self.give_up = threading.Event(), threading.Event()
        self.filers: list[threading.Thread] = []
        self.record = Filings()
        self.timings: dict[str, float] = {}
        self.ports = {"A": free_port(), "B": free_port()}
        self.bases = {web: f"http://127.0.0.1:{port}" for web, port in self.ports.items()}
        self.worker_ids: dict[str, str] = {}

    # The whole run ---------------------------------------------------------------------------

    def run(self) -> int:
        load = self.load_before
        log(f"test-scale: load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        watchdog = threading.Timer(self.options.timeout, self.on_timeout)
        watchdog.daemon = True
        watchdog.start()
        signal.signal(signal.SIGTERM, on_signal)
        try:
            reap_stale()
            self.take_services()
            world = self.set_up()
            self.start_processes()
            self.start_filers(world)
            notice_id = self.publish(world)
            kill = self.break_things(notice_id)
            Phase.name = "the live queue on web A, a report through web B"
            self.timings["live_event"] = live_check(self.bases["A"], self.bases["B"], world, self.record, self.give_up)
            log(f"the live queue on web A showed the report filed through web B in {self.timings['live_event']:.2f} s")
            self.finish(notice_id)
            Phase.name = "checking"
            problems, summary = self.check(world, notice_id, kill)
            print(json.dumps(summary, ensure_ascii=False), flush=True)
            if problems:
                raise Failed("; ".join(problems))
            log(f"test-scale PASSED in {summary['total_seconds']} s")
            return 0
        except Failed as error:
            log(f"test-scale FAILED (phase: {Phase.name}): {error}")
            self.show_logs()
            return 1
        except KeyboardInterrupt as interrupt:
            log(f"test-scale interrupted ({interrupt}) in phase: {Phase.name}")
            return 1
        except Exception:
            if self.timed_out.is_set():  # the watchdog pulled the database away; it has said why
                return 1
            raise
        finally:
            watchdog.cancel()
            self.stop_filing.set()
            self.give_up.set()
            self.clean_up()

    def on_timeout(self) -> None:
        self.timed_out.set()
        log(f"FAILED: the run took over {self.options.timeout:.0f} s (phase: {Phase.name}); killing everything")
        self.show_logs()
        self.clean_up()
        os._exit(1)

    def show_logs(self) -> None:
        if self.children is not None:
            for name in list(self.children.running):
                print(f"  {name} log (var/scale/{name}.log):\n{self.children.tail(name)}", flush=True)

    def clean_up(self) -> None:
        """Once, from whichever thread comes first (the run or the watchdog); the other waits for it."""
        with self.cleaning:
            if self.cleaned.is_set():
                return
            if self.children is not None:
                self.children.kill_all()
            if self.fake is not None:
                with contextlib.suppress(Exception):
                    self.fake.stop()
            if self.database_made:
                with contextlib.suppress(Exception):
                    from django.db import connections

                    connections.close_all()
                try:
                    drop_database(self.options.postgres)
                except Exception as error:  # said, not hidden: a database would be left behind
                    log(f"could not drop {DATABASE_NAME}: {error}")
            if self.redis_client is not None:
                release_redis(self.redis_client)
            GROUPS_FILE.unlink(missing_ok=True)
            self.cleaned.set()

    # Steps -----------------------------------------------------------------------------------

    def take_services(self) -> None:
        Phase.name = "checking PostgreSQL and Redis"
        try:
            import psycopg

            admin = admin_url(self.options.postgres).replace("postgres://", "postgresql://", 1)
            psycopg.connect(admin, connect_timeout=5).close()
        except Exception as error:
            raise Failed(f"PostgreSQL is not reachable at {self.options.postgres}: {error}") from None
        try:
            self.redis_client = take_redis(self.options.redis, self.options.timeout)
        except Failed:
            raise
        except Exception as error:
            raise Failed(f"Redis is not reachable at {self.options.redis}: {error}") from None

    def set_up(self) -> World:
        """The database, migrated and seeded, and the fake providers; Django set up in this process."""
        Phase.name = "creating and migrating the database"
        options = self.options
        self.url = create_database(options.postgres)
        self.database_made = True
        self.secret_key = secrets.token_urlsafe(50)
        os.environ.update(
            DATABASE_URL=self.url,
            DJANGO_SETTINGS_MODULE="canhgiac.settings",
            SECRET_KEY=self.secret_key,
            SECURE_COOKIES="false",
        )
        for name in ("REDIS_URL", "REPORTS_LIVE_REDIS_URL"):
            os.environ.pop(name, None)  # this process only seeds and checks; it enqueues nothing
        os.chdir(ROOT)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

        Phase.name = "seeding"
        from channels.fake_providers import FakeProviders

        self.fake = fake = FakeProviders()
        fake.start()
        fake.pace(latency=PROVIDER_LATENCY)
        mark = time.monotonic()
        residents = 2 * options.filers + 1  # the filers, and one for the live queue's report
        world = seed(options.members, options.zalo, options.telegram, options.sms, fake.url, residents)
        self.timings["seed"] = time.monotonic() - mark
        log(
            f"seeded {options.members:,} members in {self.timings['seed']:.1f} s: {options.zalo:,} on Zalo OA, "
            f"{options.telegram:,} on Telegram, {options.sms:,} by SMS, "
            f"{options.members - self.providers:,} web inbox"
        )
        return world

    def web_args(self, web: str) -> list[str]:
        return [
            *("-m", "uvicorn", "canhgiac.asgi:application", "--host", "127.0.0.1", "--port", str(self.ports[web])),
            *("--no-proxy-headers", "--no-access-log", "--log-level", "warning"),
        ]

    DELIVER = ["manage.py", "deliver", "--interval", "0.5"]

    def start_processes(self) -> None:
        Phase.name = "starting the processes"
        assert self.fake is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DELIVERY_", "CHANNEL_"))}
        env.update(
            DATABASE_URL=self.url,
            REDIS_URL=self.options.redis,
            DJANGO_SETTINGS_MODULE="canhgiac.settings",
            SECRET_KEY=self.secret_key,
            SECURE_COOKIES="false",
            PYTHONUNBUFFERED="1",
            LOG_LEVEL="WARNING",
            DELIVERY_CONCURRENCY=str(IN_FLIGHT),
            # Half of them on one account at most, as the defaults (32 and 16): what a kill leaves
            # in flight is then spread over more than one provider.
            DELIVERY_CONCURRENCY_PER_CREDENTIAL=str(IN_FLIGHT // 2),
            DELIVERY_BATCH_SIZE="10",
            DELIVERY_LEASE_SECONDS=str(LEASE_SECONDS),
            **self.fake.base_urls(),
        )
        self.children = children = Children(env)
        from core.taskqueue import JOB_CLASS

        rq_args = ["manage.py", "rqworker", "urgent", "signin", "default", "imports", "--job-class", JOB_CLASS]
        mark = time.monotonic()
        for web in self.ports:
            children.start(f"web-{web.lower()}", self.web_args(web))
        for machine in ("a", "b"):
            # One RQ scheduler is enough (compose runs one worker service with it).
            children.start(f"rqworker-{machine}", [*rq_args, "--with-scheduler"] if machine == "a" else rq_args)
            children.start(f"deliver-{machine}", self.DELIVER)
        children.start("scheduler", ["manage.py", "scheduler"])
        for web, base in self.bases.items():
            wait_for(lambda base=base: ready(base), 240, f"web {web} to answer /readyz")
        for machine in "ab":
            name = f"deliver-{machine}"
            self.worker_ids[machine] = wait_for(lambda name=name: self.deliver_id(name), 240, f"{name} to start")
        from rq import Worker

        wait_for(lambda: len(Worker.all(connection=self.redis_client)) >= 2, 240, "both RQ workers to register")
        self.timings["start"] = time.monotonic() - mark
        log(f"2 web processes, 2 RQ workers, 2 deliver loops and the scheduler up in {self.timings['start']:.1f} s")

    def deliver_id(self, name: str, after: int = 0) -> str | None:
        """The worker id a `deliver` loop printed when it started (after line `after` of its log)."""
        assert self.children is not None
        lines = self.children.log_path(name).read_text(errors="replace").splitlines()[after:]
        found = [line.split()[2] for line in lines if line.startswith("delivery worker") and "started" in line]
        return found[-1] if found else None

    def start_filers(self, world: World) -> None:
        for web, base in self.bases.items():
            for index in range(self.options.filers):
                cookies = world.resident_cookies[1 + (index if web == "A" else self.options.filers + index)]
                visibility = ("named", "anonymous")[index % 2]
                thread = threading.Thread(
                    target=filer,
                    args=(
                        base,
                        web,
                        cookies,
                        visibility,
                        world.group_code,
                        self.record,
                        self.stop_filing,
                        self.give_up,
                    ),
                    daemon=True,
                )
                thread.start()
                self.filers.append(thread)

    def publish(self, world: World) -> int:
        """The officer publishes to the whole commune through web A's compose form; the notice's id."""
        Phase.name = "publishing"
        from bulletins.models import Bulletin
        from delivery.models import Delivery

        self.published = time.monotonic()
        with httpx.Client(base_url=self.bases["A"], cookies=world.officer_cookies, timeout=300) as officer:
            csrf = next(value for name, value in officer.cookies.items() if "csrf" in name.lower())
            response = officer.post(
                "/bulletins/new/",
                data={
                    "csrfmiddlewaretoken": csrf,
                    "title": "Cảnh báo trộm chó ban đêm",
                    "body": "Khuya có người lạ đi xe máy dò xét. Nhốt chó, khóa cổng, báo công an xã.",
                    "category": "theft",
                    "unit": str(world.commune_id),
                },
            )
        if response.status_code != 302 or "/bulletins/" not in response.headers.get("location", ""):
            raise Failed(f"publishing through web A answered HTTP {response.status_code}: {response.text[:300]}")
        bulletin_id = int(response.headers["location"].rstrip("/").rsplit("/", 1)[1])
        notice_id = Bulletin.objects.values_list("notice_id", flat=True).get(pk=bulletin_id)
        assert notice_id is not None
        self.timings["publish"] = time.monotonic() - self.published
        rows = Delivery.objects.filter(notice_id=notice_id).count()
        log(f"published through web A in {self.timings['publish']:.1f} s: {rows:,} delivery rows")
        return notice_id

    def break_things(self, notice_id: int) -> Kill:
        """SIGKILL delivery loop A while it holds deliveries and start it again; restart web B meanwhile."""
        from delivery.models import Delivery, DeliveryStatus

        assert self.children is not None
        children, victim, victim_id = self.children, "deliver-a", self.worker_ids["a"]
        sending = Delivery.objects.filter(notice_id=notice_id).exclude(channel="web")
        self.monitor = Monitor(sending, victim_id)
        self.monitor.started = self.published
        self.monitor.start()

        Phase.name = "sending, until a worker holds deliveries"

        def victim_busy() -> bool:
            done = sending.filter(status=DeliveryStatus.DELIVERED).count()
            return done >= self.providers // 10 and sending.filter(claimed_by=victim_id).exists()

        wait_for(victim_busy, 240, f"{victim} to hold deliveries after a tenth was sent", interval=0.05)
        Phase.name = f"killing {victim}"
        kill = Kill()
        children.kill(victim)
        kill.killed = time.monotonic()
        claimed = sending.filter(status=DeliveryStatus.QUEUED, claimed_by=victim_id).values_list("pk", "claimed_at")
        kill.held = {pk: claimed_at for pk, claimed_at in claimed if claimed_at is not None}
        self.monitor.held = list(kill.held)
        done = sending.filter(status=DeliveryStatus.DELIVERED).count()
        log(f"SIGKILL {victim} (worker {victim_id}) holding {len(kill.held)} deliveries; {done:,} sent so far")
        lines_before = len(children.log_path(victim).read_text(errors="replace").splitlines())
        children.start(victim, self.DELIVER)

        # Meanwhile web B restarts (SIGTERM, as systemd does on a deploy) while residents file through it.
        Phase.name = f"restarting {victim} and web B"
        kill.queued_when_web_b_stopped = sending.filter(status=DeliveryStatus.QUEUED).count()
        kill.web_down = time.monotonic()
        stop_seconds = children.stop("web-b")
        children.start("web-b", self.web_args("B"))

        def both_up() -> bool:
            if not kill.worker_up and (worker := self.deliver_id(victim, lines_before)):
                kill.new_worker, kill.worker_up = worker, time.monotonic()
            if not kill.web_up and ready(self.bases["B"]):
                kill.web_up = time.monotonic()
            return bool(kill.worker_up and kill.web_up)

        wait_for(both_up, 240, f"{victim} to start again and web B to answer /readyz again")
        self.timings["worker_restart"] = kill.worker_up - kill.killed
        self.timings["web_restart"] = kill.web_up - kill.web_down
        log(f"{victim} started again as worker {kill.new_worker} {self.timings['worker_restart']:.1f} s after the kill")
        log(f"web B stopped in {stop_seconds:.1f} s, answered /readyz again {self.timings['web_restart']:.1f} s after")
        return kill

    def finish(self, notice_id: int) -> None:
        """Until no delivery is left queued; then the residents stop filing (each finishing its report)."""
        from delivery.models import Delivery, DeliveryStatus

        Phase.name = "waiting for every delivery"
        queued = Delivery.objects.filter(notice_id=notice_id, status=DeliveryStatus.QUEUED)
        left = max(30.0, self.options.timeout - (time.monotonic() - self.started) - 60)
        wait_for(lambda: not queued.exists(), left, "every delivery to be sent", 0.5)
        self.monitor.stopping.set()
        self.monitor.join(timeout=10)

        Phase.name = "stopping the filers"
        self.stop_filing.set()
        for thread in self.filers:
            thread.join(timeout=90)
        if any(thread.is_alive() for thread in self.filers):
            self.give_up.set()
            raise Failed("a resident's report was still unanswered 90 s after filing stopped")

    # Checks ----------------------------------------------------------------------------------

    def check(self, world: World, notice_id: int, kill: Kill) -> tuple[list[str], dict]:
        """What went wrong (nothing, on a pass), and the figures of the run."""
        from django.db.models import Count, Min

        from delivery.models import Attempt, Delivery, DeliveryStatus, Endpoint
        from reports.models import Report

        assert self.fake is not None
        options, fake, held, problems = self.options, self.fake, kill.held, []

        # One delivery row per member, none left queued or claimed, each sent once.
        rows = Delivery.objects.filter(notice_id=notice_id)
        by_status = dict(rows.values_list("status").annotate(n=Count("id")))
        by_channel = dict(rows.values_list("channel").annotate(n=Count("id")))
        persons = rows.values("person").distinct().count()
        if rows.count() != options.members or persons != options.members:
            problems.append(
                f"{rows.count():,} delivery rows for {persons:,} people, not one each for {options.members:,}"
            )
        if by_status != {DeliveryStatus.DELIVERED: options.members}:
            problems.append(f"deliveries by status: {by_status}")
        if rows.filter(claimed_by__isnull=False).exists():
            problems.append(f"{rows.filter(claimed_by__isnull=False).count()} deliveries still claimed")
        expected = {
            "web": options.members - self.providers,
            "zalo_oa": options.zalo,
            "telegram": options.telegram,
            "sms_gateway": options.sms,
        }
        if by_channel != {slug: n for slug, n in expected.items() if n}:
            problems.append(f"deliveries by channel: {by_channel}, expected {expected}")
        successes = Attempt.objects.filter(delivery__notice_id=notice_id, ok=True)
        twice = successes.values("delivery").annotate(n=Count("id")).filter(n__gt=1).count()
        if successes.count() != self.providers or twice:
            problems.append(f"{successes.count():,} successful attempts for {self.providers:,} sends, {twice} twice")

        # What the fake providers received, by recipient.
        zalo_got = Counter(
            (c.json or {}).get("recipient", {}).get("user_id")
            for c in fake.calls("oa.message")
            if not c.refused_for_rate
        )
        telegram_got = Counter(str((c.json or {}).get("chat_id")) for c in fake.calls("telegram.sendMessage"))
        sms_got = Counter(message["body"]["to"] for message in list(fake.sent.values()))
        sms_repeated = len(fake.calls("sms")) - options.sms
        repeats = {}
        for slug, got, addresses in (("zalo_oa", zalo_got, world.zalo), ("telegram", telegram_got, world.telegram)):
            if set(got) != addresses:
                problems.append(
                    f"{slug}: {len(addresses - set(got))} recipients got nothing, "
                    f"{len(set(got) - addresses)} others got it"
                )
            repeats[slug] = sum(n - 1 for n in got.values())
        if sms_got != Counter(dict.fromkeys(world.sms, 1)):
            problems.append(
                f"SMS: {len(world.sms - set(sms_got))} phones got none, "
                f"{sum(1 for n in sms_got.values() if n > 1)} got more than one"
            )
        if sum(repeats.values()) > IN_FLIGHT or sms_repeated > IN_FLIGHT:
            problems.append(
                f"repeated sends {repeats}, SMS requests repeated {sms_repeated}: "
                f"more than the {IN_FLIGHT} the killed worker could have had in flight"
            )
        # And repeated only to recipients of deliveries the killed worker held when it died.
        held_addresses = set(
            Endpoint.objects.filter(
                person__in=Delivery.objects.filter(pk__in=held).values("person"), channel__in=["zalo_oa", "telegram"]
            ).values_list("address", flat=True)
        )
        twice_to = {address for got in (zalo_got, telegram_got) for address, n in got.items() if n > 1}
        if twice_to - held_addresses:
            problems.append(f"{len(twice_to - held_addresses)} recipients got a message twice that no dead worker held")

        # What the killed worker held was sent by another worker, not before its lease ran out.
        taken = dict(successes.filter(delivery_id__in=held).values_list("delivery_id", "at"))
        by_victim = successes.filter(delivery_id__in=held, worker=self.worker_ids["a"]).count()
        early = [pk for pk, at in taken.items() if (at - held[pk]).total_seconds() < LEASE_SECONDS]
        if not held:
            problems.append("the killed worker held no deliveries")
        if by_victim or early or len(taken) != len(held):
            problems.append(
                f"held deliveries: {len(held)}, sent by the dead worker {by_victim}, "
                f"taken over before the lease ran out {len(early)}, sent {len(taken)}"
            )

        # Every report accepted is stored, and no other.
        accepted = {code for _web, code in self.record.accepted}
        stored = set(Report.objects.values_list("receipt_code", flat=True))
        if accepted - stored:
            problems.append(f"{len(accepted - stored)} accepted reports not stored: {sorted(accepted - stored)[:5]}")
        if stored - accepted:
            problems.append(f"{len(stored - accepted)} reports stored that no answer accepted")
        if len(accepted) != len(self.record.accepted):
            problems.append(f"{len(self.record.accepted) - len(accepted)} filings answered with a receipt given before")
        if self.record.refused:
            problems.append(f"{len(self.record.refused)} filings refused, e.g. {self.record.refused[:3]}")

        first_sent = successes.aggregate(at=Min("at"))["at"]
        last_sent = successes.order_by("-at").values_list("at", flat=True).first()
        send_seconds = (last_sent - first_sent).total_seconds() if last_sent and first_sent else 0.0
        recovered_at = max(taken.values(), default=None)
        takeover = max(((at - held[pk]).total_seconds() - LEASE_SECONDS for pk, at in taken.items()), default=0.0)
        monitor, timings = self.monitor, self.timings
        summary = {
            "test": "scale",
            "members": options.members,
            "through_providers": {"zalo_oa": options.zalo, "telegram": options.telegram, "sms": options.sms},
            "web_inbox": options.members - self.providers,
            "seed_seconds": round(timings["seed"], 1),
            "start_seconds": round(timings["start"], 1),
            "publish_seconds": round(timings["publish"], 2),
            "send_seconds": round(send_seconds, 1),
            "sends_per_second": round(self.providers / send_seconds, 1) if send_seconds else None,
            "held_by_killed_worker": len(held),
            "kill_to_taken_over_seconds": round((recovered_at - now_aware(kill.killed)).total_seconds(), 1)
            if recovered_at
            else None,
            "worst_takeover_after_lease_seconds": round(takeover, 2),
            "worker_restart_seconds": round(timings["worker_restart"], 1),
            "web_restart_seconds": round(timings["web_restart"], 1),
            "queued_when_web_b_stopped": kill.queued_when_web_b_stopped,
            "live_event_seconds": round(timings["live_event"], 2),
            "reports_accepted": len(accepted),
            "reports_by_web": dict(Counter(web for web, _code in self.record.accepted)),
            "connections_broken": dict(self.record.broken),
            "provider_repeats": {**repeats, "sms_requests_absorbed": sms_repeated},
            "failed_attempts": Attempt.objects.filter(delivery__notice_id=notice_id, ok=False).count(),
            "total_seconds": round(time.monotonic() - self.started, 1),
            "load_average": [round(self.load_before[0], 2), round(os.getloadavg()[0], 2)],
            # Seconds since the officer pressed publish, and sends done in each 10 s after it.
            "timeline": {
                "published": round(timings["publish"], 1),
                "killed": monitor.since(kill.killed),
                "worker_started_again": monitor.since(kill.worker_up),
                "held_rows_claimed_again": round(monitor.reclaimed_at, 1) if monitor.reclaimed_at else None,
                "web_b_stopped": monitor.since(kill.web_down),
                "web_b_ready": monitor.since(kill.web_up),
                "last_send": round((last_sent - now_aware(self.published)).total_seconds(), 1) if last_sent else None,
            },
            "sends_each_10s": monitor.per_interval(),
        }
        return problems, summary


def on_signal(signum, _frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


_CLOCK_OFFSET = time.time() - time.monotonic()


def now_aware(monotonic: float) -> datetime:
    """A monotonic instant of this process as an aware datetime, to compare with database times."""
    return datetime.fromtimestamp(monotonic + _CLOCK_OFFSET, tz=UTC)


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
