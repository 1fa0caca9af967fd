"""The inbox, as a page and as the list its poll fetches, costs the same queries for 2 items as for 50."""

from django.urls import reverse

from canhgiac.testing import query_counts_for_2_and_50_rows, signed_in
from delivery.notify import notify


def send_to_relay(world, number: int) -> None:
    """Every other notice is for the elder, so the relay's inbox mixes own items and read-outs."""
    person = world.elder if number % 2 else world.relay
    notify([person.pk], subject=f"Tin số {number}", body="Họp tổ dân cư lúc 19 giờ.")


def test_the_inbox_page_makes_as_many_queries_for_50_items_as_for_2(world, client):
    signed_in(client, world.relay)

    def read():
        response = client.get(reverse("delivery:inbox"))
        assert response.status_code == 200
        return response

    small, large = query_counts_for_2_and_50_rows(lambda n: send_to_relay(world, n), read)
    assert "Tin số 49" in read().content.decode()
    assert small == large, f"{small} queries for 2 items, {large} for 50"


def test_the_polled_new_items_make_as_many_queries_for_50_items_as_for_2(world, client):
    signed_in(client, world.relay)

    def read():
        response = client.get(reverse("delivery:inbox_new"), {"after": 0})
        assert response.status_code == 200
        return response

    small, large = query_counts_for_2_and_50_rows(lambda n: send_to_relay(world, n), read)
    assert "Tin số 49" in read().content.decode()
    assert small == large, f"{small} queries for 2 items, {large} for 50"
