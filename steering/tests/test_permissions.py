"""Who sees which dashboard, export, directive and responsibility: every persona, every page."""

import pytest
from django.utils import timezone

from canhgiac.testing import create_directive, signed_in
from core.errors import ActionError, PermissionDenied
from groups.models import GroupKind
from steering import permissions
from steering.actions import (
    check_assign_responsibility,
    check_end_responsibility,
    check_mark_reminder_read,
    check_withdraw_directive,
    do_send_reminders,
)
from steering.models import Responsibility, TargetLevel

MONTH = {"kind": "month", "year": timezone.localdate().year, "number": timezone.localdate().month}


@pytest.fixture
def directive(world):
    return create_directive(
        world.province_officer,
        world.province,
        [(TargetLevel.RESIDENTIAL_GROUP, GroupKind.RESIDENTIAL_GROUP)],
        days=7,
        title="Mỗi tổ dân cư phải có nhóm",
    )


# persona -> (province dashboard, commune dashboard, neighbour commune dashboard)
DASHBOARD_ACCESS = {
    "resident": (False, False, False),
    "relay": (False, False, False),
    "leader": (False, False, False),
    "stranger": (False, False, False),
    "officer": (False, True, False),
    "steering": (False, True, False),
    "province_officer": (True, True, True),
    "far_officer": (False, False, False),
    "admin": (True, True, True),
}


@pytest.mark.parametrize(("persona", "expected"), DASHBOARD_ACCESS.items())
def test_dashboards_and_exports_are_for_officers_whose_mandate_covers_the_unit(world, client, persona, expected):
    person = getattr(world, persona)
    units = (world.province, world.commune, world.neighbour)
    assert tuple(permissions.can_view_dashboard(person, unit) for unit in units) == expected
    signed_in(client, person)
    for unit, allowed in zip(units, expected, strict=True):
        pages = [
            f"/steering/u/{unit.code}/",
            f"/steering/u/{unit.code}/map/",
            f"/steering/u/{unit.code}/map.json",
        ]
        for page in pages:
            assert client.get(page).status_code == (200 if allowed else 403), (persona, page)
        for fmt in ("xlsx", "pdf"):
            status = client.get(f"/steering/u/{unit.code}/report.{fmt}", MONTH).status_code
            assert status == (200 if allowed else 403), (persona, unit, fmt)
        assert client.post(f"/steering/u/{unit.code}/refresh/").status_code == (302 if allowed else 403)


def test_dashboards_exist_only_for_provinces_and_communes_but_reports_for_any_unit_an_officer_covers(world, client):
    assert not permissions.can_view_dashboard(world.officer, world.hamlet)
    assert permissions.can_export_report(world.officer, world.rg)
    assert not permissions.can_export_report(world.leader, world.rg)
    signed_in(client, world.officer)
    assert client.get(f"/steering/u/{world.hamlet.code}/").status_code == 403
    assert client.get(f"/steering/u/{world.rg.code}/report.xlsx", MONTH).status_code == 200
    assert client.get(f"/steering/u/{world.rg.code}/report.doc", MONTH).status_code == 404


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("resident", False), ("leader", False), ("officer", False), ("far_officer", False), ("province_officer", True)],
)
def test_only_officers_of_the_province_issue_a_province_directive(world, client, persona, allowed):
    assert permissions.can_issue_directive(getattr(world, persona), world.province) is allowed
    response = signed_in(client, getattr(world, persona)).get(f"/steering/u/{world.province.code}/directives/new/")
    assert response.status_code == (200 if allowed else 403)


