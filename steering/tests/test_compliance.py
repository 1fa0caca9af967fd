"""Directives and their compliance: met, missing, overdue, and who answers for each unit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from canhgiac.testing import create_directive
from core.errors import ActionError, PermissionDenied
from coverage.actions import check_create_unit
from groups.actions import check_create_group
from groups.models import GroupKind
from places.models import UnitKind
from steering import compliance
from steering.actions import (
    check_assign_responsibility,
    check_issue_directive,
    check_withdraw_directive,
    do_backfill_compliance,
    do_send_reminders,
    do_snapshot_compliance,
)
from steering.models import ComplianceSnapshot, Reminder, TargetLevel

RG, HAMLET, COMMUNE = TargetLevel.RESIDENTIAL_GROUP, TargetLevel.HAMLET, TargetLevel.COMMUNE


def issue(world, *requirements, days=30, actor=None, unit=None):
    return create_directive(
        actor or world.province_officer,
        unit or world.province,
        requirements or [(RG, GroupKind.RESIDENTIAL_GROUP)],
        days=days,
    )


def statuses(items, requirement_kind=None):
    return {
        (item.unit.name, item.unit.parent.name if item.unit.parent else ""): item.status
        for item in items
        if requirement_kind is None or item.requirement.group_kind == requirement_kind
    }


def test_every_residential_group_with_a_group_is_met_and_the_others_are_missing_before_the_deadline(world):
    directive = issue(world)
    items = compliance.evaluate(directive, world.commune)
    assert statuses(items) == {
        ("Tổ 1", "Ấp Phước Hội"): "met",
        ("Tổ 2", "Ấp Phước Hội"): "met",
        ("Tổ 1", "Ấp Phước Lễ"): "missing",
    }


def test_after_the_deadline_what_is_missing_is_overdue(world):
    directive = issue(world)
    later = directive.deadline + timedelta(days=1)
    items = compliance.evaluate(directive, world.commune, today=later)
    assert statuses(items)[("Tổ 1", "Ấp Phước Lễ")] == "overdue"
    assert statuses(items)[("Tổ 1", "Ấp Phước Hội")] == "met"
    on_the_day = compliance.evaluate(directive, world.commune, today=directive.deadline)
    assert statuses(on_the_day)[("Tổ 1", "Ấp Phước Lễ")] == "missing"


def test_an_archived_group_no_longer_meets_the_directive(world):
    directive = issue(world)
    world.rg2_group.is_active = False
    world.rg2_group.save()
    items = compliance.evaluate(directive, world.commune)
    assert statuses(items)[("Tổ 2", "Ấp Phước Hội")] == "missing"


def test_a_unit_created_after_the_directive_gets_its_own_grace_period_past_the_deadline(world):
    directive = issue(world, days=5)
    new_rg = check_create_unit(world.officer, world.hamlet, name="Tổ 3", kind=UnitKind.RESIDENTIAL_GROUP)
    after_deadline = directive.deadline + timedelta(days=10)
    items = compliance.evaluate(directive, world.commune, today=after_deadline)
    new_item = next(item for item in items if item.unit == new_rg)
    assert new_item.due == timezone.localdate() + timedelta(days=directive.grace_days)
    assert new_item.status == "missing"
    assert statuses(items)[("Tổ 1", "Ấp Phước Lễ")] == "overdue"
    too_late = compliance.evaluate(directive, world.commune, today=new_item.due + timedelta(days=1))
    assert next(item for item in too_late if item.unit == new_rg).status == "overdue"


def test_a_thematic_group_anywhere_in_the_commune_meets_a_commune_requirement(world):
    directive = issue(world, (COMMUNE, GroupKind.PATROL), (HAMLET, GroupKind.HAMLET))
    items = compliance.evaluate(directive)
    assert statuses(items, GroupKind.PATROL) == {
        ("Xã Cầu Khởi", "Tỉnh Tây Ninh"): "missing",
        ("Xã Dương Minh Châu", "Tỉnh Tây Ninh"): "missing",
    }
    check_create_group(world.officer, world.hamlet, name="Tuần tra ấp Phước Hội", kind=GroupKind.PATROL)
    items = compliance.evaluate(directive)
    assert statuses(items, GroupKind.PATROL)[("Xã Cầu Khởi", "Tỉnh Tây Ninh")] == "met"
    assert statuses(items, GroupKind.HAMLET) == {
        ("Ấp Phước Hội", "Xã Cầu Khởi"): "met",
        ("Ấp Phước Lễ", "Xã Cầu Khởi"): "missing",
    }


def test_the_province_matrix_has_one_row_per_commune_with_a_tally_per_requirement(world):
    directive = issue(world, (RG, GroupKind.RESIDENTIAL_GROUP), (COMMUNE, GroupKind.CONGREGATION))
    rows = compliance.matrix(directive, world.province, compliance.evaluate(directive))
    by_name = {row.unit.name: row for row in rows}
    assert set(by_name) == {"Xã Cầu Khởi", "Xã Dương Minh Châu"}
    rg_cell, congregation_cell = by_name["Xã Cầu Khởi"].cells
    assert (rg_cell.total, rg_cell.met, rg_cell.missing) == (3, 2, 1)
    assert (congregation_cell.total, congregation_cell.met) == (1, 0)
    assert by_name["Xã Dương Minh Châu"].cells[0].total == 0


def test_the_responsible_person_is_the_assigned_member_else_the_units_officers_steering_first(world):
    directive = issue(world)
    items = {item.unit.pk: item for item in compliance.evaluate(directive, world.commune)}
    assert items[world.other_rg.pk].responsible == [world.steering, world.officer]
    check_assign_responsibility(world.officer, world.steering, unit=world.other_hamlet, duty="Phụ trách ấp Phước Lễ")
    items = {item.unit.pk: item for item in compliance.evaluate(directive, world.commune)}
    assert items[world.other_rg.pk].responsible == [world.steering]
    assert items[world.rg.pk].responsible == [world.steering, world.officer]


def test_snapshots_tally_each_commune_and_backfill_follows_the_groups_creation_dates(world):
    directive = issue(world)
    directive.issued_at = timezone.now() - timedelta(days=14)
    directive.save()
    world.rg2_group.created_at = timezone.now() - timedelta(days=10)
    world.rg2_group.save()
    for unit in (world.rg, world.rg2, world.other_rg):
        unit.created_at = timezone.now() - timedelta(days=20)
        unit.save()
    do_backfill_compliance(directive, step=7)
    snapshots = {
        (s.day, s.commune.name): (s.total, s.met, s.overdue)
        for s in ComplianceSnapshot.objects.select_related("commune")
    }
    today = timezone.localdate()
    assert snapshots[(today - timedelta(days=14), "Xã Cầu Khởi")] == (3, 0, 0)
    assert snapshots[(today - timedelta(days=7), "Xã Cầu Khởi")] == (3, 1, 0)
    assert snapshots[(today, "Xã Cầu Khởi")] == (3, 2, 0)
    do_snapshot_compliance(directive)
    assert ComplianceSnapshot.objects.filter(day=today).count() == 1


def test_reminders_go_to_who_answers_for_a_lagging_commune_once_per_reminder_day(world):
    directive = issue(world, days=7)
    assert do_send_reminders() == 2
    reminders = Reminder.objects.order_by("recipient__full_name")
    assert [r.recipient for r in reminders] == [world.steering, world.officer]
    assert reminders[0].subject == f"Còn 7 ngày: {directive.title}"  # in the recipient's language
    assert "Xã Cầu Khởi" in reminders[0].body and f"scope={world.commune.code}" in reminders[0].url
    # …and through the delivery engine, to their inbox and channels.
    from delivery.models import Delivery

    sent = Delivery.objects.filter(notice__subject=f"Còn 7 ngày: {directive.title}")
    assert set(sent.values_list("person", flat=True)) == {world.steering.pk, world.officer.pk}
    assert do_send_reminders() == 0
    assert do_send_reminders(today=directive.deadline - timedelta(days=3)) == 0


def test_no_reminder_for_a_withdrawn_directive_or_a_commune_that_complies(world):
    directive = issue(world, days=7)
    check_withdraw_directive(world.province_officer, directive)
    assert do_send_reminders() == 0
    issue(world, (HAMLET, GroupKind.HAMLET), days=30, actor=world.officer, unit=world.commune)
    check_create_group(world.officer, world.other_hamlet, name="Nhóm ấp Phước Lễ", kind=GroupKind.HAMLET)
    assert do_send_reminders(today=timezone.localdate() + timedelta(days=23)) == 0


@pytest.mark.parametrize(
    ("requirements", "message"),
    [
        ([], "Add at least one requirement"),
        ([(HAMLET, GroupKind.RESIDENTIAL_GROUP)], "belongs to a unit of that level"),
        ([(RG, "knitting")], "Choose the kind of group"),
        ([(1, GroupKind.PATROL)], "Choose which units"),
    ],
)
def test_a_directive_with_bad_requirements_is_refused_and_nothing_is_saved(world, requirements, message):
    with pytest.raises(ActionError, match=message):
        check_issue_directive(
            world.province_officer,
            world.province,
            title="Chỉ thị",
            deadline=timezone.localdate(),
            requirements=requirements,
        )
    assert not world.province.directives.exists()


def test_a_directive_needs_a_title_and_a_deadline_not_in_the_past(world):
    with pytest.raises(ActionError, match="title"):
        check_issue_directive(
            world.province_officer, world.province, title=" ", deadline=timezone.localdate(), requirements=[]
        )
    with pytest.raises(ActionError, match="past"):
        check_issue_directive(
            world.province_officer,
            world.province,
            title="Chỉ thị",
            deadline=timezone.localdate() - timedelta(days=1),
            requirements=[(RG, GroupKind.RESIDENTIAL_GROUP)],
        )


def test_a_commune_directive_cannot_order_other_communes(world):
    with pytest.raises(ActionError, match="Choose which units"):
        issue(world, (1, GroupKind.PATROL), actor=world.officer, unit=world.commune)
    with pytest.raises(PermissionDenied):
        issue(world, actor=world.officer, unit=world.province)
    with pytest.raises(PermissionDenied):
        issue(world, actor=world.far_officer)


def test_a_province_officer_answering_for_communes_without_officers_gets_one_reminder_naming_them(world):
    issue(world, (COMMUNE, GroupKind.PATROL), days=7)
    assert do_send_reminders() == 3
    to_province = Reminder.objects.get(recipient=world.province_officer)
    assert to_province.body.startswith("Xã Dương Minh Châu: còn 1 đơn vị chưa lập nhóm")
    assert Reminder.objects.get(recipient=world.officer).body.startswith("Xã Cầu Khởi: còn 1 đơn vị chưa lập nhóm")
