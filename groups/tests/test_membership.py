import pytest

from audit.models import AuditEvent
from core.errors import ActionError, PermissionDenied
from groups.actions import (
    check_create_group,
    check_decide_join_request,
    check_leave_group,
    check_remove_member,
    check_request_join,
    check_set_role,
)
from groups.models import GroupKind, GroupRole, JoinRequestStatus, Membership, MembershipStatus
from groups.permissions import active_membership, can_manage_group, can_view_group


def test_a_join_request_waits_for_the_leader_and_approval_makes_a_member(world):
    request = check_request_join(world.stranger, world.rg_group, "Tôi mới chuyển đến tổ 1")
    assert active_membership(world.stranger, world.rg_group) is None
    assert check_request_join(world.stranger, world.rg_group) == request
    check_decide_join_request(world.leader, request, approve=True)
    assert active_membership(world.stranger, world.rg_group) is not None
    with pytest.raises(ActionError, match="already decided"):
        check_decide_join_request(world.leader, request, approve=False)


def test_a_rejected_request_leaves_the_person_outside(world):
    request = check_request_join(world.stranger, world.rg_group)
    check_decide_join_request(world.leader, request, approve=False)
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.REJECTED
    assert not can_view_group(world.stranger, world.rg_group)


def test_a_member_cannot_decide_requests(world):
    request = check_request_join(world.stranger, world.rg_group)
    with pytest.raises(PermissionDenied):
        check_decide_join_request(world.resident, request, approve=True)


def test_leaving_and_being_removed_end_the_membership_and_are_audited(world):
    check_leave_group(world.resident, world.rg_group)
    relay_membership = Membership.objects.get(group=world.rg_group, person=world.relay)
    check_remove_member(world.leader, relay_membership, reason="Chuyển đi nơi khác")
    statuses = dict(world.rg_group.memberships.values_list("person__full_name", "status"))
    assert statuses["Nguyễn Văn Thanh"] == MembershipStatus.LEFT
    assert statuses["Trần Thị Mai"] == MembershipStatus.REMOVED
    assert AuditEvent.objects.filter(verb="group.member_removed", reason="Chuyển đi nơi khác").exists()


def test_a_member_cannot_remove_others_nor_a_leader_hand_out_police_roles(world):
    leader_membership = Membership.objects.get(group=world.rg_group, person=world.leader)
    with pytest.raises(PermissionDenied):
        check_remove_member(world.resident, leader_membership)
    resident_membership = Membership.objects.get(group=world.rg_group, person=world.resident)
    with pytest.raises(PermissionDenied):
        check_set_role(world.leader, resident_membership, GroupRole.POLICE)
    check_set_role(world.leader, resident_membership, GroupRole.LEADER)
    assert can_manage_group(world.resident, world.rg_group)


def test_a_unit_group_must_sit_on_a_unit_of_its_level(world):
    with pytest.raises(ActionError, match="level"):
        check_create_group(world.officer, world.hamlet, name="Nhóm sai", kind=GroupKind.RESIDENTIAL_GROUP)
    patrol = check_create_group(world.officer, world.commune, name="Tổ tuần tra nhân dân", kind=GroupKind.PATROL)
    assert patrol.is_thematic and patrol.unit == world.commune
