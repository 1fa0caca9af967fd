"""No delivery points at a deleted member or notice, without foreign-key constraints in the
database (docs/fanout.md, "Deliveries never point at a deleted member or notice").

Deleting a member or a notice takes their deliveries with it, a relay's deletion clears the
relay, and a fan-out that commits while a deletion is under way leaves no row behind. The
threaded tests at the end race two connections on PostgreSQL; SQLite runs one writer at a time.
"""

import logging
import threading
import time

import pytest
from django.db import connection, transaction
from django.db.models.deletion import Collector

from delivery.actions import do_fan_out
from delivery.integrity import orphans
from delivery.models import Attempt, Delivery, Notice
from delivery.notify import notify
from delivery.tasks import sweep_orphan_deliveries
from groups.models import Membership
from people.models import Person
from privacy.actions import do_erase_person


def rg_members(world):
    return Membership.objects.filter(group=world.rg_group, status="active").values("person_id")


def group_notice(world) -> Notice:
    return notify(rg_members(world), subject="Cảnh giác trộm chó", body="Khuya có người lạ, nhớ khóa cổng.")


def no_orphans() -> bool:
    return not any(rows.exists() for rows in orphans().values())


def delete_with_a_publish_in_between(world, instance) -> Notice:
    """Delete as Model.delete() does, with a bulletin published between what Django reads first
    (the rows to cascade to) and the deletion itself."""
    collector = Collector(using="default", origin=instance)
    collector.collect([instance])
    late = group_notice(world)
    collector.delete()
    return late


def test_deleting_a_member_removes_their_deliveries_and_attempts(world, db):
    notice = group_notice(world)
    delivery = Delivery.objects.get(notice=notice, person=world.elder)
    Attempt.objects.create(delivery=delivery, channel="web", ok=True)

    Person.objects.get(pk=world.elder.pk).delete()

    assert not Delivery.objects.filter(person_id=world.elder.pk).exists()
    assert not Attempt.objects.filter(delivery_id=delivery.pk).exists()
    assert Delivery.objects.filter(notice=notice).count() == notice.recipient_count - 1
    assert no_orphans()


def test_deleting_a_notice_removes_its_deliveries(world):
    notice, other = group_notice(world), group_notice(world)

    Notice.objects.filter(pk=notice.pk).delete()

    assert not Delivery.objects.filter(notice_id=notice.pk).exists()
    assert Delivery.objects.filter(notice=other).count() == other.recipient_count
    assert no_orphans()


def test_deleting_a_relay_keeps_the_elders_delivery_without_a_relay(world):
    notice = group_notice(world)
    relayed = Delivery.objects.get(notice=notice, person=world.elder)
    assert relayed.relay_id == world.relay.pk

    Person.objects.get(pk=world.relay.pk).delete()

    relayed.refresh_from_db()
    assert relayed.relay_id is None
    assert no_orphans()


def test_a_bulletin_published_while_a_member_is_being_deleted_leaves_no_delivery_behind(world):
    late = delete_with_a_publish_in_between(world, Person.objects.get(pk=world.elder.pk))

    assert not Delivery.objects.filter(person_id=world.elder.pk).exists()
    assert Delivery.objects.filter(notice=late).exists()
    assert no_orphans()


def test_a_bulletin_published_while_a_relay_is_being_deleted_keeps_no_relay(world):
    late = delete_with_a_publish_in_between(world, Person.objects.get(pk=world.relay.pk))

    assert Delivery.objects.get(notice=late, person=world.elder).relay_id is None
    assert no_orphans()


def test_a_fan_out_to_a_notice_deleted_meanwhile_writes_nothing(world):
    notice = group_notice(world)
    Notice.objects.filter(pk=notice.pk).delete()

    assert do_fan_out(notice, rg_members(world)) == 0
    assert not Delivery.objects.filter(notice_id=notice.pk).exists()


def test_the_daily_sweep_removes_a_delivery_that_points_at_nobody_and_says_so(world, caplog):
    notice = group_notice(world)
    Delivery.objects.create(notice=notice, person_id=10**9, channel="web", status="delivered")

    with caplog.at_level(logging.ERROR, logger="delivery.integrity"):
        assert sweep_orphan_deliveries.call() == {"person": 1, "notice": 0, "relay": 0}
    assert "deleted member or notice" in caplog.text
    assert sweep_orphan_deliveries.call() == {"person": 0, "notice": 0, "relay": 0}
    assert Delivery.objects.filter(notice=notice).count() == notice.recipient_count


# Two connections at once, on PostgreSQL: one publishes and holds its transaction open.

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time (IMMEDIATE transactions)"
)


def waiting_for_the_fan_out_lock() -> bool:
    """Whether another connection waits for the fan-out lock, polled for up to 10 s."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


class InThread(threading.Thread):
    """Run a function on its own database connection; keep its result or its error."""

    def __init__(self, function):
        super().__init__(daemon=True)
        self.function, self.result, self.error = function, None, None

    def run(self):
        try:
            self.result = self.function()
        except Exception as error:  # reported by the test
            self.error = error
        finally:
            connection.close()

    def finish(self):
        self.join(timeout=30)
        assert not self.is_alive() and self.error is None, self.error
        return self.result


def publish_and_hold(world, release: threading.Event, published: threading.Event):
    def publish():
        with transaction.atomic():
            notice = group_notice(world)
            published.set()
            release.wait(timeout=20)
        return notice

    return InThread(publish)


@postgres_only
def test_an_erasure_waits_for_a_publish_in_flight_then_removes_its_delivery(live_world):
    world, release, published = live_world, threading.Event(), threading.Event()
    publishing = publish_and_hold(world, release, published)
    publishing.start()
    assert published.wait(timeout=20)

    erasing = InThread(lambda: do_erase_person(Person.objects.get(pk=world.resident.pk)))
    erasing.start()
    assert waiting_for_the_fan_out_lock()
    release.set()
    notice = publishing.finish()
    erasing.finish()

    assert Delivery.objects.filter(notice=notice).exists()
    assert not Delivery.objects.filter(person_id=world.resident.pk).exists()


@postgres_only
def test_a_publish_during_an_erasure_waits_and_then_leaves_the_person_out(live_world):
    world, release, erased = live_world, threading.Event(), threading.Event()

    def erase_and_hold():
        with transaction.atomic():
            do_erase_person(Person.objects.get(pk=world.resident.pk))
            erased.set()
            release.wait(timeout=20)

    erasing = InThread(erase_and_hold)
    erasing.start()
    assert erased.wait(timeout=20)
    publishing = InThread(lambda: group_notice(world))
    publishing.start()
    assert waiting_for_the_fan_out_lock()
    release.set()
    erasing.finish()
    notice = publishing.finish()

    assert Delivery.objects.filter(notice=notice).exists()
    assert not Delivery.objects.filter(person_id=world.resident.pk).exists()


@postgres_only
def test_deleting_a_member_waits_for_a_publish_in_flight_which_succeeds(live_world):
    world, release, published = live_world, threading.Event(), threading.Event()
    publishing = publish_and_hold(world, release, published)
    publishing.start()
    assert published.wait(timeout=20)

    deleting = InThread(lambda: Person.objects.get(pk=world.elder.pk).delete())
    deleting.start()
    assert waiting_for_the_fan_out_lock()
    release.set()
    notice = publishing.finish()
    deleting.finish()

    assert Delivery.objects.filter(notice=notice).count() == notice.recipient_count - 1
    assert not Delivery.objects.filter(person_id=world.elder.pk).exists()
    assert no_orphans()
