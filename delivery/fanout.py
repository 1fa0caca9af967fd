"""Set-based fan-out: one INSERT … SELECT writes every recipient's delivery row.

The database resolves the recipient set (deduplicated by the `IN` semi-join and by the unique
constraint), the relay of members without a smartphone, and each recipient's first channel
(through `Route`). Python never holds the recipient list, so memory and query count stay flat
whatever the audience size. See docs/fanout.md.

A notice's first fan-out, in the transaction that created it (`first=True`), writes without
`ON CONFLICT DO NOTHING`, which cost a million-row publish on PostgreSQL nearly as much again as
the rows themselves (docs/benchmarks.md, "fanout"): nothing can conflict there, since the `IN`
semi-join yields each member once and no other transaction sees the notice yet. The unique
constraint stays, so a mistake would fail the publish, never send twice. Later fan-outs to the
same notice (adding recipients) keep `ON CONFLICT`.

The rows have no foreign-key constraints (their checks at commit were half of a publish's time):
each fan-out holds the fan-out lock shared, so that deleting or erasing a member or deleting a
notice waits for it and it cannot leave a row pointing at nobody (delivery/integrity.py).
"""

from collections.abc import Iterable
from itertools import islice

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from channels.registry import channel_types
from delivery.integrity import lock_for_fan_out
from delivery.models import PRIORITY_RANK, Delivery, DeliveryStatus, Notice, Route
from people.models import Person

# Why a recipient cannot be reached; shown in reach figures (translated in docs/templates).
UNREACHABLE = "no smartphone and no relay"
ID_BATCH = 500


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _insert_sql(recipient_sql: str, *, inbox_only: bool = False, first_channel: str = "", first: bool = False) -> str:
    delivery, notice, person, route = _table(Delivery), _table(Notice), _table(Person), _table(Route)
    # The member themself, or their relay when they have no smartphone.
    target = "CASE WHEN p.has_smartphone THEN p.id ELSE p.relay_id END"
    if inbox_only:
        channel = "'web'"
    elif first_channel:
        if first_channel not in channel_types():  # a registered slug, safe to write in
            raise ValueError(f"unknown channel {first_channel!r}")
        channel = f"'{first_channel}'"
    else:
        channel = "COALESCE(r.first_channel, 'web')"
    # Only table names and constants are formatted in; every value is a query parameter.
    return f"""
        INSERT INTO {delivery}
            (notice_id, person_id, relay_id, channel, status, rank, attempts, next_attempt_at,
             created_at, delivered_at, error)
        SELECT %s, p.id,
            CASE WHEN p.has_smartphone THEN NULL ELSE p.relay_id END,
            {channel},
            CASE WHEN {target} IS NULL THEN '{DeliveryStatus.FAILED}'
                 WHEN {channel} = 'web' THEN '{DeliveryStatus.DELIVERED}'
                 ELSE '{DeliveryStatus.QUEUED}' END,
            %s, 0, %s, %s,
            CASE WHEN {target} IS NOT NULL AND {channel} = 'web' THEN %s END,
            CASE WHEN {target} IS NULL THEN '{UNREACHABLE}' ELSE '' END
        FROM {person} p
        LEFT JOIN {route} r ON r.person_id = {target}
        WHERE EXISTS (SELECT 1 FROM {notice} n WHERE n.id = %s)  -- not deleted meanwhile: no constraint says so
          AND p.is_active AND p.id IN ({recipient_sql})
        {"" if first else "ON CONFLICT (notice_id, person_id) DO NOTHING"}
    """  # noqa: S608


def _run(notice: Notice, recipient_sql: str, recipient_params: list | tuple, *, first: bool = False) -> int:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [notice.pk, PRIORITY_RANK[notice.priority], now, now, now, notice.pk, *recipient_params]
    with connection.cursor() as cursor:
        sql = _insert_sql(recipient_sql, inbox_only=notice.inbox_only, first_channel=notice.channel, first=first)
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def fan_out_query(notice: Notice, recipients: QuerySet, *, first: bool = False) -> int:
    """Insert deliveries for every person the queryset yields (a Person queryset, or a values
    queryset of person ids such as memberships' `person_id`); returns the rows added. `first`:
    the notice was created in this transaction and has no deliveries yet (the module's docstring)."""
    lock_for_fan_out()
    if recipients.model is Person:
        recipients = recipients.values("pk")
    # Ordering means nothing in an IN subquery, and with DISTINCT it would add a column to it.
    sql, params = recipients.order_by().query.sql_with_params()
    return _run(notice, sql, params, first=first)


def fan_out_ids(notice: Notice, person_ids: Iterable[int], *, first: bool = False) -> int:
    """Insert deliveries for person ids given in Python, in batches (one query per batch).
    `first`: as for `fan_out_query`; an id given twice is then dropped here, since two batches
    holding it would otherwise both insert it."""
    lock_for_fan_out()
    added = 0
    iterator = iter(dict.fromkeys(int(pk) for pk in person_ids) if first else person_ids)
    while batch := [int(pk) for pk in islice(iterator, ID_BATCH)]:
        placeholders = ", ".join(["%s"] * len(batch))
        sql = f"SELECT id FROM {_table(Person)} WHERE id IN ({placeholders})"  # noqa: S608 — ids are parameters
        added += _run(notice, sql, batch, first=first)
    return added
