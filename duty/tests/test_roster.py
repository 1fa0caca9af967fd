"""The roster pages: the unit's police see who is on duty now and keep the roster; nobody else."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from canhgiac.testing import signed_in
from duty.actions import check_set_preferences
from duty.models import AlertPreference, Shift


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_an_officer_sees_who_is_on_duty_now_with_the_backup_and_the_chief(world, crew):
    page = signed_in(Client(), world.officer).get("/duty/", follow=True)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Đang trực" in text and "Đỗ Tuấn Kiệt" in text and "Lê Văn Dự" in text
    assert "Chỉ huy: Trương Minh Trưởng" in " ".join(text.split())


def test_an_officer_adds_a_shift_for_a_colleague(world, crew):
    start = timezone.now() + timedelta(hours=10)
    response = signed_in(Client(), world.officer).post(
        f"/duty/units/{world.commune.code}/",
        {
            "form": "shift",
            "starts_at": local(start),
            "ends_at": local(start + timedelta(hours=12)),
            "officer": crew.backup.pk,
            "backup": world.officer.pk,
        },
    )
    assert response.status_code == 302
    shift = Shift.objects.get(officer=crew.backup)
    assert shift.backup == world.officer and shift.created_by == world.officer


def test_a_shift_for_someone_outside_the_unit_or_ending_before_it_starts_is_refused(world, crew):
    officer = signed_in(Client(), world.officer)
    start = timezone.now()
    for data in (
        {"officer": world.province_officer.pk, "ends_at": local(start + timedelta(hours=2))},
        {"officer": crew.backup.pk, "ends_at": local(start - timedelta(hours=2))},
    ):
        response = officer.post(
            f"/duty/units/{world.commune.code}/", {"form": "shift", "starts_at": local(start), **data}
        )
        assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert Shift.objects.count() == 1


def test_the_province_police_may_keep_a_communes_roster(world, crew):
    page = signed_in(Client(), world.province_officer).get(f"/duty/units/{world.commune.code}/")
    assert page.status_code == 200 and 'data-testid="add-shift"' in page.content.decode()


@pytest.mark.parametrize("who", ["far_officer", "steering", "resident", "leader"])
def test_nobody_else_sees_or_changes_the_roster(world, crew, who):
    person = signed_in(Client(), getattr(world, who))
    assert person.get(f"/duty/units/{world.commune.code}/").status_code == 403
    shift = Shift.objects.get()
    assert person.post(f"/duty/units/{world.commune.code}/shifts/{shift.pk}/remove/").status_code == 403
    assert Shift.objects.filter(pk=shift.pk).exists()


def test_an_officer_removes_a_shift_and_the_queue_says_nobody_is_on_duty(world, crew):
    officer = signed_in(Client(), world.officer)
    shift = Shift.objects.get()
    assert officer.post(f"/duty/units/{world.commune.code}/shifts/{shift.pk}/remove/").status_code == 302
    assert not Shift.objects.exists()
    page = officer.get(f"/duty/units/{world.commune.code}/").content.decode()
    assert "Hiện không có ai trực." in page
    assert 'data-testid="nobody-on-duty"' in officer.get("/reports/queue/").content.decode()


def test_an_officer_chooses_where_alerts_reach_them(world, crew):
    from delivery.actions import check_set_channels

    check_set_channels(
        world.officer, world.officer, [("email", "kiet@congan.example.vn"), ("sms_gateway", "0901000004")]
    )
    officer = signed_in(Client(), world.officer)
    page = officer.get("/duty/alerts/").content.decode()
    assert "Tin khẩn" in page and "Đồng chí đang trực." in page
    officer.post("/duty/alerts/", {"channel": "sms_gateway", "urgent": ["sms_gateway", "email"]})
    preference = AlertPreference.objects.get(person=world.officer)
    assert preference.channels == ["sms_gateway"] and preference.urgent_channels == ["sms_gateway", "email"]


def test_preferences_accept_only_known_channels_and_only_ones_own(world, crew):
    from core.errors import ActionError, PermissionDenied

    with pytest.raises(ActionError):
        check_set_preferences(world.officer, world.officer, ["carrier_pigeon"], [])
    with pytest.raises(PermissionDenied):
        check_set_preferences(world.officer, crew.chief, ["email"], [])
    assert signed_in(Client(), world.resident).get("/duty/alerts/").status_code == 403
