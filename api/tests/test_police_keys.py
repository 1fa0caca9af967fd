"""Police API keys, as a police system uses them: a plain HTTP client, a Bearer key, no cookies."""

import io

import httpx
import pytest
from django.core.management import call_command

from api.models import ApiKey
from audit.models import AuditEvent
from canhgiac.testing import create_report, extend_with_neighbour
from reports.models import Report


def create_key(*args: str) -> str:
    out = io.StringIO()
    call_command("create_api_key", *args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def cases(live_world):
    """A report in the commune, one in the neighbouring commune, one in a commune of another province
    (reports land in communes and below: the province holds none of its own)."""
    more = extend_with_neighbour(live_world)
    return {
        "commune": create_report(live_world.resident, live_world.rg).report,
        "neighbour": create_report(more.neighbour_resident, more.neighbour_rg).report,
        "far": create_report(None, live_world.far_commune, visibility="anonymous").report,
    }


def client_for(live_server, key: str) -> httpx.Client:
    return httpx.Client(base_url=f"{live_server.url}/api", headers={"Authorization": f"Bearer {key}"}, timeout=10)


def test_a_commune_key_reads_and_acts_on_its_reports_and_nothing_above_or_beside(live_world, live_server, cases):
    key = create_key("--name", "cau-khoi-police", "--unit", live_world.commune.code, "--police")
    mine, beside, far = (cases[k].receipt_code for k in ("commune", "neighbour", "far"))
    with client_for(live_server, key) as api:
        queue = api.get("/reports")
        assert queue.status_code == 200
        assert [r["receipt_code"] for r in queue.json()] == [mine]

        one = api.get(f"/reports/{mine}")
        assert one.status_code == 200
        body = one.text
        assert live_world.resident.full_name not in body and live_world.resident.display_phone not in body
        assert "acknowledged" in one.json()["next_statuses"]

        for other in (beside, far):
            assert api.get(f"/reports/{other}").status_code in (403, 404)
            assert api.get(f"/reports/{other}/messages").status_code in (403, 404)
            assert api.post(f"/reports/{other}/transitions", json={"status": "acknowledged"}).status_code in (403, 404)

        moved = api.post(f"/reports/{mine}/transitions", json={"status": "acknowledged"})
        assert moved.status_code == 200 and moved.json()["status"] == "acknowledged"
        sent = api.post(f"/reports/{mine}/messages", json={"body": "Công an xã đã nhận tin, sẽ xác minh."})
        assert sent.status_code == 201 and sent.json()["side"] == "police"
        assert [m["body"] for m in api.get(f"/reports/{mine}/messages").json()] == [
            "Công an xã đã nhận tin, sẽ xác minh."
        ]

        identity = api.get(f"/reports/{mine}/identity", params={"reason": "xác minh tin báo"})
        assert identity.status_code == 200 and identity.json()["name"] == live_world.resident.full_name

    assert Report.objects.get(receipt_code=mine).status == "acknowledged"
    viewed = AuditEvent.objects.get(verb="report.identity_viewed")
    assert viewed.reason == "xác minh tin báo" and viewed.actor == ApiKey.objects.get().person
    uses = AuditEvent.objects.filter(verb="api_key.used").order_by("id")
    operations = [(u.data["key"], u.data["operation"], u.data["reports"]) for u in uses]
    assert operations[0] == ("cau-khoi-police", "GET /api/reports", [mine])
    assert ("cau-khoi-police", "GET /api/reports/{code}", [beside]) in operations  # refused calls too
    assert ("cau-khoi-police", "GET /api/reports/{code}/identity", [mine]) in operations
    assert ApiKey.objects.get().last_used_at is not None


def test_a_province_key_reads_every_commune_of_its_province_and_no_other(live_world, live_server, cases):
    key = create_key("--name", "tay-ninh-police", "--unit", live_world.province.code, "--police")
    with client_for(live_server, key) as api:
        codes = {r["receipt_code"] for r in api.get("/reports").json()}
        assert codes == {cases[k].receipt_code for k in ("commune", "neighbour")}
        assert api.get(f"/reports/{cases['far'].receipt_code}").status_code in (403, 404)


def test_a_key_without_police_cannot_read_the_queue(live_world, live_server, cases):
    key = create_key("--name", "hotline", "--unit", live_world.commune.code)
    with client_for(live_server, key) as api:
        assert api.get("/reports").status_code == 403
        assert api.get(f"/reports/{cases['commune'].receipt_code}").status_code == 403
        assert api.get(f"/reports/{cases['commune'].receipt_code}/identity").status_code == 403


def test_a_revoked_or_wrong_key_is_refused(live_world, live_server, cases):
    from django.utils import timezone

    key = create_key("--name", "old-system", "--unit", live_world.commune.code, "--police")
    ApiKey.objects.update(revoked_at=timezone.now())
    with client_for(live_server, key) as api:
        assert api.get("/reports").status_code == 401
    with client_for(live_server, "cg_not-a-key") as api:
        assert api.get("/reports").status_code == 401


def test_a_police_key_is_never_an_officer_to_alert_or_assign(live_world, cases):
    from reports.forms import officers_for

    create_key("--name", "cau-khoi-police", "--unit", live_world.commune.code, "--police")
    person = ApiKey.objects.get().person
    assert person is not None and person not in officers_for(cases["commune"])
    assert not person.can_sign_in
