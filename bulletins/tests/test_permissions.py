"""The publishing rules of bulletins/permissions.py, persona by persona."""

import pytest
from django.urls import reverse

from bulletins import permissions
from bulletins.actions import check_create_post
from bulletins.models import Post
from canhgiac.testing import signed_in
from groups.actions import check_create_group
from groups.models import GroupKind, Membership

pytestmark = pytest.mark.django_db


def test_police_and_steering_officers_may_publish_and_residents_and_leaders_may_not(world):
    assert permissions.can_publish(world.officer)
    assert permissions.can_publish(world.steering)
    assert permissions.can_publish(world.province_officer)
    assert not permissions.can_publish(world.resident)
    assert not permissions.can_publish(world.leader)
    assert not permissions.can_publish(world.stranger)


def test_an_officer_publishes_only_under_their_mandate(world):
    assert permissions.can_publish_to_group(world.officer, world.rg_group)
    assert permissions.can_publish_to_group(world.province_officer, world.rg_group)
    assert not permissions.can_publish_to_group(world.far_officer, world.rg_group)
    assert permissions.can_publish_to_unit(world.steering, world.hamlet)
    assert not permissions.can_publish_to_unit(world.steering, world.province)


def test_only_communes_neighbouring_a_managed_commune_may_be_added(world):
    assert permissions.can_add_neighbour(world.officer, world.neighbour)
    assert not permissions.can_add_neighbour(world.officer, world.far_commune)
    assert not permissions.can_add_neighbour(world.far_officer, world.neighbour)
    assert not permissions.can_add_neighbour(world.officer, world.hamlet)


def test_only_police_publish_as_official(world):
    assert permissions.publishes_as_police(world.officer, world.commune)
    assert permissions.publishes_as_police(world.province_officer, world.commune)
    assert not permissions.publishes_as_police(world.steering, world.commune)


def test_reshare_needs_a_mandate_over_the_posts_group(world):
    post = check_create_post(world.resident, world.rg_group, "Thấy người lạ")
    assert permissions.can_reshare(world.steering, post)
    assert permissions.can_reshare(world.officer, post)
    assert not permissions.can_reshare(world.leader, post)
    assert not permissions.can_reshare(world.far_officer, post)


def test_members_post_only_to_active_groups_they_belong_to(world):
    assert permissions.can_post_to_group(world.resident, world.rg_group)
    assert not permissions.can_post_to_group(world.resident, world.rg2_group)
    closed = check_create_group(world.officer, world.commune, name="Nhóm cũ", kind=GroupKind.OTHER)
    closed.is_active = False
    assert not permissions.can_post_to_group(world.officer, closed)


def test_an_administrator_without_a_role_reads_a_residents_group_but_does_not_act_in_it(world, client):
    post = check_create_post(world.resident, world.rg_group, "Thấy người lạ")
    resident = Membership.objects.get(group=world.rg_group, person=world.resident)
    signed_in(client, world.admin)
    assert client.get(reverse("bulletins:post", args=[post.pk])).status_code == 200
    refused = [
        client.get(reverse("bulletins:create_post", args=[world.rg_group.pk])),
        client.post(reverse("bulletins:create_post", args=[world.rg_group.pk]), {"text": "Quản trị viên đăng"}),
        client.post(reverse("bulletins:reply", args=[post.pk]), {"text": "Quản trị viên trả lời"}),
        client.post(reverse("bulletins:moderate", args=[post.pk]), {"moderation": "hidden", "reason": "lạc đề"}),
        client.post(
            reverse("bulletins:mute", args=[world.rg_group.pk, resident.pk]), {"days": "1", "reason": "quảng cáo"}
        ),
    ]
    assert [response.status_code for response in refused] == [403] * 5
    post.refresh_from_db()
    resident.refresh_from_db()
    assert post.is_visible and not post.replies.exists() and not resident.is_muted
    assert not Post.objects.filter(author=world.admin).exists()
    # The commune's police officer, who holds no membership either, still acts under their mandate.
    assert permissions.can_post_to_group(world.officer, world.rg_group)
    assert permissions.can_moderate(world.officer, world.rg_group)
    assert permissions.can_mute(world.officer, resident)
