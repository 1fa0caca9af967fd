"""The checks at the end of the multi-process test: what went wrong (nothing, on a pass), and the
figures of the run."""

import os
import time
from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scale.common import IN_FLIGHT, LEASE_SECONDS
from scale.processes import Kill
from scale.seeding import World

if TYPE_CHECKING:
    from scale.run import ScaleRun


def check(run: "ScaleRun", world: World, notice_id: int, kill: Kill) -> tuple[list[str], dict]:
    """What went wrong (nothing, on a pass), and the figures of the run."""
    from django.db.models import Count, Min

    from delivery.models import Attempt, Delivery, DeliveryStatus, Endpoint
    from reports.models import Report

    assert run.fake is not None
    options, fake, held, problems = run.options, run.fake, kill.held, []

    # One delivery row per member, none left queued or claimed, each sent once.
    rows = Delivery.objects.filter(notice_id=notice_id)
    by_status = dict(rows.values_list("status").annotate(n=Count("id")))
    by_channel = dict(rows.values_list("channel").annotate(n=Count("id")))
    persons = rows.values("person").distinct().count()
    if rows.count() != options.members or persons != options.members:
        problems.append(f"{rows.count():,} delivery rows for {persons:,} people, not one each for {options.members:,}")
    if by_status != {DeliveryStatus.DELIVERED: options.members}:
        problems.append(f"deliveries by status: {by_status}")
    if rows.filter(claimed_by__isnull=False).exists():
        problems.append(f"{rows.filter(claimed_by__isnull=False).count()} deliveries still claimed")
    expected = {
        "web": options.members - run.providers,
        "zalo_oa": options.zalo,
        "telegram": options.telegram,
        "sms_gateway": options.sms,
    }
    if by_channel != {slug: n for slug, n in expected.items() if n}:
        problems.append(f"deliveries by channel: {by_channel}, expected {expected}")
    successes = Attempt.objects.filter(delivery__notice_id=notice_id, ok=True)
    twice = successes.values("delivery").annotate(n=Count("id")).filter(n__gt=1).count()
    if successes.count() != run.providers or twice:
        problems.append(f"{successes.count():,} successful attempts for {run.providers:,} sends, {twice} twice")

    # What the fake providers received, by recipient.
    zalo_got = Counter(
        (c.json or {}).get("recipient", {}).get("user_id") for c in fake.calls("oa.message") if not c.refused_for_rate
    )
    telegram_got = Counter(str((c.json or {}).get("chat_id")) for c in fake.calls("telegram.sendMessage"))
    sms_got = Counter(message["body"]["to"] for message in list(fake.sent.values()))
    sms_repeated = len(fake.calls("sms")) - options.sms
    repeats = {}
    for slug, got, addresses in (("zalo_oa", zalo_got, world.zalo), ("telegram", telegram_got, world.telegram)):
        if set(got) != addresses:
            problems.append(
                f"{slug}: {len(addresses - set(got))} recipients got nothing, {len(set(got) - addresses)} others got it"
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
    by_victim = successes.filter(delivery_id__in=held, worker=run.worker_ids["a"]).count()
    early = [pk for pk, at in taken.items() if (at - held[pk]).total_seconds() < LEASE_SECONDS]
    if not held:
        problems.append("the killed worker held no deliveries")
    if by_victim or early or len(taken) != len(held):
        problems.append(
            f"held deliveries: {len(held)}, sent by the dead worker {by_victim}, "
            f"taken over before the lease ran out {len(early)}, sent {len(taken)}"
        )

    # Every report accepted is stored, and no other.
    accepted = {code for _web, code in run.record.accepted}
    stored = set(Report.objects.values_list("receipt_code", flat=True))
    if accepted - stored:
        problems.append(f"{len(accepted - stored)} accepted reports not stored: {sorted(accepted - stored)[:5]}")
    if stored - accepted:
        problems.append(f"{len(stored - accepted)} reports stored that no answer accepted")
    if len(accepted) != len(run.record.accepted):
        problems.append(f"{len(run.record.accepted) - len(accepted)} filings answered with a receipt given before")
    if run.record.refused:
        problems.append(f"{len(run.record.refused)} filings refused, e.g. {run.record.refused[:3]}")

    first_sent = successes.aggregate(at=Min("at"))["at"]
    last_sent = successes.order_by("-at").values_list("at", flat=True).first()
    send_seconds = (last_sent - first_sent).total_seconds() if last_sent and first_sent else 0.0
    recovered_at = max(taken.values(), default=None)
    takeover = max(((at - held[pk]).total_seconds() - LEASE_SECONDS for pk, at in taken.items()), default=0.0)
    monitor, timings = run.monitor, run.timings
    summary = {
        "test": "scale",
        "members": options.members,
        "through_providers": {"zalo_oa": options.zalo, "telegram": options.telegram, "sms": options.sms},
        "web_inbox": options.members - run.providers,
        "seed_seconds": round(timings["seed"], 1),
        "start_seconds": round(timings["start"], 1),
        "publish_seconds": round(timings["publish"], 2),
        "send_seconds": round(send_seconds, 1),
        "sends_per_second": round(run.providers / send_seconds, 1) if send_seconds else None,
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
        "reports_by_web": dict(Counter(web for web, _code in run.record.accepted)),
        "connections_broken": dict(run.record.broken),
        "provider_repeats": {**repeats, "sms_requests_absorbed": sms_repeated},
        "failed_attempts": Attempt.objects.filter(delivery__notice_id=notice_id, ok=False).count(),
        "total_seconds": round(time.monotonic() - run.started, 1),
        "load_average": [round(run.load_before[0], 2), round(os.getloadavg()[0], 2)],
        # Seconds since the officer pressed publish, and sends done in each 10 s after it.
        "timeline": {
            "published": round(timings["publish"], 1),
            "killed": monitor.since(kill.killed),
            "worker_started_again": monitor.since(kill.worker_up),
            "held_rows_claimed_again": round(monitor.reclaimed_at, 1) if monitor.reclaimed_at else None,
            "web_b_stopped": monitor.since(kill.web_down),
            "web_b_ready": monitor.since(kill.web_up),
            "last_send": round((last_sent - now_aware(run.published)).total_seconds(), 1) if last_sent else None,
        },
        "sends_each_10s": monitor.per_interval(),
    }
    return problems, summary


_CLOCK_OFFSET = time.time() - time.monotonic()


def now_aware(monotonic: float) -> datetime:
    """A monotonic instant of this process as an aware datetime, to compare with database times."""
    return datetime.fromtimestamp(monotonic + _CLOCK_OFFSET, tz=UTC)
