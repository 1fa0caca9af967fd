"""A delivery never points at nobody: what the foreign-key constraints of `Delivery` guaranteed,
held without them (docs/fanout.md, "Deliveries never point at a deleted member or notice").

The constraints cost half of a million-row publish on PostgreSQL (a lookup and a row lock on the
member and on the notice for every row, at commit; docs/benchmarks.md, "fanout"). What they
prevented was one race: a member or notice deleted while a publish that selects them is in
flight. Without them the rows are kept right this way:

* A fan-out holds the fan-out lock shared (`lock_for_fan_out`) from just before its INSERT …
  SELECT until it commits; any number of fan-outs run at once.
* Whatever deletes a member or a notice, or erases a member's data, holds it exclusively
  (`lock_out_fan_outs`) until it commits: it waits for the fan-outs in flight, which have then
  committed their rows, and a fan-out that starts meanwhile waits for it and then no longer
  selects the member (deleted or inactive). Every ORM deletion of a `Person` or a `Notice` (the
  admin's included) takes it in `receivers.keep_no_deliveries_of_deleted_rows` and removes the
  rows the deletion's collector had not seen; the privacy erasure takes it before it reads.
* On SQLite there is nothing to take: every transaction begins IMMEDIATE (settings), so writers
  already run one after the other.
* `sweep_orphans`, run daily (SCHEDULED_JOBS), removes any delivery a path around these could
  still have left (a raw `DELETE`, a restored dump) and logs it as an error: it should find 0.

Read committed isolation (Django's default) matters: the INSERT … SELECT takes its snapshot when
it starts, after the lock is granted, so it sees what the deletion committed.
"""

import logging

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet

from delivery.models import Delivery, Notice
from people.models import Person

logger = logging.getLogger(__name__)

# The advisory lock's key on PostgreSQL: any constant no other part of the project uses.
FAN_OUT_LOCK = 14_000_001


def lock_for_fan_out() -> None:
    """Hold the fan-out lock shared until the current transaction ends (PostgreSQL)."""
    _lock("pg_advisory_xact_lock_shared")


def lock_out_fan_outs() -> None:
    """Wait for the fan-outs in flight and keep new ones out until the current transaction ends."""
    _lock("pg_advisory_xact_lock")


def _lock(function: str) -> None:
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("the fan-out lock lasts for a transaction: take it inside transaction.atomic()")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [FAN_OUT_LOCK])


def orphans() -> dict[str, QuerySet[Delivery]]:
    """Deliveries whose member or notice no longer exists, and those relayed through a member who
    no longer exists (each one anti-join over the table)."""
    return {
        "person": Delivery.objects.filter(~Exists(Person.objects.filter(pk=OuterRef("person_id")))),
        "notice": Delivery.objects.filter(~Exists(Notice.objects.filter(pk=OuterRef("notice_id")))),
        "relay": Delivery.objects.filter(relay_id__isnull=False).filter(
            ~Exists(Person.objects.filter(pk=OuterRef("relay_id")))
        ),
    }


def sweep_orphans() -> dict[str, int]:
    """Remove the deliveries that point at nobody and clear the relays that are gone; log any found
    as an error. No lock: a row that points at nobody stays so, and a fan-out in flight writes
    rows only for members and a notice that exist."""
    found = orphans()
    with transaction.atomic():
        swept = {
            "person": found["person"].delete()[1].get(Delivery._meta.label, 0),
            "notice": found["notice"].delete()[1].get(Delivery._meta.label, 0),
            "relay": found["relay"].update(relay=None),
        }
    if any(swept.values()):
        logger.error("deliveries pointing at a deleted member or notice: %s", swept)
    return swept
