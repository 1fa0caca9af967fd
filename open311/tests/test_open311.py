"""Open311 GeoReport v2: the `georeport` client from PyPI reads our endpoints unchanged; POST (which
that client does not implement) is driven with form-encoded HTTP exactly as the spec describes."""

import io
import xml.etree.ElementTree as ET

import httpx
import pytest
from django.core.management import call_command
from django.urls import reverse
from georeport import GeoReport

from api.models import ApiKey
from audit.models import AuditEvent
from canhgiac.testing import build_world, create_report, extend_with_neighbour
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


def police_key(unit) -> str:
    out = io.StringIO()
    call_command("create_api_key", "--name", f"police-{unit.code}", "--unit", unit.code, "--police", stdout=out)
    return out.getvalue().strip()


def test_the_georeport_client_reads_requests_with_filters(live_world, client_for, live_server):
    lost = create_report(live_world.resident, live_world.rg, kind="lost", category="lost_item", description="Mất ví")
    noise = create_report(live_world.resident, live_world.rg, kind="public_order", category="noise").report
    check_transition(live_world.officer, noise, "acknowledged")
    check_transition(live_world.officer, noise, "unfounded", reason="Không có dấu hiệu")
    everything = client_for.get_service_requests()
    assert {r["service_request_id"] for r in everything} == {lost.report.receipt_code, noise.receipt_code}
    open_only = client_for.get_service_requests(status="open")
    assert [r["service_request_id"] for r in open_only] == [lost.report.receipt_code]
    by_code = client_for.get_service_requests(service_code="noise")
    assert by_code[0]["status"] == "closed" and by_code[0]["status_notes"]
    one = client_for.get_service_request(lost.report.receipt_code)
    assert one["description"] == "Mất ví"


def test_a_police_key_filters_the_tips_of_its_unit(live_world, live_server):
    theft = create_report(live_world.resident, live_world.rg).report
    check_transition(live_world.officer, theft, "acknowledged")
    key = police_key(live_world.commune)
    with httpx.Client(base_url=f"{live_server.url}/open311/v2", params={"api_key": key}, timeout=10) as http:
        by_code = http.get("/requests.json", params={"service_code": "theft", "status": "open"}).json()
        assert [r["service_request_id"] for r in by_code] == [theft.receipt_code]
        assert by_code[0]["status_notes"]


def test_without_a_police_key_only_public_order_and_lost_and_found_are_listed(live_world, live_server):
    """Issue 13, finding 3: a crime tip or a suspicious-activity report is not even listed."""
    tip = create_report(
        live_world.resident,
        live_world.rg,
        description="Ông Tư bán ma túy",
        place_text="nhà số 5",
        latitude="11.3",
        longitude="106.1",
    ).report
    suspicious = create_report(
        None,
        live_world.rg,
        visibility="anonymous",
        kind="suspicious",
        category="suspicious_person",
        description="Hai thanh niên lạ đứng nhìn vào các nhà lúc 1 giờ sáng",
        behaviour="đứng nhìn vào nhà",
    ).report
    noise = create_report(live_world.resident, live_world.rg, kind="public_order", category="noise").report
    found = create_report(live_world.resident, live_world.rg, kind="found", category="found_item").report
    public = {noise.receipt_code, found.receipt_code}
    hidden = [tip.receipt_code, suspicious.receipt_code]
    other_key = ApiKey.issue("city-app", unit=live_world.commune)[1]  # a filing key, not a police key
    with httpx.Client(base_url=f"{live_server.url}/open311/v2", timeout=10) as http:
        for params in ({}, {"api_key": other_key}, {"service_code": "drugs,suspicious_person"}):
            listed = http.get("/requests.json", params=params)
            assert listed.status_code == 200
            assert {r["service_request_id"] for r in listed.json()} <= public
            assert not any(code in listed.text for code in hidden)
            assert public <= {r["service_request_id"] for r in listed.json()} or "service_code" in params
        for code in hidden:
            assert http.get(f"/requests/{code}.json").status_code == 404
            assert http.get("/requests.json", params={"service_request_id": code}).json() == []
        assert http.get("/requests.json", params={"api_key": "cg_forged"}).status_code == 403


def test_a_police_key_lists_the_tips_of_its_unit_only_and_never_their_text(live_world, live_server):
    more = extend_with_neighbour(live_world)
    tip = create_report(live_world.resident, live_world.rg, description="Ông Tư bán ma túy", place_text="nhà số 5")
    beside = create_report(more.neighbour_resident, more.neighbour_rg, description="Trộm chó")
    mine, theirs = tip.report.receipt_code, beside.report.receipt_code
    key = police_key(live_world.commune)
    with httpx.Client(base_url=f"{live_server.url}/open311/v2", timeout=10) as http:
        listed = http.get("/requests.json", headers={"Authorization": f"Bearer {key}"})
        codes = {r["service_request_id"] for r in listed.json()}
        assert mine in codes and theirs not in codes
        one = http.get(f"/requests/{mine}.json", params={"api_key": key}).json()[0]
        assert one["description"] == "" and one["address"] == "" and one["lat"] is None
        assert live_world.resident.full_name not in listed.text and "ma túy" not in listed.text
        assert http.get(f"/requests/{theirs}.json", params={"api_key": key}).status_code == 404
    used = AuditEvent.objects.filter(verb="api_key.used").order_by("-pk").first()
    assert used is not None and mine in used.data["reports"]


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
