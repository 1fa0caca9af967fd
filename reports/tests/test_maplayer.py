"""The reports layer of the steering map: who sees which points, what a point says, filters, the cap."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from canhgiac.testing import FAR_COMMUNE, create_report, signed_in
from places.models import Unit
from reports.actions import check_transition
from reports.maplayer import MAX_POINTS
from reports.models import Report
from reports.workflow import Status

pytestmark = pytest.mark.django_db

HERE = {"latitude": "11.264000", "longitude": "106.238000"}


def reports_layer(client, person, unit, **params) -> dict:
    response = signed_in(client, person).get(f"/steering/u/{unit.code}/map.json", params)
    assert response.status_code == 200
    return next(layer for layer in response.json()["layers"] if layer["key"] == "reports")


@pytest.fixture
def located(world):
    """A confidential, an anonymous and a named report with a position, and one without."""
    world.confidential = create_report(
        world.resident, world.rg, description="Nhà ông Tư số 12 bị trộm chó", **HERE
    ).report
    world.anonymous = create_report(
        None, world.hamlet, visibility="anonymous", description="Có người bán ma túy sau chợ", **HERE
    ).report
    world.lost = create_report(
        world.resident,
        world.other_rg,
        kind="lost",
        category="lost_item",
        visibility="named",
        description="Mất ví da màu nâu",
        latitude="11.255500",
        longitude="106.252000",
    ).report
    world.unlocated = create_report(world.resident, world.rg, description="Tờ rơi cho vay").report
    return world


def test_commune_police_see_each_located_report_by_kind_code_and_status_linked_to_its_case(located, client):
    layer = reports_layer(client, located.officer, located.commune)
    points = {point["title"].split(" · ")[1]: point for point in layer["points"]}
    assert set(points) == {located.confidential.receipt_code, located.anonymous.receipt_code, located.lost.receipt_code}
    theft = points[located.confidential.receipt_code]
    assert theft == {
        "lat": 11.264,
        "lng": 106.238,
        "title": f"Trộm cắp · {located.confidential.receipt_code} · Đã nhận",
        "url": f"/reports/{located.confidential.receipt_code}/case/",
        "kind": "crime",
    }
    assert (layer["total"], layer["unlocated"]) == (3, 1)
    assert layer["filters"] == {"period": "90", "kind": "", "status": ""}
    assert [entry["kind"] for entry in layer["legend"]] == ["crime", "suspicious", "public_order", "lost", "found"]


def test_the_map_never_carries_who_reported_or_what_they_wrote(located, client):
    text = json.dumps(reports_layer(client, located.province_officer, located.province), ensure_ascii=False)
    for secret in ("Nguyễn Văn Thanh", "0901000001", "bị trộm chó", "ma túy sau chợ", "ví da"):
        assert secret not in text


def test_a_resident_cannot_open_the_map_or_its_points(located, client):
    signed_in(client, located.resident)
    assert client.get(f"/steering/u/{located.commune.code}/map.json").status_code == 403
    assert client.get(f"/steering/u/{located.commune.code}/map/").status_code == 403


def test_an_officer_of_another_commune_sees_none_of_this_communes_points(located, client):
    signed_in(client, located.far_officer)
    assert client.get(f"/steering/u/{located.commune.code}/map.json").status_code == 403
    own = reports_layer(client, located.far_officer, Unit.objects.get(code=FAR_COMMUNE))
    assert own["points"] == [] and own["total"] == 0


def test_the_province_officer_sees_the_points_of_every_commune(located, more, client):
    create_report(more.neighbour_resident, more.neighbour_rg, latitude="11.360000", longitude="106.220000")
    layer = reports_layer(client, located.province_officer, located.province)
    assert layer["total"] == 4


def test_the_steering_committee_sees_lost_and_found_posts_only_as_on_its_queue(located, client):
    layer = reports_layer(client, located.steering, located.commune)
    assert [point["kind"] for point in layer["points"]] == ["lost"]
    assert layer["points"][0]["url"] == f"/reports/{located.lost.receipt_code}/case/"
    assert signed_in(client, located.steering).get(layer["points"][0]["url"]).status_code == 200


def test_filters_by_period_kind_and_status(located, client):
    Report.objects.filter(pk=located.anonymous.pk).update(received_at=timezone.now() - timedelta(days=200))
    check_transition(located.officer, located.confidential, Status.ACKNOWLEDGED)
    Report.objects.filter(pk=located.lost.pk).update(decision_due_at=timezone.now() - timedelta(days=1))

    def codes(**params) -> set[str]:
        return {
            point["title"].split(" · ")[1]
            for point in reports_layer(client, located.officer, located.commune, **params)["points"]
        }

    anonymous, confidential, lost = (r.receipt_code for r in (located.anonymous, located.confidential, located.lost))
    assert codes() == {confidential, lost}  # the last 90 days by default
    assert codes(period="365") == codes(period="all") == {anonymous, confidential, lost}
    assert codes(period="30", kind="lost") == {lost}
    assert codes(period="all", status="acknowledged") == {confidential}
    assert codes(period="all", status="overdue") == {lost}
    assert codes(period="all", status="open") == {anonymous, confidential, lost}
    check_transition(located.officer, located.confidential, Status.RESOLVED)
    assert codes(status="open") == {lost}
    assert codes(period="forever", kind="weapons") == {confidential, lost}  # unknown values: the defaults


def test_a_busy_province_shows_the_most_recent_points_up_to_the_cap_and_says_how_many_matched(world, client):
    now = timezone.now()
    Report.objects.bulk_create(
        Report(
            kind="public_order",
            category="noise",
            visibility="named",
            unit=world.rg,
            description="Ồn ào",
            received_at=now - timedelta(minutes=n),
            latitude="11.25",
            longitude="106.25",
        )
        for n in range(MAX_POINTS + 1)
    )
    oldest = Report.objects.earliest("received_at")
    layer = reports_layer(client, world.province_officer, world.province)
    assert (len(layer["points"]), layer["total"]) == (MAX_POINTS, MAX_POINTS + 1)
    assert oldest.receipt_code not in {point["title"].split(" · ")[1] for point in layer["points"]}


def test_the_map_page_offers_the_filters_and_a_legend_by_kind(world, client):
    html = (
        signed_in(client, world.officer)
        .get(f"/steering/u/{world.commune.code}/map/", {"kind": "lost"})
        .content.decode()
    )
    assert '<option value="lost" selected>' in html
    assert '<option value="90" selected>' in html
    legend = html.split('class="legend')[1].split("</div>")[0]
    assert "background: #c62828" in legend and "Tin báo, tố giác tội phạm" in legend