def test_a_province_directive_is_seen_by_the_communes_that_carry_it_out_and_not_by_others(world, client, directive):
    assert permissions.can_view_directive(world.officer, directive)
    assert permissions.can_view_directive(world.steering, directive)
    assert not permissions.can_view_directive(world.far_officer, directive)
    assert not permissions.can_view_directive(world.resident, directive)
    assert not permissions.can_view_directive(world.leader, directive)
    assert not permissions.can_change_directive(world.officer, directive)

    page = signed_in(client, world.officer).get(f"/steering/directives/{directive.pk}/")
    assert page.status_code == 200 and page.context["scope"] == world.commune
    assert client.get(f"/steering/directives/{directive.pk}/?scope={world.province.code}").status_code == 403
    assert client.get(f"/steering/directives/{directive.pk}/?scope={world.neighbour.code}").status_code == 403
    assert client.post(f"/steering/directives/{directive.pk}/withdraw/").status_code == 403
    for persona in ("far_officer", "resident", "leader"):
        assert (
            signed_in(client, getattr(world, persona)).get(f"/steering/directives/{directive.pk}/").status_code == 403
        )
    province_page = signed_in(client, world.province_officer).get(f"/steering/directives/{directive.pk}/")
    assert province_page.context["scope"] == world.province


def test_only_the_issuing_level_withdraws_a_directive(world, directive):
    with pytest.raises(PermissionDenied):
        check_withdraw_directive(world.officer, directive)
    check_withdraw_directive(world.province_officer, directive)
    with pytest.raises(ActionError):
        check_withdraw_directive(world.province_officer, directive)


def test_responsibilities_go_to_officers_of_the_unit_and_are_assigned_by_its_officers(world, client):
    with pytest.raises(PermissionDenied):
        check_assign_responsibility(world.leader, world.steering, unit=world.hamlet)
    with pytest.raises(PermissionDenied):
        check_assign_responsibility(world.far_officer, world.steering, unit=world.hamlet)
    with pytest.raises(ActionError, match="not a steering committee member"):
        check_assign_responsibility(world.officer, world.leader, unit=world.hamlet)
    with pytest.raises(ActionError, match="not a steering committee member"):
        check_assign_responsibility(world.officer, world.far_officer, unit=world.hamlet)
    with pytest.raises(ActionError, match="unit or a group"):
        check_assign_responsibility(world.officer, world.steering)
    duty = check_assign_responsibility(world.officer, world.steering, group=world.rg_group, duty="Theo dõi nhóm")
    with pytest.raises(ActionError, match="already"):
        check_assign_responsibility(world.officer, world.steering, group=world.rg_group)
    assert Responsibility.objects.filter(ended_at__isnull=True).count() == 1
    with pytest.raises(PermissionDenied):
        check_end_responsibility(world.far_officer, duty)
    check_end_responsibility(world.officer, duty)
    for persona, status in (("resident", 403), ("leader", 403), ("far_officer", 403), ("officer", 200)):
        response = signed_in(client, getattr(world, persona)).get(f"/steering/u/{world.commune.code}/responsibilities/")
        assert response.status_code == status, persona


def test_a_reminder_is_opened_only_by_its_recipient(world, directive):
    do_send_reminders()
    reminder = world.steering.steering_reminders.get()
    with pytest.raises(PermissionDenied):
        check_mark_reminder_read(world.officer, reminder.pk)
    assert check_mark_reminder_read(world.steering, reminder.pk).read_at is not None


def test_residents_and_leaders_get_no_steering_page_at_all(world, client):
    for persona in ("resident", "leader", "relay"):
        signed_in(client, getattr(world, persona))
        assert client.get("/steering/").status_code == 403
        assert client.get("/steering/mine/").status_code == 403
        assert "/steering/" not in client.get("/groups/").content.decode()


def test_compliance_is_seen_inside_the_directive_and_within_the_viewers_mandate(world, directive):
    assert permissions.can_view_compliance(world.officer, directive, world.commune)
    assert permissions.can_view_compliance(world.officer, directive, world.hamlet)
    assert not permissions.can_view_compliance(world.officer, directive, world.neighbour)
    assert not permissions.can_view_compliance(world.officer, directive, world.province)
    assert permissions.can_view_compliance(world.province_officer, directive, world.neighbour)
    assert not permissions.can_view_compliance(world.far_officer, directive, world.far_commune)
    assert not permissions.can_view_compliance(world.leader, directive, world.rg)
