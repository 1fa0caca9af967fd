"""The JSON API: the same operations as the pages, and the same protection of identity."""

import json

import pytest

from api.models import ApiKey
from audit.models import AuditEvent
from canhgiac.testing import create_report, signed_in
from reports.models import Report


def post_json(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def test_the_openapi_schema_and_docs_are_served(world, client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/reports" in schema["paths"] and "/api/reports/{code}/transitions" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_the_openapi_schema_is_written_in_utf8_not_escaped(client):
    response = client.get("/api/openapi.json")
    assert response["Content-Type"].startswith("application/json")
    assert "Cảnh Giác API".encode() in response.content and b"\\u" not in response.content


def test_a_signed_in_resident_files_a_report_and_a_retry_returns_it(world, client):
    signed_in(client, world.resident)
    data = {"category": "theft", "description": "Mất xe đạp", "unit_code": world.rg.code}
    first = post_json(client, "/api/reports", data, HTTP_IDEMPOTENCY_KEY="r-1")
    second = post_json(client, "/api/reports", data, HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["report"]["receipt_code"] == second.json()["report"]["receipt_code"]
    assert Report.objects.get().reporter_pk == world.resident.pk


def test_anyone_files_anonymously_and_follows_with_code_and_secret(world, client):
    data = {
        "category": "drugs",
        "description": "Bán ma túy ở quán",
        "unit_code": world.rg.code,
        "visibility": "anonymous",
    }
    filed = post_json(client, "/api/reports", data).json()
    code, secret = filed["report"]["receipt_code"], filed["secret"]
    assert secret and Report.objects.get().reporter_id is None
    followed = post_json(client, f"/api/reports/{code}/follow", {"secret": secret, "message": "Có thêm thông tin"})
    assert followed.status_code == 200 and followed.json()["messages"][0]["side"] == "reporter"
    assert post_json(client, f"/api/reports/{code}/follow", {"secret": "nope"}).status_code == 404


def test_signed_out_callers_cannot_file_confidentially(world, client):
    data = {"category": "theft", "description": "x", "unit_code": world.rg.code, "visibility": "confidential"}
    response = post_json(client, "/api/reports", data)
    assert response.status_code == 400 and "visibility" in response.json()["errors"]


def test_a_system_with_an_api_key_files_for_a_named_caller(world, client):
    _key, secret = ApiKey.issue("hotline", unit=world.commune)
    data = {
        "category": "fraud",
        "description": "Gọi giả công an",
        "unit_code": world.commune.code,
        "reporter_name": "Bà Hai",
    }
    response = post_json(client, "/api/reports", data, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.intake_channel == "api" and report.reporter_name == "Bà Hai" and report.reporter_id is None


def test_bad_input_gets_a_clear_error_and_saves_nothing(world, client):
    signed_in(client, world.resident)
    data = {"category": "theft", "description": "x", "unit_code": world.rg.code, "latitude": "48.8", "longitude": "2.3"}
    response = post_json(client, "/api/reports", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "outside Vietnam" in response.json()["detail"]
    assert post_json(client, "/api/reports", {**data, "unit_code": "nowhere"}).status_code == 400
    assert Report.objects.count() == 0


def test_the_officer_works_the_queue_through_the_api(world, client):
    report = create_report(world.resident, world.rg).report
    signed_in(client, world.officer)
    assert [r["receipt_code"] for r in client.get("/api/reports", {"q": "trom cho"}).json()] == [report.receipt_code]
    moved = post_json(client, f"/api/reports/{report.receipt_code}/transitions", {"status": "acknowledged"})
    assert moved.json()["status"] == "acknowledged"
    refused = post_json(client, f"/api/reports/{report.receipt_code}/transitions", {"status": "received"})
    assert refused.status_code == 400


def test_residents_have_no_queue_in_the_api(world, client):
    signed_in(client, world.resident)
    assert client.get("/api/reports").status_code == 403


def test_identity_comes_only_from_the_audited_endpoint(world, client):
    report = create_report(world.resident, world.rg).report
    signed_in(client, world.officer)
    assert world.resident.full_name not in client.get(f"/api/reports/{report.receipt_code}").content.decode()
    identity = client.get(f"/api/reports/{report.receipt_code}/identity", {"reason": "xác minh"}).json()
    assert identity["name"] == world.resident.full_name
    assert AuditEvent.objects.filter(verb="report.identity_viewed", actor=world.officer).count() == 1


@pytest.mark.parametrize("persona", ["steering", "leader", "province_officer", "far_officer", "stranger", "admin"])
def test_no_one_but_the_handling_police_reads_a_confidential_reporter(world, client, persona):
    report = create_report(world.resident, world.rg).report
    person = getattr(world, persona)
    signed_in(client, person)
    response = client.get(f"/api/reports/{report.receipt_code}/identity")
    if persona == "province_officer":
        assert response.status_code == 200  # provincial police hold a mandate over the commune
    else:
        assert response.status_code in (302, 403, 404)  # 302: staff without an authenticator
        assert world.resident.full_name not in response.content.decode()


def test_the_api_sends_vietnamese_as_utf8_so_what_a_response_holds_can_be_read_and_searched(world, client):
    """A name kept out of a response is searched for in its text: escaped as \\uXXXX it could never
    be found, and a resident's words would cost more bytes on a phone's data plan."""
    report = create_report(world.resident, world.rg, description="Trộm chó nhà ông Ba lúc 2 giờ sáng").report
    signed_in(client, world.officer)
    response = client.get(f"/api/reports/{report.receipt_code}")
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    assert "Trộm chó nhà ông Ba" in response.content.decode("utf-8")
    assert response.json()["description"] == "Trộm chó nhà ông Ba lúc 2 giờ sáng"


def test_duplicates_and_merge_through_the_api(world, client):
    first = create_report(world.resident, world.rg, description="Trộm chó nhà ông Ba lúc 2 giờ sáng").report
    second = create_report(world.leader, world.rg, description="Trộm chó nhà ông Ba lúc 2 giờ").report
    signed_in(client, world.officer)
    dupes = client.get(f"/api/reports/{second.receipt_code}/duplicates").json()
    assert dupes[0]["receipt_code"] == first.receipt_code
    merged = post_json(client, f"/api/reports/{second.receipt_code}/merge", {"into": first.receipt_code})
    assert merged.json()["receipt_code"] == first.receipt_code


def test_an_officer_raises_an_alert_through_the_api(world, client):
    signed_in(client, world.officer)
    response = post_json(client, "/api/alerts", {"unit_code": world.hamlet.code, "text": "Có đối tượng lạ vào ấp"})
    assert response.status_code == 201


def test_a_cross_site_post_riding_on_a_session_cookie_is_refused(world):
    from django.test import Client

    client = signed_in(Client(enforce_csrf_checks=True), world.resident)
    data = {"category": "theft", "description": "x", "unit_code": world.rg.code, "visibility": "confidential"}
    assert post_json(client, "/api/reports", data).status_code == 403
    assert not Report.objects.exists()


def test_an_unknown_unit_is_refused_in_vietnamese_unless_the_client_asks_for_english(db, client):
    payload = {
        "kind": "crime",
        "category": "theft",
        "unit_code": "99999",
        "description": "Trộm xe",
        "visibility": "anonymous",
    }
    refused = client.post("/api/reports", payload, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["unit_code"] == ["Không có đơn vị hành chính với mã này."]
    english = client.post("/api/reports", payload, content_type="application/json", headers={"Accept-Language": "en"})
    assert english.json()["errors"]["unit_code"] == ["Unknown unit."]


def test_the_apis_refusals_are_in_vietnamese(world, client):
    """A wrong key when filing, no credentials for the police queue, another commune's report."""
    payload = {"kind": "crime", "category": "theft", "unit_code": world.rg.code, "description": "Trộm xe"}
    wrong_key = client.post(
        "/api/reports", payload, content_type="application/json", headers={"Authorization": "Bearer cg_not-a-key"}
    )
    assert wrong_key.status_code == 401 and wrong_key.json()["detail"] == "Khóa API không tồn tại hoặc đã bị thu hồi."
    nobody = client.get("/api/reports")
    assert nobody.status_code == 401 and nobody.json()["detail"] == "Hãy đăng nhập, hoặc gửi một khóa API hợp lệ."
    signed_in(client, world.far_officer)
    unseen = client.get(f"/api/reports/{create_report(world.resident, world.rg).report.receipt_code}")
    assert unseen.status_code in (403, 404)
    assert unseen.json()["detail"] in ("Bạn không có quyền làm việc này.", "Không tìm thấy.")
