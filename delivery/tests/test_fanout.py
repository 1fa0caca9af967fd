import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coverage.actions import check_add_household_member
from delivery.actions import do_fan_out
from delivery.models import Delivery, DeliveryStatus
from delivery.notify import notify
from groups.actions import check_add_member
from groups.models import Membership
from people.models import Person

pytestmark = pytest.mark.django_db


def members_of(*groups):
    return Membership.objects.filter(group__in=groups, status="active").values("person_id")


def test_a_member_of_several_targeted_groups_gets_one_delivery(world):
    check_add_member(world.officer, world.hamlet_group, world.resident)
    check_add_member(world.officer, world.rg2_group, world.resident)

    notice = notify(members_of(world.rg_group, world.hamlet_group, world.rg2_group), subject="Cảnh báo", body="…")

    assert Delivery.objects.filter(notice=notice, person=world.resident).count() == 1
    expected = (
        Membership.objects.filter(group__in=[world.rg_group, world.hamlet_group, world.rg2_group], status="active")
        .values("person_id")
        .distinct()
        .count()
    )
    assert notice.recipient_count == expected == Delivery.objects.filter(notice=notice).count()


def test_running_fan_out_again_adds_no_duplicate(world):
    notice = notify(members_of(world.rg_group), subject="Tin", body="…")
    before = Delivery.objects.filter(notice=notice).count()

    assert do_fan_out(notice, members_of(world.rg_group, world.hamlet_group)) == 1  # only the officer is new
    assert do_fan_out(notice, members_of(world.rg_group, world.hamlet_group)) == 0
    assert Delivery.objects.filter(notice=notice).count() == before + 1


def test_fan_out_query_count_does_not_grow_with_recipients(world):
    def queries_for_publish():
        with CaptureQueriesContext(connection) as captured:
            notify(members_of(world.rg_group), subject="Tin", body="…")
        return len(captured)

    small = queries_for_publish()
    for index in range(40):
        person = check_add_household_member(world.officer, world.household, full_name=f"Thành viên {index}")
        check_add_member(world.leader, world.rg_group, person)
    large = queries_for_publish()

    assert Membership.objects.filter(group=world.rg_group).count() > 40
    assert large == small


def test_a_member_without_a_smartphone_is_reached_through_their_relay(world):
    notice = notify(members_of(world.rg_group), subject="Tin", body="…")

    elder = Delivery.objects.get(notice=notice, person=world.elder)
    assert elder.relay == world.relay
    assert elder.status == DeliveryStatus.DELIVERED and elder.channel == "web"
    own = Delivery.objects.get(notice=notice, person=world.relay)
    assert own.relay is None


def test_a_member_without_a_smartphone_or_relay_is_counted_as_failed_with_the_reason(world):
    lonely = check_add_household_member(world.officer, world.household, full_name="Ông Tư", has_smartphone=False)
    check_add_member(world.leader, world.rg_group, lonely)

    notice = notify(members_of(world.rg_group), subject="Tin", body="…")

    delivery = Delivery.objects.get(notice=notice, person=lonely)
    assert delivery.status == DeliveryStatus.FAILED
    assert "relay" in delivery.error


def test_notify_accepts_person_ids_and_querysets_alike(world):
    ids = [world.resident.pk, world.resident.pk, world.leader.pk]
    by_ids = notify(ids, subject="A", body="")
    by_query = notify(Person.objects.filter(pk__in=ids), subject="B", body="")

    assert sorted(by_ids.deliveries.values_list("person_id", flat=True)) == sorted(set(ids))
    assert sorted(by_query.deliveries.values_list("person_id", flat=True)) == sorted(set(ids))


def test_inactive_people_receive_nothing(world):
    Person.objects.filter(pk=world.resident.pk).update(is_active=False)

    notice = notify(members_of(world.rg_group), subject="Tin", body="…")

    assert not notice.deliveries.filter(person=world.resident).exists()


def test_an_unknown_priority_is_refused(world):
    with pytest.raises(ValueError):
        notify([world.resident.pk], subject="A", body="", priority="whenever")


def test_a_notice_to_a_list_naming_someone_twice_in_different_batches_reaches_them_once(world):
    """A notice's first fan-out writes without ON CONFLICT (docs/fanout.md): an id given again
    after a whole batch must not be inserted a second time."""
    from delivery.fanout import ID_BATCH

    many = Person.objects.bulk_create(
        Person(phone=f"0912{index:06d}", full_name=f"Cư dân {index}") for index in range(ID_BATCH + 10)
    )
    ids = [world.resident.pk, *(p.pk for p in many), world.resident.pk, many[0].pk]

    notice = notify(ids, subject="Cảnh báo", body="…")

    assert Delivery.objects.filter(notice=notice, person=world.resident).count() == 1
    assert notice.recipient_count == len(many) + 1 == Delivery.objects.filter(notice=notice).count()


def test_only_a_notices_first_fan_out_goes_without_on_conflict(world):
    """What a million-row publish saves (docs/benchmarks.md, "fanout"); adding recipients to a
    notice that has deliveries keeps the rows it has."""
    with CaptureQueriesContext(connection) as first:
        notice = notify(members_of(world.rg_group), subject="Tin", body="…")
    with CaptureQueriesContext(connection) as later:
        assert do_fan_out(notice, members_of(world.rg_group, world.hamlet_group)) == 1

    def inserts(captured) -> list[str]:
        return [q["sql"] for q in captured.captured_queries if 'INSERT INTO "delivery_delivery"' in q["sql"]]

    assert inserts(first) and not any("ON CONFLICT" in sql for sql in inserts(first))
    assert inserts(later) and all("ON CONFLICT" in sql for sql in inserts(later))
