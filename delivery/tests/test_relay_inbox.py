"""A relay's inbox shows each bulletin once, with "read this to …" inside it; "I read it out" is
offered once the item is open, below its text."""

from django.urls import reverse

from canhgiac.testing import signed_in
from delivery.models import Delivery
from delivery.notify import notify
from groups.models import Membership


def group_notice(world, subject="Cảnh giác trộm chó", url=""):
    members = Membership.objects.filter(group=world.rg_group, status="active").values("person_id")
    return notify(members, subject=subject, body="Khuya có người lạ, nhớ khóa cổng.", url=url)


def test_the_relay_sees_each_bulletin_once_with_the_elder_inside(world, client):
    notice = group_notice(world)
    assert Delivery.objects.filter(notice=notice).filter(relay=world.relay).count() == 1
    assert Delivery.objects.filter(notice=notice, person=world.relay).count() == 1

    page = signed_in(client, world.relay).get(reverse("delivery:inbox")).content.decode()
    assert page.count('data-testid="inbox-item"') == 1
    item = page.split('data-testid="inbox-item"')[1]
    assert "Đọc tin này cho Trần Thị Sáu nghe" in item
    assert "Tôi đã đọc cho nghe" not in page  # offered once the item is open
    assert 'data-testid="unread">1 tin chưa đọc<' in page


def test_opening_the_item_offers_i_read_it_out_below_the_text(world, client):
    notice = group_notice(world, url="/bulletins/")
    own = Delivery.objects.get(notice=notice, person=world.relay)
    relayed = Delivery.objects.get(notice=notice, relay=world.relay)
    page = signed_in(client, world.relay).get(reverse("delivery:open", args=[own.pk])).content.decode()
    assert page.index("Khuya có người lạ") < page.index("Tôi đã đọc cho nghe")
    assert page.index("Vui lòng đọc tin này cho Trần Thị Sáu nghe.") < page.index("Khuya có người lạ")

    response = client.post(reverse("delivery:confirm_relay", args=[relayed.pk]))
    assert response["Location"] == reverse("delivery:inbox")
    relayed.refresh_from_db()
    assert relayed.relay_confirmed_at is not None
    inbox = client.get(reverse("delivery:inbox")).content.decode()
    assert "✓ Đã đọc cho nghe" in inbox and 'class="inbox-item unread' not in inbox


def test_a_resident_without_anyone_to_read_to_goes_straight_to_the_bulletin(world, client):
    notice = group_notice(world, url="/bulletins/")
    own = Delivery.objects.get(notice=notice, person=world.resident)
    response = signed_in(client, world.resident).get(reverse("delivery:open", args=[own.pk]))
    assert response.status_code == 302 and response["Location"] == "/bulletins/"


def test_the_open_item_carries_a_hidden_listen_button_for_vietnamese_speech(world, client):
    notice = group_notice(world)
    own = Delivery.objects.get(notice=notice, person=world.relay)
    page = signed_in(client, world.relay).get(reverse("delivery:open", args=[own.pk])).content.decode()
    assert '<p class="read-aloud" data-testid="read-aloud" hidden>' in page
    assert 'data-speak="notice-title notice-text"' in page and "Nghe đọc" in page
    assert "core/speak.js" in page
