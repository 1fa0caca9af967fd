"""Open311 GeoReport v2: the `georeport` client from PyPI reads our endpoints unchanged; POST (which
that client does not implement) is driven with form-encoded HTTP exactly as the spec describes."""

import io
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import reverse
from georeport import GeoReport

from api.models import ApiKey
from canhgiac.testing import build_world, create_report
from reports.actions import check_transition
from reports.models import Report


@pytest.fixture
def live_world(transactional_db):
    return build_world()


@pytest.fixture
def client_for(live_server):
    return GeoReport(f"{live_server.url}/open311/v2")


def test_the_georeport_client_lists_services_in_json_and_xml(live_world, client_for, live_server):
    services = client_for.get_service_list()
    codes = {s["service_code"] for s in services}
    assert {"theft", "usury", "found_animal", "suspicious_person"} <= codes
    xml_services = GeoReport(f"{live_server.url}/open311/v2", output_format="xml").get_service_list()
    assert {s["service_code"] for s in xml_services} == codes


def test_the_georeport_client_reads_a_service_definition(live_world, client_for):
    definition = client_for.get_service_definition("suspicious_person")
    assert definition["attributes"][0]["code"] == "behaviour"


def test_the_georeport_client_reads_requests_with_filters(live_world, client_for):
    lost = create_report(live_world.resident, live_world.rg, kind="lost", category="lost_item", description="Mất ví")
    theft = create_report(live_world.resident, live_world.rg).report
    check_transition(live_world.officer, theft, "acknowledged")
    check_transition(live_world.officer, theft, "unfounded", reason="Không có dấu hiệu")
    everything = client_for.get_service_requests()
    assert {r["service_request_id"] for r in everything} == {lost.report.receipt_code, theft.receipt_code}
    open_only = client_for.get_service_requests(status="open")
    assert [r["service_request_id"] for r in open_only] == [lost.report.receipt_code]
    by_code = client_for.get_service_requests(service_code="theft")
    assert by_code[0]["status"] == "closed" and by_code[0]["status_notes"]
    one = client_for.get_service_request(lost.report.receipt_code)
    assert one["description"] == "Mất ví"


def test_crime_tips_never_publish_their_text_place_or_reporter(live_world, client_for):
    report = create_report(
        live_world.resident,
        live_world.rg,
        description="Ông Tư bán ma túy",
        place_text="nhà số 5",
        latitude="11.3",
        longitude="106.1",
    ).report
    data = client_for.get_service_request(report.receipt_code)
    assert data["description"] == "" and data["address"] == "" and data["lat"] is None
    assert live_world.resident.full_name not in str(data)


def test_the_georeport_client_reads_xml_requests(live_world, live_server):
    report = create_report(
        live_world.resident, live_world.rg, kind="found", category="found_item", description="Ví da"
    ).report
    client = GeoReport(f"{live_server.url}/open311/v2", output_format="xml")
    assert client.get_service_request(report.receipt_code)["service_request_id"] == report.receipt_code


def test_posting_a_request_needs_a_valid_api_key(world, client):
    response = client.post("/open311/v2/requests.json", {"service_code": "theft", "description": "x"})
    assert response.status_code == 403
    assert response.json()[0]["code"] == 403


def test_a_client_posts_a_request_form_encoded_and_follows_it_by_token(world, client):
    _key, secret = ApiKey.issue("city-app", unit=world.commune)
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": secret,
            "service_code": "illegal_ads",
            "lat": "11.3101",
            "long": "106.1202",
            "address_id": world.hamlet.code,
            "description": "Tờ rơi cho vay dán đầy cột điện",
            "first_name": "Bảy",
            "phone": "0912000111",
        },
    )
    assert response.status_code == 201
    created = response.json()[0]
    report = Report.objects.get(receipt_code=created["service_request_id"])
    assert report.intake_channel == "open311" and report.visibility == "confidential" and report.unit == world.hamlet
    token = client.get(f"/open311/v2/tokens/{created['token']}.json").json()[0]
    assert token["service_request_id"] == report.receipt_code


def test_an_anonymous_client_request_gets_a_secret_in_the_notice(world, client):
    _key, secret = ApiKey.issue("kiosk", unit=world.commune)
    response = client.post(
        "/open311/v2/requests.xml",
        {"api_key": secret, "service_code": "theft", "address_string": "chợ", "description": "Trộm xe"},
    )
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    report = Report.objects.get(receipt_code=root.findtext("request/service_request_id"))
    assert report.visibility == "anonymous" and report.reporter_id is None
    assert report.receipt_code in root.findtext("request/service_notice", default="")


def test_a_retried_post_with_an_idempotency_key_creates_one_request(world, client):
    _key, secret = ApiKey.issue("flaky", unit=world.commune)
    data = {"api_key": secret, "service_code": "noise", "address_string": "ấp", "description": "Hát karaoke tới 2 giờ"}
    first = client.post("/open311/v2/requests.json", data, HTTP_IDEMPOTENCY_KEY="abc")
    second = client.post("/open311/v2/requests.json", data, HTTP_IDEMPOTENCY_KEY="abc")
    assert first.json()[0]["service_request_id"] == second.json()[0]["service_request_id"]
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"service_code": "nope", "address_string": "x", "description": "x"}, "service_code"),
        ({"service_code": "theft", "lat": "48.8", "long": "2.3", "description": "x"}, "Vietnam"),
        ({"service_code": "theft", "address_string": "x", "description": ""}, ""),
        ({"service_code": "theft", "description": "x"}, "location"),
        ({"service_code": "theft", "address_id": "no-such-unit", "description": "x"}, "address_id"),
    ],
)
def test_bad_requests_get_an_open311_error_and_save_nothing(world, client, data, fragment):
    _key, secret = ApiKey.issue("bad", unit=world.commune)
    response = client.post("/open311/v2/requests.json", {"api_key": secret, **data}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert fragment in response.json()[0]["description"]
    assert Report.objects.count() == 0


def test_errors_come_as_xml_for_xml_requests(world, client):
    response = client.get("/open311/v2/requests/CG-XXXX-XXXX.xml")
    assert response.status_code == 404 and ET.fromstring(response.content).tag == "errors"


def test_discovery_names_the_endpoint(world, client):
    data = client.get("/open311/discovery.json").json()
    assert data["endpoints"][0]["url"].endswith("/open311/v2")
    assert ET.fromstring(client.get("/open311/discovery.xml").content).tag == "discovery"


def test_date_ranges_longer_than_90_days_are_refused(world, client):
    response = client.get(
        "/open311/v2/requests.json", {"start_date": "2019-01-01T00:00:00Z", "end_date": "2019-12-01T00:00:00Z"}
    )
    assert response.status_code == 400


def test_create_api_key_prints_a_key_that_works(world):
    out = io.StringIO()
    call_command("create_api_key", "--name", "ushahidi", stdout=out)
    key = ApiKey.find(out.getvalue().strip())
    assert key is not None and key.name == "ushahidi"


def test_the_services_page_is_reachable_by_name(world, client):
    assert client.get(reverse("open311:services", kwargs={"fmt": "json"})).status_code == 200
