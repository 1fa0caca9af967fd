"""The processes of the multi-process test as it is deployed — two web processes, two worker
"machines" (an RQ worker and a `deliver` loop each) and the scheduler — started, then broken
while the bulletin is sent: one `deliver` loop killed with SIGKILL and started again, web B
stopped and started again."""

import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from scale.common import IN_FLIGHT, LEASE_SECONDS, Children, Phase, log, ready, wait_for
from scale.traffic import Monitor

if TYPE_CHECKING:
    from scale.run import ScaleRun

DELIVER = ["manage.py", "deliver", "--interval", "0.5"]


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


def web_args(run: "ScaleRun", web: str) -> list[str]:
    return [
        *("-m", "uvicorn", "canhgiac.asgi:application", "--host", "127.0.0.1", "--port", str(run.ports[web])),
        *("--no-proxy-headers", "--no-access-log", "--log-level", "warning"),
    ]


def start_processes(run: "ScaleRun") -> None:
    Phase.name = "starting the processes"
    assert run.fake is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DELIVERY_", "CHANNEL_"))}
    env.update(
        DATABASE_URL=run.url,
        REDIS_URL=run.options.redis,
        DJANGO_SETTINGS_MODULE="canhgiac.settings",
        SECRET_KEY=run.secret_key,
        SECURE_COOKIES="false",
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="WARNING",
        DELIVERY_CONCURRENCY=str(IN_FLIGHT),
        # Half of them on one account at most, as the defaults (32 and 16): what a kill leaves
        # in flight is then spread over more than one provider.
        DELIVERY_CONCURRENCY_PER_CREDENTIAL=str(IN_FLIGHT // 2),
        DELIVERY_BATCH_SIZE="10",
        DELIVERY_LEASE_SECONDS=str(LEASE_SECONDS),
        **run.fake.base_urls(),
    )
    run.children = children = Children(env)
    from core.taskqueue import JOB_CLASS

    rq_args = ["manage.py", "rqworker", "urgent", "signin", "default", "imports", "--job-class", JOB_CLASS]
    mark = time.monotonic()
    for web in run.ports:
        children.start(f"web-{web.lower()}", web_args(run, web))
    for machine in ("a", "b"):
        # One RQ scheduler is enough (compose runs one worker service with it).
        children.start(f"rqworker-{machine}", [*rq_args, "--with-scheduler"] if machine == "a" else rq_args)
        children.start(f"deliver-{machine}", DELIVER)
    children.start("scheduler", ["manage.py", "scheduler"])
    for web, base in run.bases.items():
        wait_for(lambda base=base: ready(base), 240, f"web {web} to answer /readyz")
    for machine in "ab":
        name = f"deliver-{machine}"
        run.worker_ids[machine] = wait_for(lambda name=name: deliver_id(run, name), 240, f"{name} to start")
    from rq import Worker

    wait_for(lambda: len(Worker.all(connection=run.redis_client)) >= 2, 240, "both RQ workers to register")
    run.timings["start"] = time.monotonic() - mark
    log(f"2 web processes, 2 RQ workers, 2 deliver loops and the scheduler up in {run.timings['start']:.1f} s")


def deliver_id(run: "ScaleRun", name: str, after: int = 0) -> str | None:
    """The worker id a `deliver` loop printed when it started (after line `after` of its log)."""
    assert run.children is not None
    lines = run.children.log_path(name).read_text(errors="replace").splitlines()[after:]
    found = [line.split()[2] for line in lines if line.startswith("delivery worker") and "started" in line]
    return found[-1] if found else None


def break_things(run: "ScaleRun", notice_id: int) -> Kill:
    """SIGKILL delivery loop A while it holds deliveries and start it again; restart web B meanwhile."""
    from delivery.models import Delivery, DeliveryStatus

    assert run.children is not None
    children, victim, victim_id = run.children, "deliver-a", run.worker_ids["a"]
    sending = Delivery.objects.filter(notice_id=notice_id).exclude(channel="web")
    run.monitor = Monitor(sending, victim_id)
    run.monitor.started = run.published
    run.monitor.start()

    Phase.name = "sending, until a worker holds deliveries"

    def victim_busy() -> bool:
        done = sending.filter(status=DeliveryStatus.DELIVERED).count()
        return done >= run.providers // 10 and sending.filter(claimed_by=victim_id).exists()

    wait_for(victim_busy, 240, f"{victim} to hold deliveries after a tenth was sent", interval=0.05)
    Phase.name = f"killing {victim}"
    kill = Kill()
    children.kill(victim)
    kill.killed = time.monotonic()
    claimed = sending.filter(status=DeliveryStatus.QUEUED, claimed_by=victim_id).values_list("pk", "claimed_at")
    kill.held = {pk: claimed_at for pk, claimed_at in claimed if claimed_at is not None}
    run.monitor.held = list(kill.held)
    done = sending.filter(status=DeliveryStatus.DELIVERED).count()
    log(f"SIGKILL {victim} (worker {victim_id}) holding {len(kill.held)} deliveries; {done:,} sent so far")
    lines_before = len(children.log_path(victim).read_text(errors="replace").splitlines())
    children.start(victim, DELIVER)

    # Meanwhile web B restarts (SIGTERM, as systemd does on a deploy) while residents file through it.
    Phase.name = f"restarting {victim} and web B"
    kill.queued_when_web_b_stopped = sending.filter(status=DeliveryStatus.QUEUED).count()
    kill.web_down = time.monotonic()
    stop_seconds = children.stop("web-b")
    children.start("web-b", web_args(run, "B"))

    def both_up() -> bool:
        if not kill.worker_up and (worker := deliver_id(run, victim, lines_before)):
            kill.new_worker, kill.worker_up = worker, time.monotonic()
        if not kill.web_up and ready(run.bases["B"]):
            kill.web_up = time.monotonic()
        return bool(kill.worker_up and kill.web_up)

    wait_for(both_up, 240, f"{victim} to start again and web B to answer /readyz again")
    run.timings["worker_restart"] = kill.worker_up - kill.killed
    run.timings["web_restart"] = kill.web_up - kill.web_down
    log(f"{victim} started again as worker {kill.new_worker} {run.timings['worker_restart']:.1f} s after the kill")
    log(f"web B stopped in {stop_seconds:.1f} s, answered /readyz again {run.timings['web_restart']:.1f} s after")
    return kill
