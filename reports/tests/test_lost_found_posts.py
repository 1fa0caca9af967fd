"""A member's group post about a found buffalo and the lost & found post are one flow: the
steering committee's re-share files (or finds) the lost & found post and shares it through the
same function as the case page, and each page links to the other."""

import pytest

from bulletins.actions import check_create_post, check_reshare_lost_found, check_reshare_post
from bulletins.audience import Audience
from canhgiac.testing import signed_in
from core.errors import ActionError
from delivery.models import Delivery
from reports.models import Report

BUFFALO = "Có con trâu đực đi lạc vào ruộng nhà tôi ở ấp Phước Hội, dây mũi màu đỏ. Ai mất liên hệ tôi."


def test_re_sharing_a_members_found_post_files_and_shares_the_lost_and_found_post(world, more):
    post = check_create_post(world.resident, world.rg_group, BUFFALO)

    code = check_reshare_lost_found(
        world.steering, post, kind="found", category="found_animal", units=[world.commune, world.neighbour]
    )

    report = Report.objects.get(receipt_code=code)
    post.refresh_from_db()
    assert post.lost_found_code == code and report.group_post_id == post.pk
    assert report.reporter == world.resident and report.visibility == "named" and report.description == BUFFALO
    assert {s.unit for s in report.shares.all()} == {world.commune, world.neighbour}
    shared = Delivery.objects.filter(notice__url=f"/reports/posts/{code}/")
    assert shared.filter(person=more.neighbour_resident).count() == 1  # the owner's commune hears of it

    again = check_reshare_lost_found(world.steering, post, kind="found", category="found_animal", units=[world.commune])
    assert again == code and Report.objects.filter(group_post_id=post.pk).count() == 1
    with pytest.raises(ActionError):  # no second, unlinked bulletin of the same buffalo
        check_reshare_post(world.steering, post, audience=Audience(unit=world.commune))


def test_the_post_and_the_lost_and_found_post_link_to_each_other(world, more, client):
    post = check_create_post(world.resident, world.rg_group, BUFFALO)
    code = check_reshare_lost_found(world.steering, post, kind="found", category="found_animal", units=[world.commune])
    signed_in(client, world.steering)
    post_page = client.get(f"/bulletins/posts/{post.pk}/").content.decode()
    assert f'href="/reports/posts/{code}/"' in post_page
    for url in (f"/reports/posts/{code}/", f"/reports/{code}/case/"):
        assert f'href="/bulletins/posts/{post.pk}/"' in client.get(url).content.decode()


def test_only_the_commune_and_its_neighbours_can_be_chosen(world, more):
    post = check_create_post(world.resident, world.rg_group, BUFFALO)
    with pytest.raises(ActionError):
        check_reshare_lost_found(world.steering, post, kind="found", category="found_animal", units=[world.far_commune])
