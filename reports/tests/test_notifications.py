"""Reporters, members and officers are told through the delivery engine, not only on pages."""

from datetime import timedelta

from django.utils import timezone

from canhgiac.testing import create_report
from delivery.models import Delivery, Notice, Priority
from groups.actions import check_add_member
from reports.actions import check_raise_alert, check_transition
from reports.models import Report
from reports.tasks import send_deadline_reminders


def inbox_subjects(person) -> list[str]:
    return list(Delivery.objects.filter(person=person).order_by("id").values_list("notice__subject", flat=True))


def test_a_named_reporter_finds_each_status_change_in_their_inbox(world):
    report = create_report(world.resident, world.rg, visibility="named").report
    check_transition(world.officer, report, "acknowledged")
    subjects = inbox_subjects(world.resident)
    assert len(subjects) == 2 and all(report.receipt_code in subject for subject in subjects)
    notice = Notice.objects.filter(source_type="reports.report", source_id=str(report.pk)).latest("id")
    assert notice.url == f"/reports/{report.receipt_code}/"
    assert notice.body == report.updates.latest("id").text


def test_an_anonymous_reporter_is_sent_nothing_because_no_address_is_stored(world):
    report = create_report(None, world.rg, visibility="anonymous").report
    check_transition(world.officer, report, "acknowledged")
    assert report.updates.count() == 2  # the feed they read with code + secret
    assert not Notice.objects.filter(source_type="reports.report", source_id=str(report.pk)).exists()


def test_an_urgent_alert_reaches_every_member_under_the_unit_once_on_the_urgent_lane(world):
    check_add_member(world.officer, world.hamlet_group, world.resident)  # also in the hamlet group
    alert = check_raise_alert(world.officer, world.hamlet, "Đối tượng lạ vừa vào ấp Phước Hội, đi xe máy không biển số")
    notice = Notice.objects.get(source_type="reports.urgentalert", source_id=str(alert.pk))
    assert notice.priority == Priority.URGENT
    recipients = list(Delivery.objects.filter(notice=notice).values_list("person__full_name", flat=True))
    assert sorted(recipients) == sorted(
        ["Nguyễn Văn Thanh", "Trần Thị Mai", "Trần Thị Sáu", "Lê Hoàng Tâm", "Đỗ Tuấn Kiệt"]
    )
    elder = Delivery.objects.get(notice=notice, person=world.elder)
    assert elder.relay == world.relay  # read out by her granddaughter


def test_a_deadline_reminder_reaches_the_police_of_the_unit_when_nobody_is_assigned(world):
    report = create_report(world.resident, world.rg).report
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(
        received_at=now - timedelta(hours=23), forward_due_at=now + timedelta(hours=1)
    )
    send_deadline_reminders.call()
    assert any(report.receipt_code in subject for subject in inbox_subjects(world.officer))
    assert any(report.receipt_code in subject for subject in inbox_subjects(world.province_officer))
    assert not any(report.receipt_code in subject for subject in inbox_subjects(world.steering))
