"""The publishing rules of bulletins/permissions.py, persona by persona."""

import pytest

from bulletins import permissions
from bulletins.actions import check_create_post
from groups.actions import check_create_group
from groups.models import GroupKind

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
