import pytest
from django.urls import reverse

from canhgiac.testing import signed_in
from delivery.models import Delivery, Endpoint
from delivery.notify import notify
from delivery.reach import reach
from groups.models import Membership

pytestmark = pytest.mark.django_db


def group_notice(world, **kwargs):
    members = Membership.objects.filter(group=world.rg_group, status="active").values("person_id")
    return notify(members, subject=kwargs.pop("subject", "Cảnh giác trộm chó"), body="Khuya có người lạ.", **kwargs)


def test_the_inbox_lists_my_notices_newest_first(world, client):
    group_notice(world, subject="Tin cũ")
    group_notice(world, subject="Tin mới")

    page = signed_in(client, world.resident).get(reverse("delivery:inbox")).content.decode()

    assert page.index("Tin mới") < page.index("Tin cũ")
    assert 'hx-trigger="every 1s"' in page


def test_the_open_inbox_polls_for_items_newer_than_it_shows(world, client):
    signed_in(client, world.resident)
    first = group_notice(world, subject="Tin một")
    latest = Delivery.objects.get(notice=first, person=world.resident).pk

    assert client.get(reverse("delivery:inbox_new"), {"after": latest}).status_code == 204
    group_notice(world, subject="Tin hai")
    response = client.get(reverse("delivery:inbox_new"), {"after": latest})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tin hai" in body and "Tin một" not in body and 'hx-swap-oob="afterbegin:#inbox-list"' in body


def test_a_relay_sees_read_this_to_the_elder_and_confirms(world, client):
    notice = group_notice(world)
    delivery = Delivery.objects.get(notice=notice, person=world.elder)
    signed_in(client, world.relay)

    page = client.get(reverse("delivery:inbox")).content.decode()
    assert world.elder.full_name in page

    client.post(reverse("delivery:confirm_relay", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.relay_confirmed_at is not None
    assert reach(notice).relayed == 1


def test_only_the_relay_may_confirm_a_read_out(world, client):
    delivery = Delivery.objects.get(notice=group_notice(world), person=world.elder)
    response = signed_in(client, world.resident).post(reverse("delivery:confirm_relay", args=[delivery.pk]))
    assert response.status_code == 403


def test_the_group_leader_sees_unconfirmed_relays_and_a_resident_does_not(world, client):
    group_notice(world, subject="Phòng cháy mùa khô")
    url = reverse("delivery:group_relays", args=[world.rg_group.pk])

    page = signed_in(client, world.leader).get(url).content.decode()
    assert world.elder.full_name in page and world.relay.full_name in page and "Phòng cháy mùa khô" in page
    assert signed_in(client, world.resident).get(url).status_code == 403


def test_opening_an_item_marks_it_read(world, client):
    notice = group_notice(world)
    delivery = Delivery.objects.get(notice=notice, person=world.resident)

    signed_in(client, world.resident).get(reverse("delivery:open", args=[delivery.pk]))

    assert reach(notice).read == 1
    assert signed_in(client, world.leader).get(reverse("delivery:open", args=[delivery.pk])).status_code == 403


def test_reach_counts_recipients_delivered_read_failed_and_relayed_by_channel(world):
    notice = group_notice(world)
    figures = reach(notice)
    assert figures.recipients == 4 and figures.delivered == 4 and figures.relay_pending == 1
    assert figures.by_channel == {"web": {"total": 4, "delivered": 4, "read": 0, "failed": 0}}
    assert reach(notice, world.rg2_group).recipients == 0


def test_reach_is_shown_to_the_sender_only(world, client):
    notice = group_notice(world, sender=world.officer)
    url = reverse("delivery:reach", args=[notice.pk])
    assert signed_in(client, world.officer).get(url).status_code == 200
    assert signed_in(client, world.resident).get(url).status_code == 403


def test_a_member_sets_an_email_address_and_a_bad_one_is_refused_in_their_language(world, client):
    signed_in(client, world.resident)
    client.post(reverse("delivery:channels"), {"use_email": "1", "email": "Thanh@Example.vn"})
    assert Endpoint.objects.get(person=world.resident).address == "thanh@example.vn"

    response = client.post(
        reverse("delivery:channels"), {"use_email": "1", "email": "không-phải-email"}, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert "không-phải-email" in response.content.decode()
    assert Endpoint.objects.get(person=world.resident).address == "thanh@example.vn"


def test_the_inbox_needs_a_sign_in(client):
    response = client.get(reverse("delivery:inbox"))
    assert response.status_code == 302 and "signin" in response["Location"]
