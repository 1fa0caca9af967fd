"""The multi-process test's run (`tools/scale_test.py`): its steps in order, the watchdog that
bounds it, and the clean-up that removes its processes, database and Redis database, pass or fail."""

import argparse
import contextlib
import json
import os
import secrets
import signal
import threading
import time
from typing import TYPE_CHECKING

import httpx

from scale.checks import check
from scale.common import (
    DATABASE_NAME,
    GROUPS_FILE,
    PROVIDER_LATENCY,
    ROOT,
    Children,
    Failed,
    Phase,
    admin_url,
    create_database,
    drop_database,
    free_port,
    log,
    reap_stale,
    release_redis,
    take_redis,
    wait_for,
)
from scale.processes import break_things, start_processes
from scale.seeding import World, seed
from scale.traffic import Filings, Monitor, filer, live_check

if TYPE_CHECKING:
    from channels.fake_providers import FakeProviders


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
        self.monitor: Monitor  # started just before the kill (processes.break_things)

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
            start_processes(self)
            self.start_filers(world)
            notice_id = self.publish(world)
            kill = break_things(self, notice_id)
            Phase.name = "the live queue on web A, a report through web B"
            self.timings["live_event"] = live_check(self.bases["A"], self.bases["B"], world, self.record, self.give_up)
            log(f"the live queue on web A showed the report filed through web B in {self.timings['live_event']:.2f} s")
            self.finish(notice_id)
            Phase.name = "checking"
            problems, summary = check(self, world, notice_id, kill)
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


def on_signal(signum, _frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
