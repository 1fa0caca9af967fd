"""The bulletins metric provider: bulletins published and their reach by channel.

Counted at the unit a bulletin is published for, from the deliveries of its notice (the same
definitions as delivery.reach): two grouped queries however many bulletins and recipients.
"""

from collections.abc import Mapping
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bulletins.models import Bulletin, BulletinStatus
from channels.registry import channel_types
from delivery.models import Delivery, DeliveryStatus
from places.models import Unit
from steering.metrics import Chart, Figure, History, MetricProvider, Values, add_to_ancestors


def channel_labels() -> list[tuple[str, str]]:
    return [(slug, str(channel.label)) for slug, channel in channel_types().items()]


class BulletinsProvider(MetricProvider):
    slug = "bulletins"
    title = _("Bulletins and their reach by channel")
    history_metrics = ("bulletins.sent", "bulletins.reach.delivered")
    summary_metrics = ("bulletins.sent",)

    def measure(self, root: Unit, units: list[Unit], as_of: datetime | None) -> Values:
        measured = {unit.path for unit in units}
        moment = as_of or timezone.now()
        values: Values = {}
        published = Bulletin.objects.filter(
            unit__path__startswith=root.path, status=BulletinStatus.PUBLISHED, published_at__lte=moment
        )
        for path, urgent, count in published.values_list("unit__path", "urgent").annotate(n=Count("id")).order_by():
            add_to_ancestors(values, path, measured, "bulletins.sent", count)
            if urgent:
                add_to_ancestors(values, path, measured, "bulletins.sent.urgent", count)

        if as_of is None:
            delivered, failed = Q(status=DeliveryStatus.DELIVERED), Q(status=DeliveryStatus.FAILED)
        else:  # no failure time is recorded: a failure counts from when the delivery was queued
            delivered = Q(delivered_at__lte=as_of)
            failed = Q(status=DeliveryStatus.FAILED, created_at__lte=as_of)
        deliveries = Delivery.objects.filter(
            notice__bulletin__in=published.values("id"), created_at__lte=moment
        ).values_list("notice__bulletin__unit__path", "channel")
        rows = deliveries.annotate(
            delivered=Count("id", filter=delivered),
            read=Count("id", filter=Q(read_at__lte=moment)),
            failed=Count("id", filter=failed),
            relayed=Count("id", filter=Q(relay__isnull=False, relay_confirmed_at__lte=moment)),
        ).order_by()
        for path, channel, n_delivered, n_read, n_failed, n_relayed in rows:
            found = {
                f"bulletins.reach.channel.{channel}": n_delivered,
                "bulletins.reach.delivered": n_delivered,
                f"bulletins.read.channel.{channel}": n_read,
                "bulletins.reach.read": n_read,
                f"bulletins.failed.channel.{channel}": n_failed,
                "bulletins.failed": n_failed,
                "bulletins.reach.relayed": n_relayed,
            }
            for metric, amount in found.items():
                if amount:
                    add_to_ancestors(values, path, measured, metric, amount)
        return values

    def summary(self, values: Mapping[str, int]) -> list[Figure]:
        return [
            Figure("bulletins.sent", _("Bulletins published"), values.get("bulletins.sent", 0), short=_("Bulletins")),
        ]

    def details(self, values: Mapping[str, int]) -> list[Figure]:
        figures = [
            Figure(
                "bulletins.reach.delivered",
                _("Bulletin deliveries confirmed"),
                values.get("bulletins.reach.delivered", 0),
            ),
            Figure("bulletins.sent.urgent", _("Urgent bulletins"), values.get("bulletins.sent.urgent", 0)),
            Figure("bulletins.reach.read", _("Bulletin deliveries read"), values.get("bulletins.reach.read", 0)),
            Figure(
                "bulletins.reach.relayed",
                _("Bulletins read out by a relay"),
                values.get("bulletins.reach.relayed", 0),
            ),
            Figure("bulletins.failed", _("Bulletin deliveries failed"), values.get("bulletins.failed", 0)),
        ]
        for channel, label in channel_labels():
            figures += [
                Figure(
                    f"bulletins.reach.channel.{channel}",
                    _("Delivered by %(channel)s") % {"channel": label},
                    values.get(f"bulletins.reach.channel.{channel}", 0),
                ),
                Figure(
                    f"bulletins.read.channel.{channel}",
                    _("Read by %(channel)s") % {"channel": label},
                    values.get(f"bulletins.read.channel.{channel}", 0),
                ),
                Figure(
                    f"bulletins.failed.channel.{channel}",
                    _("Failed by %(channel)s") % {"channel": label},
                    values.get(f"bulletins.failed.channel.{channel}", 0),
                ),
            ]
        return figures

    def charts(self, history: History, latest: Mapping[str, int]) -> list[Chart]:
        bars = [(label, latest.get(f"bulletins.reach.channel.{channel}", 0)) for channel, label in channel_labels()]
        relayed = latest.get("bulletins.reach.relayed", 0)
        if relayed:
            bars.append((str(_("Read out by a relay")), relayed))
        return [
            Chart("bulletins_reach", str(_("Bulletin reach by channel")), "bars", bars=[bar for bar in bars if bar[1]]),
            Chart(
                "bulletins_over_time",
                str(_("Bulletins over time")),
                "line",
                series=[
                    (str(_("Bulletins published")), history.series("bulletins.sent")),
                    (str(_("Deliveries confirmed")), history.series("bulletins.reach.delivered")),
                ],
            ),
        ]
