import pytest

from bulletins.actions import check_publish_bulletin
from bulletins.audience import Audience
from bulletins.models import Category
from delivery.notify import notify
from delivery.permissions import can_follow_relays, can_view_reach

pytestmark = pytest.mark.django_db


def test_a_notices_reach_is_for_its_sender_and_the_officers_over_its_bulletin(world):
    notice = notify([world.resident.pk], subject="Tin", body="", sender=world.leader)
    assert can_view_reach(world.leader, notice)
    assert not can_view_reach(world.resident, notice)
    assert not can_view_reach(world.officer, notice)

    bulletin = check_publish_bulletin(
        world.steering,
        title="Tin",
        body_html="<p>…</p>",
        category=Category.OTHER,
        audience=Audience(groups=[world.rg_group]),
    )
    assert bulletin.notice is not None
    assert can_view_reach(world.officer, bulletin.notice)
    assert can_view_reach(world.province_officer, bulletin.notice)
    assert not can_view_reach(world.far_officer, bulletin.notice)
    assert not can_view_reach(world.resident, bulletin.notice)


def test_relays_are_followed_up_by_the_group_leader_and_officers(world):
    assert can_follow_relays(world.leader, world.rg_group)
    assert can_follow_relays(world.officer, world.rg_group)
    assert not can_follow_relays(world.resident, world.rg_group)
    assert not can_follow_relays(world.relay, world.rg_group)
    assert not can_follow_relays(world.far_officer, world.rg_group)
