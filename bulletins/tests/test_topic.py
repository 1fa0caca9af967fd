"""A bulletin's topic has no default: the officer picks it, or the form says so."""

from django.urls import reverse

from bulletins.models import Bulletin
from canhgiac.testing import signed_in


def test_the_topic_starts_unchosen(world, client):
    page = signed_in(client, world.officer).get(reverse("bulletins:compose")).content.decode()
    select = page.split('name="category"')[1].split("</select>")[0]
    assert '<option value="" selected>Chọn chủ đề…</option>' in select
    assert select.count("selected") == 1


def test_publishing_without_a_topic_is_refused_with_a_clear_error(world, client):
    signed_in(client, world.officer)
    response = client.post(
        reverse("bulletins:compose"),
        {"title": "Cảnh giác trộm chó", "body": "<p>Khóa cổng</p>", "groups": [world.rg_group.pk]},
    )
    assert response.status_code == 400 and "Hãy chọn chủ đề của bản tin." in response.content.decode()
    assert not Bulletin.objects.exists()
