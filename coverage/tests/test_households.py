import pytest

from audit.models import AuditEvent
from canhgiac.testing import signed_in
from core.errors import ActionError, PermissionDenied
from coverage.actions import check_add_household_member, check_remove_household_member, check_set_relay
from groups.permissions import active_membership


def test_door_to_door_a_leader_adds_a_member_who_joins_the_residential_group_at_once(world, client):
    signed_in(client, world.leader)
    client.post(
        f"/households/{world.household.pk}/",
        {"full_name": "Nguyễn Văn Bé", "phone": "0907 555 111", "has_smartphone": "on", "enroll": "on"},
    )
    newcomer = world.household.members.get(full_name="Nguyễn Văn Bé")
    assert newcomer.phone == "+84907555111"
    assert active_membership(newcomer, world.rg_group) is not None


def test_a_member_with_a_smartphone_needs_a_phone_number(world, client):
    signed_in(client, world.leader)
    response = client.post(f"/households/{world.household.pk}/", {"full_name": "Không Số", "has_smartphone": "on"})
    assert response.status_code == 200
    assert not world.household.members.filter(full_name="Không Số").exists()


def test_a_phone_already_in_another_household_is_refused(world):
    with pytest.raises(ActionError, match="another household"):
        check_add_household_member(world.officer, world.household, full_name="Lê Hoàng Tâm", phone="0901000003")


def test_the_address_is_changed_and_audited(world, client):
    signed_in(client, world.leader)
    client.post(f"/households/{world.household.pk}/edit/", {"address": "Số 14 đường Phước Ninh"})
    world.household.refresh_from_db()
    assert world.household.address == "Số 14 đường Phước Ninh"
    assert AuditEvent.objects.filter(verb="household.updated").exists()


def test_a_member_who_moved_away_is_taken_out_of_the_household(world):
    check_remove_household_member(world.leader, world.resident)
    world.resident.refresh_from_db()
    assert world.resident.household is None
    with pytest.raises(PermissionDenied):
        check_remove_household_member(world.stranger, world.relay)


def test_a_relay_must_have_a_smartphone_and_cannot_be_relayed_themself(world):
    with pytest.raises(ActionError, match="smartphone"):
        check_set_relay(world.officer, world.resident, world.elder)
    with pytest.raises(ActionError, match="own relay"):
        check_set_relay(world.officer, world.elder, world.elder)


def test_a_leader_sets_a_relay_for_an_elder_from_the_household_page(world, client):
    signed_in(client, world.leader)
    client.post(f"/households/{world.household.pk}/members/{world.elder.pk}/relay/", {"relay": world.resident.pk})
    world.elder.refresh_from_db()
    assert world.elder.relay == world.resident and not world.elder.has_smartphone
