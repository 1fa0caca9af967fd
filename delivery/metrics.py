"""The delivery engine's figures for /metrics (core/metrics.py), read from the database when
Prometheus scrapes: what waits in each lane, what the last day's deliveries became on each
channel, and what the workers sent in the last five minutes, on each channel and on each
provider credential (the key each send is metered on, delivery/pace.py)."""

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from delivery.models import PRIORITY_RANK, Attempt, Delivery, DeliveryStatus, Notice

LANE_OF_RANK = {rank: priority for priority, rank in PRIORITY_RANK.items()}


def collect() -> Iterable[Metric]:
    now = timezone.now()
    waiting = GaugeMetricFamily(
        "canhgiac_deliveries_waiting", "Deliveries waiting to be sent, by lane (priority)", labels=["lane"]
    )
    queued = Delivery.objects.filter(status=DeliveryStatus.QUEUED).values("rank").annotate(n=Count("id"))
    counts = {LANE_OF_RANK.get(row["rank"], str(row["rank"])): row["n"] for row in queued}
    for lane in PRIORITY_RANK:
        waiting.add_metric([str(lane)], counts.get(lane, 0))
    yield waiting

    recent = GaugeMetricFamily(
        "canhgiac_deliveries_last_day",
        "Deliveries of the notices created in the last 24 hours, by status and channel",
        labels=["status", "channel"],
    )
    # Through the notices (indexed by time) and each notice's deliveries (the unique index leads
    # with the notice): a scrape reads the last day's rows, not the whole table's history.
    day = Delivery.objects.filter(notice__in=Notice.objects.filter(created_at__gte=now - timedelta(days=1)))
    for status_row in day.values("status", "channel").annotate(n=Count("id")).order_by("status", "channel"):
        recent.add_metric([status_row["status"], status_row["channel"]], status_row["n"])
    yield recent

    sends = GaugeMetricFamily(
        "canhgiac_sends_last_5_minutes",
        "Send attempts in the last five minutes, by channel and outcome",
        labels=["channel", "outcome"],
    )
    attempts = Attempt.objects.filter(at__gte=now - timedelta(minutes=5))
    for row in attempts.values("channel", "ok").annotate(n=Count("id")).order_by("channel", "ok"):
        sends.add_metric([row["channel"], "ok" if row["ok"] else "failed"], row["n"])
    yield sends

    per_credential = GaugeMetricFamily(
        "canhgiac_sends_per_credential_last_5_minutes",
        "Send attempts in the last five minutes, by provider credential (the pacing key: "
        "<channel>:<configuration id>, or the channel) and outcome",
        labels=["credential", "outcome"],
    )
    by_credential = attempts.exclude(credential="").values("credential", "ok").annotate(n=Count("id"))
    for sent in by_credential.order_by("credential", "ok"):
        per_credential.add_metric([sent["credential"], "ok" if sent["ok"] else "failed"], sent["n"])
    yield per_credential
