"""Dispatch that reaches the patrol: the case summary on their phones, and their steps from the dispatch page."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from audit.actions import history
from canhgiac.testing import create_report, signed_in
from core.errors import ActionError
from delivery.models import Delivery, Notice
from groups.actions import check_add_member, check_leave_group
from reports.actions import check_assign, check_raise_alert, check_transition
from reports.actions.dispatch import check_dispatch_step
from reports.models import Report, ReportUpdate


def notices_to(person) -> list[Notice]:
    return [d.notice for d in Delivery.objects.filter(person=person).select_related("notice").order_by("id")]


@pytest.fixture
def patrol(world, more):
    """The commune's people's patrol with two residents in it."""
    check_add_member(world.officer, more.patrol, world.leader)
    check_add_member(world.officer, more.patrol, world.relay)
    return more.patrol


@pytest.fixture
def report(world):
    filed = create_report(
        world.resident,
        world.rg,
        place_text="Cổng chợ Phước Hội",
        latitude=Decimal("11.315600"),
        longitude=Decimal("106.105200"),
    )
    return check_transition(world.officer, filed.report, "acknowledged")


def dispatch(world, report, patrol):
    return check_transition(world.officer, report, "dispatched", patrol=patrol)


@override_settings(SITE_URL="https://canhgiac.example.vn")
def test_dispatching_a_patrol_sends_every_active_member_the_case_summary_without_the_reporter(world, patrol, report):
    check_leave_group(world.relay, patrol)
    dispatch(world, report, patrol)

    [notice] = notices_to(world.leader)
    assert report.receipt_code in notice.subject
    for part in (
        report.receipt_code,
        "Trộm cắp",
        "Cổng chợ Phước Hội",
        "Tổ 1, Ấp Phước Hội, Xã Cầu Khởi",
        "https://www.openstreetmap.org/?mlat=11.315600&mlon=106.105200",
        f"https://canhgiac.example.vn/reports/{report.receipt_code}/dispatch/",
    ):
        assert part in notice.body, part
    assert world.resident.full_name not in notice.body + notice.subject
    assert world.resident.display_phone not in notice.body
    assert notice.url == f"/reports/{report.receipt_code}/dispatch/"
    assert notice.priority == "normal"
    assert notices_to(world.relay) == []  # left the patrol before the dispatch


@override_settings(DISPATCH_MAP_URL="https://www.google.com/maps?q={lat},{lon}")
def test_assigning_an_officer_sends_them_the_case_at_the_urgency_of_the_report(world, report):
    check_raise_alert(world.officer, world.hamlet, "Có người lạ cầm dao ở cổng chợ", report=report)
    check_assign(world.officer, report, assignee=world.officer)

    dispatches = [n for n in notices_to(world.officer) if "/dispatch/" in n.url]
    assert len(dispatches) == 1
    assert dispatches[0].priority == "urgent"
    assert "https://www.google.com/maps?q=11.315600,106.105200" in dispatches[0].body
    # Saving the same assignment again does not send it twice.
    check_assign(world.officer, Report.objects.get(pk=report.pk), assignee=world.officer)
    assert len([n for n in notices_to(world.officer) if "/dispatch/" in n.url]) == 1


def test_a_report_without_coordinates_has_no_map_link(world, patrol):
    filed = create_report(world.resident, world.rg, place_text="Cuối hẻm 4")
    dispatch(world, check_transition(world.officer, filed.report, "acknowledged"), patrol)
    [notice] = notices_to(world.leader)
    assert "openstreetmap" not in notice.body and "Cuối hẻm 4" in notice.body


def test_each_step_is_stored_once_in_the_history_and_the_reporter_is_told_when_they_are_on_scene(world, patrol, report):
    report = dispatch(world, report, patrol)
    check_dispatch_step(world.leader, report, "acknowledge")
    check_dispatch_step(world.relay, report, "acknowledge")  # a second member's tap changes nothing
    check_dispatch_step(world.relay, report, "on_scene")
    check_dispatch_step(world.leader, report, "outcome", outcome="handled", text="Đã mời hai thanh niên về nhà.")

    report.refresh_from_db()
    assert report.dispatch_acknowledged_by == world.leader
    assert report.on_scene_by == world.relay
    assert report.outcome == "handled" and report.outcome_text == "Đã mời hai thanh niên về nhà."
    assert report.received_at < report.dispatch_acknowledged_at <= report.on_scene_at <= report.outcome_at
    verbs = list(history(report).order_by("id").values_list("verb", flat=True))
    assert verbs[-3:] == ["report.dispatch_acknowledged", "report.on_scene", "report.dispatch_outcome"]
    assert ReportUpdate.objects.filter(report=report, event="on_scene").count() == 1
    told = notices_to(world.resident)[-1]
    assert "hiện trường" in told.body
    outcome = notices_to(world.officer)[-1]
    assert report.receipt_code in outcome.subject and "Đã mời hai thanh niên" in outcome.body


def test_on_scene_counts_as_acknowledged_and_an_outcome_needs_a_choice(world, patrol, report):
    report = dispatch(world, report, patrol)
    check_dispatch_step(world.leader, report, "on_scene")
    report.refresh_from_db()
    assert report.dispatch_acknowledged_at == report.on_scene_at
    with pytest.raises(ActionError):
        check_dispatch_step(world.leader, report, "outcome", outcome="", text="xong")


def test_only_the_people_sent_and_the_handling_police_can_answer_a_dispatch(world, patrol, report):
    report = dispatch(world, report, patrol)
    for outsider in (world.resident, world.stranger, world.far_officer):
        with pytest.raises(PermissionDenied):
            check_dispatch_step(outsider, report, "acknowledge")
    check_dispatch_step(world.officer, report, "acknowledge")


def test_a_report_nobody_was_sent_to_has_no_steps(world, patrol, report):
    check_add_member(world.officer, patrol, world.stranger)
    with pytest.raises(PermissionDenied):
        check_dispatch_step(world.stranger, report, "acknowledge")
    with pytest.raises(ActionError):
        check_dispatch_step(world.officer, report, "acknowledge")


def test_a_patrol_member_gets_the_dispatch_page_and_nothing_else_of_the_case(client, world, patrol, report):
    report = dispatch(world, report, patrol)
    client = signed_in(client, world.leader)
    page = client.get(f"/reports/{report.receipt_code}/dispatch/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cổng chợ Phước Hội" in html and "openstreetmap.org" in html
    assert world.resident.full_name not in html and world.resident.display_phone not in html
    assert client.get(f"/reports/{report.receipt_code}/case/").status_code in (403, 404)
    assert client.get(f"/reports/{report.receipt_code}/").status_code in (403, 404)
    assert client.get(f"/reports/{report.receipt_code}/messages/").status_code in (403, 404, 405)

    response = client.post(f"/reports/{report.receipt_code}/dispatch/", {"step": "acknowledge"})
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).dispatch_acknowledged_by == world.leader


def test_a_stranger_cannot_open_the_dispatch_page(client, world, patrol, report):
    report = dispatch(world, report, patrol)
    response = signed_in(client, world.stranger).get(f"/reports/{report.receipt_code}/dispatch/")
    assert response.status_code in (403, 404)


def test_the_case_page_shows_each_step_and_its_time_after_the_tip(client, world, patrol, report):
    report = dispatch(world, report, patrol)
    check_dispatch_step(world.leader, report, "on_scene")
    check_dispatch_step(world.leader, report, "outcome", outcome="nothing_found", text="Không thấy ai.")
    html = signed_in(client, world.officer).get(f"/reports/{report.receipt_code}/case/").content.decode()
    assert 'data-testid="time-acknowledged"' in html and 'data-testid="time-on_scene"' in html
    assert world.leader.full_name in html and "Không thấy ai." in html
