"""The police queue, as a page and through the API, costs the same queries for 2 reports as for 50."""

from django.urls import reverse

from canhgiac.testing import create_report, query_counts_for_2_and_50_rows, signed_in
from reports.actions import check_assign


def file_report(world, number: int) -> None:
    """Reports in both hamlets, half of them assigned, so every column of a row has something to show."""
    unit = world.rg if number % 2 else world.other_rg
    report = create_report(world.resident, unit, description=f"Mất trộm gà lần {number}").report
    if number % 2:
        check_assign(world.officer, report, assignee=world.officer)


def test_the_queue_page_makes_as_many_queries_for_50_reports_as_for_2(world, client):
    signed_in(client, world.officer)

    def read():
        response = client.get(reverse("reports:queue"))
        assert response.status_code == 200
        return response

    small, large = query_counts_for_2_and_50_rows(lambda n: file_report(world, n), read)
    assert read().content.decode().count('class="queue-item"') == 50
    assert small == large, f"{small} queries for 2 reports, {large} for 50"


def test_the_queue_endpoint_of_the_api_makes_as_many_queries_for_50_reports_as_for_2(world, client):
    # The API's queue is read with the officer's session (django_auth), as its clients do.
    signed_in(client, world.officer)

    def read():
        response = client.get("/api/reports")
        assert response.status_code == 200
        return response

    small, large = query_counts_for_2_and_50_rows(lambda n: file_report(world, n), read)
    assert len(read().json()) == 50
    assert small == large, f"{small} queries for 2 reports, {large} for 50"
