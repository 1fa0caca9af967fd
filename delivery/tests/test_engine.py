import time
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from canhgiac.testing import give_email
from coverage.actions import check_add_household_member
from delivery.attempt import DrainResult
from delivery.engine import claim, drain, new_worker_id, next_due, process_batch
from delivery.models import Attempt, Delivery, DeliveryStatus
from delivery.notify import notify
from delivery.sender import quiet_until
from groups.actions import check_add_member

pytestmark = pytest.mark.django_db


def email_members(world, count: int, prefix: str = "m"):
    people = []
    for index in range(count):
        person = check_add_household_member(
            world.officer, world.household, full_name=f"Thành viên {index}", phone=f"090300{index:04d}"
        )
        check_add_member(world.leader, world.rg_group, person)
        give_email(person, f"{prefix}{index}@example.vn")
        people.append(person)
    return people


def test_two_workers_never_claim_the_same_delivery(world):
    people = email_members(world, 6)
    notify([p.pk for p in people], subject="Tin", body="")

    first = claim("worker-a", 4)
    second = claim("worker-b", 4)

    assert len(first) == 4 and len(second) == 2
    assert not {d.pk for d in first} & {d.pk for d in second}
    assert claim("worker-c", 4) == []


def test_a_delivery_held_by_a_dead_worker_is_taken_over_when_its_lease_expires(world, settings):
    people = email_members(world, 2)
    notify([p.pk for p in people], subject="Tin", body="")
    held = claim("dead-worker", 10)

    assert claim("live-worker", 10, now=timezone.now() + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS - 5)) == []
    later = timezone.now() + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS + 5)
    taken = claim("live-worker", 10, now=later)
    assert {d.pk for d in taken} == {d.pk for d in held}


def test_deliveries_a_worker_holds_are_not_due_again_before_their_lease_ends(world, settings):
    """Otherwise every finishing task would enqueue another that finds nothing to take."""
    people = email_members(world, 2)
    notify([p.pk for p in people], subject="Tin", body="")
    due = next_due()
    assert due is not None and due <= timezone.now()

    claim("busy-worker", 10)
    lease = timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    due = next_due()
    assert due is not None and timezone.now() + lease - timedelta(seconds=5) < due <= timezone.now() + lease

    due = next_due(now=timezone.now() + lease + timedelta(seconds=1))
    assert due is not None and due <= timezone.now()


def test_the_rate_limit_of_a_channel_defers_the_excess_to_the_next_minute(world, smtp_server, settings):
    settings.CHANNEL_LIMITS = {"email": {"rate_per_minute": 3}}
    people = email_members(world, 5)
    notice = notify([p.pk for p in people], subject="Tin", body="")
    # The budget is per clock minute: start the drain well inside one, or a new minute's budget
    # would rightly let the last two through.
    second = timezone.now().second
    if second >= 50:
        time.sleep(60.5 - second)

    result = drain()

    assert result.sent == 3 and result.deferred == 2
    assert len(smtp_server.messages) == 3
    waiting = Delivery.objects.filter(notice=notice, status=DeliveryStatus.QUEUED)
    assert waiting.count() == 2
    for d in waiting:
        assert d.next_attempt_at is not None
        assert d.next_attempt_at > timezone.now() and d.next_attempt_at.second == 0


def test_quiet_hours_hold_normal_news_but_not_urgent_alerts(world, smtp_server, settings):
    local_now = timezone.localtime()
    start, end = (local_now - timedelta(hours=1)).time(), (local_now + timedelta(hours=1)).time()
    settings.CHANNEL_LIMITS = {"email": {"quiet_hours": f"{start:%H:%M}-{end:%H:%M}"}}
    people = email_members(world, 2)
    normal = notify([people[0].pk], subject="Tin thường", body="")
    urgent = notify([people[1].pk], subject="Khẩn", body="", priority="urgent")

    drain()

    held = Delivery.objects.get(notice=normal)
    assert held.status == DeliveryStatus.QUEUED
    assert timezone.localtime(held.next_attempt_at).strftime("%H:%M") == f"{end:%H:%M}"
    assert Delivery.objects.get(notice=urgent).status == DeliveryStatus.DELIVERED
    with translation.override(people[1].language):
        expected = translation.gettext("[URGENT] %(subject)s") % {"subject": "Khẩn"}
    assert [m["Subject"] for m in smtp_server.messages] == [expected]


def test_quiet_hours_across_midnight_end_the_next_morning(settings):
    settings.CHANNEL_LIMITS = {"email": {"quiet_hours": "22:00-06:00"}}
    late = timezone.localtime().replace(hour=23, minute=30)
    until = quiet_until("email", late)
    assert until is not None and until.hour == 6 and until.date() == (late + timedelta(days=1)).date()
    assert quiet_until("email", late.replace(hour=12)) is None


def test_an_urgent_alert_overtakes_a_large_bulletin_already_being_sent(world, smtp_server):
    people = email_members(world, 12, prefix="bulk")
    urgent_people = email_members(world, 3, prefix="alert")
    for person in urgent_people:
        person.deliveries.all().delete()
    bulletin = notify([p.pk for p in people], subject="Bản tin dài", body="")
    worker = new_worker_id()
    process_batch(claim(worker, 4), worker, DrainResult())  # the bulletin is being delivered…

    alert = notify([p.pk for p in urgent_people], subject="Trâu lạc", body="", priority="urgent")
    drain(batch_size=4)

    order = list(Attempt.objects.filter(ok=True).order_by("at", "id").values_list("delivery__notice_id", flat=True))
    assert order[:4] == [bulletin.pk] * 4
    assert order[4:7] == [alert.pk] * 3
    assert order[7:] == [bulletin.pk] * 8


def test_a_delivery_finished_by_another_worker_is_not_overwritten(world, smtp_server):
    [person] = email_members(world, 1)
    notify([person.pk], subject="Tin", body="")
    [delivery] = claim("slow-worker", 1)
    Delivery.objects.filter(pk=delivery.pk).update(claimed_by="another-worker")

    process_batch([delivery], "slow-worker", DrainResult())

    delivery.refresh_from_db()
    assert delivery.claimed_by == "another-worker" and delivery.status == DeliveryStatus.QUEUED
