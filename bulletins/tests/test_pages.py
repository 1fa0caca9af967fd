import pytest
from django.urls import reverse

from bulletins.actions import check_publish_bulletin
from bulletins.audience import Audience
from bulletins.models import Bulletin, BulletinTemplate, Category
from bulletins.tests.test_publish import png_upload
from canhgiac.testing import signed_in
from delivery.models import Delivery

pytestmark = pytest.mark.django_db


def test_an_officer_publishes_from_a_template_through_the_compose_page(world, client):
    template = BulletinTemplate.objects.get(category=Category.USURY)
    signed_in(client, world.officer)
    form = client.get(reverse("bulletins:compose"), {"template": template.pk}).content.decode()
    assert "tín dụng đen" in form

    response = client.post(
        reverse("bulletins:compose"),
        {
            "title": template.title,
            "body": template.body_html,
            "category": template.category,
            "groups": [world.rg_group.pk, world.hamlet_group.pk],
            "template": template.pk,
            "attachments": [png_upload()],
        },
    )

    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("bulletins:detail", args=[bulletin.pk])
    assert bulletin.template == template and bulletin.official and bulletin.attachments.count() == 1
    assert bulletin.notice is not None and bulletin.notice.recipient_count == 5


def test_the_compose_page_explains_a_missing_audience_in_vietnamese(world, client):
    signed_in(client, world.officer)
    response = client.post(
        reverse("bulletins:compose"),
        {"title": "Tin", "body": "<p>Nội dung</p>", "category": "other"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 400
    assert "Chọn người nhận bản tin." in response.content.decode()
    assert not Bulletin.objects.exists()


def test_residents_cannot_open_the_compose_page(world, client):
    assert signed_in(client, world.resident).get(reverse("bulletins:compose")).status_code == 403


def test_a_recipient_reads_the_bulletin_and_its_reach_shows_it_to_the_officer(world, client):
    bulletin = check_publish_bulletin(
        world.officer,
        title="Phòng cháy mùa khô",
        body_html="<p>Khóa van bình gas.</p>",
        category=Category.FIRE,
        audience=Audience(groups=[world.rg_group]),
        attachments=[png_upload()],
    )
    signed_in(client, world.resident)
    page = client.get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    assert "Khóa van bình gas." in page and 'data-testid="reach"' not in page
    attachment = bulletin.attachments.get()
    image = client.get(reverse("bulletins:attachment", args=[bulletin.pk, attachment.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert Delivery.objects.get(notice=bulletin.notice, person=world.resident).read_at is not None

    officer_page = (
        signed_in(client, world.officer).get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    )
    assert 'data-testid="reach"' in officer_page and world.rg_group.name in officer_page


def test_someone_outside_the_audience_cannot_open_the_bulletin_or_its_files(world, client):
    bulletin = check_publish_bulletin(
        world.officer,
        title="Tin nội bộ tổ",
        body_html="<p>…</p>",
        category=Category.OTHER,
        audience=Audience(groups=[world.rg_group]),
        attachments=[png_upload()],
    )
    signed_in(client, world.stranger)
    assert client.get(reverse("bulletins:detail", args=[bulletin.pk])).status_code == 403
    url = reverse("bulletins:attachment", args=[bulletin.pk, bulletin.attachments.get().pk])
    assert client.get(url).status_code == 403


def test_the_buffalo_flow_through_the_pages(world, client):
    signed_in(client, world.leader)
    client.post(reverse("bulletins:create_post", args=[world.rg_group.pk]), {"text": "Trâu lạc ở ấp Phước Hội"})
    post = world.leader.posts.get()

    signed_in(client, world.steering)
    page = client.get(reverse("bulletins:post", args=[post.pk])).content.decode()
    assert reverse("bulletins:reshare", args=[post.pk]) in page
    response = client.post(
        reverse("bulletins:reshare", args=[post.pk]),
        {"title": "Tìm chủ trâu lạc", "unit": world.commune.pk, "neighbours": [world.neighbour.pk]},
    )
    bulletin = Bulletin.objects.get(reshared_post=post)
    assert response.status_code == 302 and not bulletin.official
    assert bulletin.notice is not None and bulletin.notice.recipient_count >= 4
