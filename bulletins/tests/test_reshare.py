import pytest

from bulletins.actions import check_create_post, check_reshare_post
from bulletins.audience import Audience
from core.errors import PermissionDenied
from delivery.models import Delivery
from groups.actions import check_add_member, check_create_group
from groups.models import GroupKind

pytestmark = pytest.mark.django_db


def test_a_members_post_reaches_the_other_members_of_their_group(world):
    post = check_create_post(world.leader, world.rg_group, "Phát hiện một con trâu đi lạc ở ấp Phước Hội.")

    recipients = set(Delivery.objects.filter(notice=post.notice).values_list("person_id", flat=True))
    assert recipients == {world.resident.pk, world.relay.pk, world.elder.pk}


def test_the_steering_committee_reshares_a_found_buffalo_to_every_group_and_the_neighbouring_commune(world):
    owner_group = check_create_group(world.admin, world.neighbour, name="Nhóm xã Suối Đá", kind=GroupKind.COMMUNE)
    check_add_member(world.admin, owner_group, world.stranger)  # the buffalo's owner lives next door
    post = check_create_post(world.leader, world.rg_group, "Phát hiện một con trâu đi lạc ở ấp Phước Hội.")

    bulletin = check_reshare_post(
        world.steering,
        post,
        audience=Audience(unit=world.commune, neighbours=[world.neighbour]),
        note="Ai mất trâu liên hệ tổ trưởng Tâm.",
    )

    assert bulletin.reshared_post == post and bulletin.notice is not None
    assert "trâu đi lạc" in bulletin.body_html and "Ai mất trâu" in bulletin.body_html
    assert bulletin.notice.deliveries.filter(person=world.stranger).exists()
    assert bulletin.notice.deliveries.filter(person=world.officer).count() == 1


def test_a_resident_cannot_reshare(world):
    post = check_create_post(world.leader, world.rg_group, "Mất ví ở chợ.")
    with pytest.raises(PermissionDenied):
        check_reshare_post(world.resident, post, audience=Audience(unit=world.commune))


def test_an_outsider_cannot_post_to_a_group(world):
    with pytest.raises(PermissionDenied):
        check_create_post(world.stranger, world.rg_group, "Quảng cáo cho vay")
