"""Every permission rule of reports, for every persona (reports/permissions.py)."""

import pytest

from canhgiac.testing import create_report
from reports import permissions as p
from reports.actions import check_grant_alert_trust

PERSONAS = [
    "resident",
    "relay",
    "elder",
    "leader",
    "officer",
    "steering",
    "province_officer",
    "far_officer",
    "stranger",
    "admin",
]


def persona(world, name):
    return getattr(world, name)


CONFIDENTIAL_CASE = {
    # persona: (view, work, identity, transition, message, share)
    "resident": (True, False, True, False, True, False),
    "relay": (False, False, False, False, False, False),
    "elder": (False, False, False, False, False, False),
    "leader": (False, False, False, False, False, False),
    "officer": (True, True, True, True, True, False),
    "steering": (False, False, False, False, False, False),
    "province_officer": (True, True, True, True, True, False),
    "far_officer": (False, False, False, False, False, False),
    "stranger": (False, False, False, False, False, False),
    "admin": (False, False, False, False, False, False),
}


@pytest.mark.parametrize("name", PERSONAS)
def test_who_may_do_what_with_a_confidential_crime_report(world, name):
    report = create_report(world.resident, world.rg).report
    person = persona(world, name)
    got = (
        p.can_view_report(person, report),
        p.can_work_report(person, report),
        p.can_see_identity(person, report),
        p.can_transition(person, report),
        p.can_message(person, report),
        p.can_share(person, report),
    )
    assert got == CONFIDENTIAL_CASE[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_nobody_can_see_who_filed_an_anonymous_report(world, name):
    report = create_report(world.resident, world.rg, visibility="anonymous").report
    person = persona(world, name)
    assert not p.can_see_identity(person, report)
    assert not p.is_own_report(person, report)


FOUND_POST = {
    # persona: (view, work, identity, transition, share)
    "resident": (False, False, False, False, False),
    "relay": (False, False, False, False, False),
    "elder": (False, False, False, False, False),
    "leader": (True, False, True, True, False),
    "officer": (True, True, True, True, True),
    "steering": (True, True, True, True, True),
    "province_officer": (True, True, True, True, True),
    "far_officer": (False, False, False, False, False),
    "stranger": (False, False, False, False, False),
    "admin": (False, False, False, False, False),
}


@pytest.mark.parametrize("name", PERSONAS)
def test_who_may_do_what_with_a_found_post_filed_by_name(world, name):
    report = create_report(world.leader, world.rg, kind="found", category="found_animal", visibility="named").report
    person = persona(world, name)
    got = (
        p.can_view_report(person, report),
        p.can_work_report(person, report),
        p.can_see_identity(person, report),
        p.can_transition(person, report),
        p.can_share(person, report),
    )
    assert got == FOUND_POST[name]


def test_the_steering_committee_never_sees_who_filed_a_confidential_found_post(world):
    report = create_report(world.leader, world.rg, kind="found", category="found_item").report
    assert p.can_work_report(world.steering, report) and not p.can_see_identity(world.steering, report)


def test_a_relay_sees_the_report_they_filed_for_their_elder(world):
    report = create_report(world.relay, world.rg, on_behalf_of=world.elder).report
    assert p.can_view_report(world.relay, report) and p.can_see_identity(world.relay, report)
    assert not p.can_view_report(world.resident, report)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("officer", True), ("province_officer", True), ("far_officer", False), ("steering", False), ("resident", False)],
)
def test_who_may_raise_an_urgent_alert(world, name, expected):
    assert p.can_raise_alert(persona(world, name), world.hamlet) == expected


def test_a_trusted_member_may_raise_alerts_below_the_unit_they_are_trusted_for(world):
    check_grant_alert_trust(world.officer, world.leader, world.hamlet)
    assert p.can_raise_alert(world.leader, world.rg)
    assert not p.can_raise_alert(world.leader, world.other_hamlet)


@pytest.mark.parametrize(
    ("name", "kinds"),
    [("officer", {"crime", "found"}), ("steering", {"found"}), ("resident", set()), ("far_officer", set())],
)
def test_the_queue_holds_what_each_role_handles(world, name, kinds):
    from reports.models import Report

    create_report(world.resident, world.rg)
    create_report(world.leader, world.rg, kind="found", category="found_item")
    seen = set(Report.objects.filter(p.queue_q(persona(world, name))).values_list("kind", flat=True))
    assert seen == kinds


def test_only_the_elders_relay_may_file_for_them(world):
    assert p.can_file_for(world.relay, world.elder)
    assert not p.can_file_for(world.resident, world.elder)


def test_only_police_of_the_unit_record_walk_ins(world):
    assert p.can_file_walk_in(world.officer, world.rg)
    assert not p.can_file_walk_in(world.steering, world.rg)
    assert not p.can_file_walk_in(world.far_officer, world.rg)
