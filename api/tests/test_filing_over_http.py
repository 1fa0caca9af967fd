"""Filing through the JSON API as outside systems do: a plain HTTP client, no browser cookies,
CSRF enforced by the live server (Django's test client skips that check, which once hid a 403)."""

import io
import uuid

import httpx
import pytest
from django.core.management import call_command

from reports.models import Report


def payload(world, **extra):
    body = {
        "category": "theft",
        "description": "Mất xe máy trước cửa nhà văn hóa ấp 1 lúc 20 giờ",
        "unit_code": world.rg.code,
        "visibility": "anonymous",
    }
    return body | extra


@pytest.fixture
def client(live_server):
    with httpx.Client(base_url=f"{live_server.url}/api", timeout=15) as http:
        yield http


def test_an_anonymous_client_files_without_cookies_and_a_retry_answers_the_first_report(live_world, client):
    key = str(uuid.uuid4())
    body = payload(live_world, secret="mat-khau-rieng-cua-toi-2019")
    first = client.post("/reports", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    code = first.json()["report"]["receipt_code"]
    again = client.post("/reports", json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 200, again.text
    assert again.json()["report"]["receipt_code"] == code
    assert Report.objects.filter(receipt_code=code).count() == 1
    assert Report.objects.filter(description=body["description"]).count() == 1


def test_a_client_key_files_without_cookies_and_the_report_names_the_key(live_world, client):
    out = io.StringIO()
    call_command("create_api_key", "--name", "ung-dung-311", "--unit", live_world.commune.code, stdout=out)
    token = out.getvalue().strip()
    answer = client.post(
        "/reports",
        json=payload(live_world, visibility="confidential", reporter_name="Trần Văn Tư"),
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"},
    )
    assert answer.status_code == 201, answer.text
    report = Report.objects.get(receipt_code=answer.json()["report"]["receipt_code"])
    assert report.intake_channel == "api"
    assert report.source  # the client key that filed it


def test_a_wrong_key_is_refused_rather_than_filed_as_anonymous(live_world, client):
    answer = client.post("/reports", json=payload(live_world), headers={"Authorization": "Bearer not-a-key"})
    assert answer.status_code == 401
    assert not Report.objects.exists()


def test_a_cross_site_post_riding_on_a_session_cookie_is_refused_over_http(live_world, client):
    from django.test import Client

    browser = Client()
    browser.force_login(live_world.resident)
    client.cookies.set("sessionid", browser.cookies["sessionid"].value)
    for visibility in ("confidential", "anonymous"):
        answer = client.post("/reports", json=payload(live_world, visibility=visibility))
        assert answer.status_code == 403, answer.text
    assert not Report.objects.exists()
