"""Open311's request list costs the same queries for 2 requests as for 50, read as outside systems read it."""

import io

from django.core.management import call_command
from django.test import Client

from canhgiac.testing import create_report, photo_upload, query_counts_for_2_and_50_rows


def file_request(world, number: int) -> None:
    """Public lost & found posts with a photo, and crime tips, in residential groups of both hamlets."""
    unit = world.rg if number % 2 else world.other_rg
    if number % 3:
        create_report(
            world.resident,
            unit,
            kind="found",
            category="found_animal",
            description=f"Nhặt được chó vàng số {number}",
            photos=[photo_upload()],
        )
    else:
        create_report(world.resident, unit, description=f"Mất trộm gà lần {number}")


def test_the_request_list_makes_as_many_queries_for_50_requests_as_for_2(world):
    client = Client()  # a plain HTTP client: no session, as the Open311 clients read the list
    out = io.StringIO()
    call_command("create_api_key", "--name", "police", "--unit", world.commune.code, "--police", stdout=out)
    police_key = out.getvalue().strip()  # crime tips are listed only to the unit's police keys

    def read():
        response = client.get("/open311/v2/requests.json", {"api_key": police_key})
        assert response.status_code == 200
        return response

    small, large = query_counts_for_2_and_50_rows(lambda n: file_request(world, n), read)
    requests = read().json()
    assert len(requests) == 50 and sum(1 for r in requests if r["media_url"]) == 33
    assert small == large, f"{small} queries for 2 requests, {large} for 50"
