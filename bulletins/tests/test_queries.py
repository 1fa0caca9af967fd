"""The bulletins list costs the same queries for 2 bulletins as for 50."""

from django.urls import reverse

from bulletins.actions import check_publish_bulletin
from bulletins.audience import Audience
from bulletins.models import Category
from canhgiac.testing import query_counts_for_2_and_50_rows, signed_in


def publish(world, number: int) -> None:
    """The officer publishes to the hamlet group they belong to: each bulletin is both managed and received."""
    check_publish_bulletin(
        world.officer,
        title=f"Cảnh báo số {number}",
        body_html="<p>Cẩn thận với tín dụng đen.</p>",
        category=Category.USURY,
        audience=Audience(groups=[world.hamlet_group]),
    )


def test_the_bulletins_list_makes_as_many_queries_for_50_bulletins_as_for_2(world, client):
    signed_in(client, world.officer)

    def read():
        response = client.get(reverse("bulletins:list"))
        assert response.status_code == 200
        return response

    small, large = query_counts_for_2_and_50_rows(lambda n: publish(world, n), read)
    assert read().content.decode().count("Cảnh báo số 49") == 2  # managed and received
    assert small == large, f"{small} queries for 2 bulletins, {large} for 50"


def test_a_post_page_makes_as_many_queries_for_50_replies_as_for_2(world, client):
    from bulletins.actions import check_create_post, check_reply

    post = check_create_post(world.resident, world.rg_group, "Có người lạ")
    signed_in(client, world.leader)

    def read():
        response = client.get(reverse("bulletins:post", args=[post.pk]))
        assert response.status_code == 200
        return response

    small, large = query_counts_for_2_and_50_rows(lambda n: check_reply(world.relay, post, f"Trả lời số {n}"), read)
    assert "Trả lời số 49" in read().content.decode()
    assert small == large, f"{small} queries for 2 replies, {large} for 50"


def test_a_group_page_makes_as_many_queries_for_10_posts_with_replies_as_for_2(world, client):
    from bulletins.actions import check_create_post, check_reply

    signed_in(client, world.relay)

    def add(number: int) -> None:
        post = check_create_post(world.resident, world.rg_group, f"Bài số {number}")
        check_reply(world.leader, post, "Đã biết")

    def read():
        return client.get(f"/groups/{world.rg_group.pk}/")

    small, large = query_counts_for_2_and_50_rows(add, read)
    assert "Bài số 49" in read().content.decode()
    assert small == large, f"{small} queries for 2 posts, {large} for 50"
