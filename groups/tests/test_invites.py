from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ActionError, PermissionDenied
from groups.actions import check_create_invite, check_join_with_invite, check_revoke_invite
from groups.models import Invite, MembershipStatus
from groups.permissions import active_membership


def test_a_leader_invites_and_a_neighbour_joins_with_the_link(world):
    invite = check_create_invite(world.leader, world.rg_group, days=7, max_uses=10)
    membership = check_join_with_invite(world.stranger, invite.token)
    assert membership.status == MembershipStatus.ACTIVE and membership.role == "member"
    invite.refresh_from_db()
    assert invite.uses == 1


def test_joining_twice_does_not_use_the_invite_again(world):
    invite = check_create_invite(world.leader, world.rg_group, days=7, max_uses=10)
    check_join_with_invite(world.stranger, invite.token)
    check_join_with_invite(world.stranger, invite.token)
    invite.refresh_from_db()
    assert invite.uses == 1


def test_an_expired_invite_is_refused_with_a_reason(world):
    invite = check_create_invite(world.leader, world.rg_group, days=1, max_uses=10)
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ActionError, match="expired"):
        check_join_with_invite(world.stranger, invite.token)
    assert active_membership(world.stranger, world.rg_group) is None


def test_an_invite_stops_at_its_maximum_uses(world):
    from people.models import Person

    invite = check_create_invite(world.leader, world.rg_group, days=1, max_uses=2)
    for number in range(2):
        check_join_with_invite(Person.objects.create_user(f"090700100{number}", f"Người {number}"), invite.token)
    with pytest.raises(ActionError, match="maximum number of times"):
        check_join_with_invite(world.stranger, invite.token)


def test_a_withdrawn_invite_no_longer_works(world):
    invite = check_create_invite(world.leader, world.rg_group, days=1, max_uses=5)
    check_revoke_invite(world.leader, invite)
    with pytest.raises(ActionError, match="withdrawn"):
        check_join_with_invite(world.stranger, invite.token)


def test_an_unknown_token_is_refused(world):
    with pytest.raises(ActionError, match="not valid"):
        check_join_with_invite(world.stranger, "no-such-token")


def test_only_those_who_manage_the_group_create_invites(world):
    with pytest.raises(PermissionDenied):
        check_create_invite(world.resident, world.rg_group)
    with pytest.raises(PermissionDenied):
        check_create_invite(world.far_officer, world.rg_group)
    assert check_create_invite(world.officer, world.rg_group).group == world.rg_group


@pytest.mark.parametrize(("days", "uses"), [(0, 10), (91, 10), (7, 0), (7, 1001)])
def test_invite_limits_are_checked(world, days, uses):
    with pytest.raises(ActionError):
        check_create_invite(world.leader, world.rg_group, days=days, max_uses=uses)
