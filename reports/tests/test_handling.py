"""The police workflow through its actions: transitions, audit, deadlines, reminders, merges."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from canhgiac.testing import create_report
from core.errors import ActionError
from reports.actions import (
    access_identity,
    check_assign,
    check_extend_decision,
    check_merge,
    check_post_message,
    check_transition,
)
from reports.models import Reminder, Report
from reports.queries import suggest_duplicates
from reports.tasks import send_deadline_reminders
from reports.workflow import CASE_TRANSITIONS, Status

# One way to reach each status from "received", for driving a real report there.
PATH_TO = {
    "received": [],
    "acknowledged": ["acknowledged"],
    "verifying": ["acknowledged", "verifying"],
    "dispatched": ["acknowledged", "dispatched"],
    "resolved": ["acknowledged", "resolved"],
    "unfounded": ["unfounded"],
    "forwarded": ["forwarded"],
    "closed": ["acknowledged", "resolved", "closed"],
}
EXTRA: dict[str, Any] = {"reason": "ghi chú", "forwarded_to": "Cơ quan CSĐT Công an tỉnh"}


def drive(world, report, steps):
    for step in steps:
        report = check_transition(world.officer, report, step, assignee=world.officer, **EXTRA)
    return report


@pytest.mark.parametrize("start", list(PATH_TO))
def test_every_allowed_transition_works_and_every_other_is_refused_with_a_clear_error(world, start):
    base = create_report(world.resident, world.rg).report
    base = drive(world, base, PATH_TO[start])
    for target in Status.values:
        report = Report.objects.get(pk=base.pk)
        if target in CASE_TRANSITIONS[start]:
            moved = check_transition(world.officer, report, target, assignee=world.officer, **EXTRA)
            assert moved.status == target
            Report.objects.filter(pk=base.pk).update(status=start)  # back to the start for the next target
        else:
            with pytest.raises(ActionError) as error:
                check_transition(world.officer, report, target, **EXTRA)
            assert error.value.code in ("transition_not_allowed",)


def test_every_transition_is_audited_with_who_what_and_why(world):
    report = create_report(world.resident, world.rg).report
    check_transition(world.officer, report, "acknowledged")
    check_transition(world.officer, report, "unfounded", reason="Không có dấu hiệu tội phạm")
    check_transition(world.officer, report, "acknowledged", reason="Có thông tin mới")
    events = list(
        AuditEvent.objects.filter(
            target_type="reports.report", target_id=str(report.pk), verb__startswith="report."
        ).order_by("at", "id")
    )
    assert [e.verb for e in events] == [
        "report.received",
        "report.status_changed",
        "report.status_changed",
        "report.reopened",
    ]
    assert events[2].actor == world.officer and events[2].reason == "Không có dấu hiệu tội phạm"
    assert events[2].data["from"] == "acknowledged" and events[2].data["to"] == "unfounded"


def test_assignments_merges_extensions_messages_and_identity_views_are_all_audited(world, more):
    first = create_report(world.resident, world.rg, description="Trộm chó nhà ông Ba").report
    second = create_report(world.leader, world.rg, description="Trộm chó nhà ông Ba đêm qua").report
    check_assign(world.officer, first, assignee=None, patrol=more.patrol)
    check_extend_decision(world.officer, first, "Cần xác minh thêm")
    check_post_message(first, "Anh cho biết thêm giờ xảy ra?", actor=world.officer, as_reporter=False)
    access_identity(world.officer, first, reason="liên hệ")
    check_merge(world.officer, second, first, "trùng vụ")
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "report.assigned",
        "report.deadline_extended",
        "report.message",
        "report.identity_viewed",
        "report.merged",
        "report.merge_received",
    } <= verbs


def test_reopening_and_declaring_unfounded_need_a_reason(world):
    report = create_report(world.resident, world.rg).report
    with pytest.raises(ActionError):
        check_transition(world.officer, report, "unfounded")
    assert Report.objects.get(pk=report.pk).status == "received"


def test_dispatch_needs_an_officer_or_patrol_of_the_area(world, more):
    report = check_transition(world.officer, create_report(world.resident, world.rg).report, "acknowledged")
    with pytest.raises(ActionError):
        check_transition(world.officer, report, "dispatched")
    with pytest.raises(ActionError):
        check_transition(world.officer, report, "dispatched", assignee=world.far_officer)
    moved = check_transition(world.officer, report, "dispatched", patrol=more.patrol)
    assert moved.patrol == more.patrol


def test_forwarding_names_the_agency_and_stops_the_forward_clock(world):
    report = create_report(world.resident, world.rg).report
    with pytest.raises(ActionError):
        check_transition(world.officer, report, "forwarded", reason="x")
    moved = check_transition(world.officer, report, "forwarded", reason="thẩm quyền", forwarded_to="CSĐT tỉnh")
    assert moved.forwarded_at and moved.forwarded_to == "CSĐT tỉnh"


def test_the_reporter_cannot_move_a_crime_report(world):
    report = create_report(world.resident, world.rg).report
    with pytest.raises(PermissionDenied):
        check_transition(world.resident, report, "acknowledged")


def test_the_reporter_is_told_of_every_status_change(world):
    report = create_report(world.resident, world.rg).report
    check_transition(world.officer, report, "acknowledged")
    check_transition(world.officer, report, "forwarded", reason="thẩm quyền", forwarded_to="CSĐT tỉnh")
    texts = [u.text for u in report.updates.order_by("created_at", "id")]
    assert len(texts) == 3 and "CSĐT tỉnh" in texts[-1]


def test_the_decision_deadline_extends_once_to_two_months(world):
    report = create_report(world.resident, world.rg).report
    extended = check_extend_decision(world.officer, report, "Cần giám định")
    assert extended.decision_due_at is not None and report.decision_due_at is not None
    assert (
        extended.decision_due_at.month != report.decision_due_at.month
        or extended.decision_due_at > report.decision_due_at
    )
    assert (extended.decision_due_at - extended.received_at).days >= 59
    with pytest.raises(ActionError):
        check_extend_decision(world.officer, extended, "lần nữa")


def test_lost_and_found_posts_cannot_be_extended(world):
    report = create_report(world.leader, world.rg, kind="found", category="found_item").report
    with pytest.raises(ActionError):
        check_extend_decision(world.officer, report, "x")


def test_a_deadline_is_reminded_48_hours_before_or_halfway_for_short_ones(world, settings):
    from datetime import UTC, datetime

    from reports.tasks import lead_for

    start = datetime(2019, 8, 28, tzinfo=UTC)
    assert lead_for(start, start + timedelta(hours=24)) == timedelta(hours=12)
    assert lead_for(start, start + timedelta(days=20)) == timedelta(hours=48)
    settings.REPORT_REMINDER_LEAD_HOURS = 72
    assert lead_for(start, start + timedelta(days=20)) == timedelta(hours=72)


def test_reminders_are_created_once_for_deadlines_within_the_lead_time(world):
    report = create_report(world.resident, world.rg).report
    check_assign(world.officer, report, assignee=world.officer)
    assert send_deadline_reminders.call() == 0  # 24 hours to forward: reminded when 12 are left
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(
        received_at=now - timedelta(hours=13), forward_due_at=now + timedelta(hours=11)
    )
    assert send_deadline_reminders.call() == 1
    assert send_deadline_reminders.call() == 0
    Report.objects.filter(pk=report.pk).update(decision_due_at=timezone.now() + timedelta(hours=5))
    assert send_deadline_reminders.call() == 1
    reminders = list(Reminder.objects.order_by("deadline"))
    assert [r.deadline for r in reminders] == ["decision", "forward"]
    assert all(r.recipient == world.officer for r in reminders)


def test_no_reminders_for_closed_or_forwarded_reports(world):
    report = create_report(world.resident, world.rg).report
    Report.objects.filter(pk=report.pk).update(forward_due_at=timezone.now() + timedelta(hours=1))
    check_transition(world.officer, report, "forwarded", reason="x", forwarded_to="CSĐT")
    assert send_deadline_reminders.call() == 0


def test_similar_reports_in_the_same_hamlet_are_suggested_as_duplicates(world):
    first = create_report(
        world.resident, world.rg, description="Hai thanh niên đi xe máy bắt trộm chó lúc 2 giờ sáng"
    ).report
    same_hamlet = create_report(
        world.leader, world.rg2, description="Thanh niên đi xe máy bắt trộm chó lúc 2 giờ"
    ).report
    other_text = create_report(world.leader, world.rg, description="Mất điện thoại ở chợ").report
    other_hamlet = create_report(
        world.leader, world.other_rg, description="Hai thanh niên đi xe máy bắt trộm chó lúc 2 giờ sáng"
    ).report
    other_category = create_report(
        world.leader, world.rg, category="usury", description="Hai thanh niên đi xe máy bắt trộm chó lúc 2 giờ sáng"
    ).report
    suggested = [r for r, _score in suggest_duplicates(first)]
    assert suggested == [same_hamlet]
    assert other_text not in suggested and other_hamlet not in suggested and other_category not in suggested


def test_reports_far_apart_in_time_are_not_duplicates(world):
    first = create_report(world.resident, world.rg, description="Trộm chó lúc 2 giờ sáng").report
    later = create_report(world.leader, world.rg, description="Trộm chó lúc 2 giờ sáng").report
    Report.objects.filter(pk=later.pk).update(received_at=first.received_at + timedelta(days=10))
    assert suggest_duplicates(first) == []


def test_a_merged_reporter_keeps_following_the_case(world):
    primary = create_report(world.resident, world.rg, description="Trộm chó").report
    duplicate = create_report(world.leader, world.rg, description="Trộm chó").report
    check_merge(world.officer, duplicate, primary, "trùng")
    duplicate.refresh_from_db()
    assert duplicate.merged_into == primary and duplicate.status == "closed"
    check_transition(world.officer, primary, "acknowledged")
    assert duplicate.updates.filter(event="status:acknowledged").exists()
    assert primary.updates.filter(event="status:acknowledged").exists()


def test_a_report_cannot_be_merged_twice_or_into_itself(world):
    a = create_report(world.resident, world.rg).report
    b = create_report(world.leader, world.rg).report
    c = create_report(world.leader, world.rg).report
    with pytest.raises(ActionError):
        check_merge(world.officer, a, a)
    check_merge(world.officer, b, a)
    with pytest.raises(ActionError):
        check_merge(world.officer, b, c)
    with pytest.raises(ActionError):
        check_merge(world.officer, c, b)


def test_officers_elsewhere_cannot_merge(world):
    a = create_report(world.resident, world.rg).report
    b = create_report(world.leader, world.rg).report
    with pytest.raises(PermissionDenied):
        check_merge(world.far_officer, b, a)


def test_an_anonymous_reporters_message_stores_no_author(world):
    report = create_report(None, world.rg, visibility="anonymous").report
    message = check_post_message(report, "Thêm thông tin", actor=None, as_reporter=True)
    assert message.author_id is None
    assert AuditEvent.objects.get(verb="report.message").actor_id is None


def test_the_reminder_command_creates_what_is_owed(world):
    import io

    from django.core.management import call_command

    report = create_report(world.resident, world.rg).report
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(
        received_at=now - timedelta(hours=23), forward_due_at=now + timedelta(hours=1)
    )
    out = io.StringIO()
    call_command("send_report_reminders", stdout=out)
    assert out.getvalue().startswith("1 reminder")
