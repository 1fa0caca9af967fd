"""The state machine and the deadlines, as pure functions."""

from datetime import UTC, datetime, timedelta

import pytest

from reports.categories import Kind
from reports.workflow import (
    CASE_TRANSITIONS,
    LOST_FOUND_TRANSITIONS,
    Status,
    add_months,
    allowed_next,
    compute_deadlines,
    extended_decision_due,
    is_allowed,
    is_reopen,
)

CASE_ALLOWED = {
    ("received", "acknowledged"),
    ("received", "forwarded"),
    ("received", "unfounded"),
    ("acknowledged", "verifying"),
    ("acknowledged", "dispatched"),
    ("acknowledged", "resolved"),
    ("acknowledged", "unfounded"),
    ("acknowledged", "forwarded"),
    ("verifying", "dispatched"),
    ("verifying", "resolved"),
    ("verifying", "unfounded"),
    ("verifying", "forwarded"),
    ("dispatched", "verifying"),
    ("dispatched", "resolved"),
    ("dispatched", "unfounded"),
    ("dispatched", "forwarded"),
    ("resolved", "closed"),
    ("unfounded", "closed"),
    ("forwarded", "closed"),
    ("resolved", "acknowledged"),
    ("unfounded", "acknowledged"),
    ("forwarded", "acknowledged"),
    ("closed", "acknowledged"),
}
LOST_FOUND_ALLOWED = {
    ("received", "acknowledged"),
    ("received", "returned"),
    ("received", "closed"),
    ("acknowledged", "returned"),
    ("acknowledged", "closed"),
    ("returned", "closed"),
    ("closed", "acknowledged"),
}
ALL_PAIRS = [(a, b) for a in Status.values for b in Status.values]


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
@pytest.mark.parametrize("kind", [Kind.CRIME, Kind.SUSPICIOUS, Kind.PUBLIC_ORDER])
def test_a_case_moves_only_along_the_allowed_transitions(kind, current, target):
    assert is_allowed(kind, current, target) == ((current, target) in CASE_ALLOWED)


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
@pytest.mark.parametrize("kind", [Kind.LOST, Kind.FOUND])
def test_a_lost_or_found_post_moves_only_along_its_own_transitions(kind, current, target):
    assert is_allowed(kind, current, target) == ((current, target) in LOST_FOUND_ALLOWED)


def test_every_status_has_an_entry_in_both_tables():
    assert set(CASE_TRANSITIONS) == set(Status.values) == set(LOST_FOUND_TRANSITIONS)


def test_a_case_is_never_returned_and_a_post_is_never_forwarded():
    assert all(Status.RETURNED not in targets for targets in CASE_TRANSITIONS.values())
    assert all(Status.FORWARDED not in targets for targets in LOST_FOUND_TRANSITIONS.values())


def test_buttons_follow_the_order_of_statuses():
    assert allowed_next(Kind.CRIME, Status.RECEIVED) == ["acknowledged", "unfounded", "forwarded"]


def test_going_back_to_acknowledged_from_a_closed_state_is_a_reopen():
    assert is_reopen(Status.CLOSED, Status.ACKNOWLEDGED)
    assert is_reopen(Status.RESOLVED, Status.ACKNOWLEDGED)
    assert not is_reopen(Status.RECEIVED, Status.ACKNOWLEDGED)


RECEIVED = datetime(2019, 8, 28, 9, 30, tzinfo=UTC)


def test_a_crime_report_is_forwarded_within_a_day_and_decided_within_20_days():
    deadlines = compute_deadlines(Kind.CRIME, RECEIVED)
    assert deadlines.forward_due_at == RECEIVED + timedelta(hours=24)
    assert deadlines.decision_due_at == datetime(2019, 9, 17, 9, 30, tzinfo=UTC)


def test_the_decision_may_be_extended_to_two_months_from_receipt():
    assert extended_decision_due(Kind.CRIME, RECEIVED) == datetime(2019, 10, 28, 9, 30, tzinfo=UTC)


def test_lost_and_found_posts_have_no_legal_deadline():
    deadlines = compute_deadlines(Kind.FOUND, RECEIVED)
    assert deadlines.forward_due_at is None and deadlines.decision_due_at is None
    assert extended_decision_due(Kind.FOUND, RECEIVED) is None


def test_a_public_order_problem_has_a_decision_deadline_but_nothing_to_forward():
    deadlines = compute_deadlines(Kind.PUBLIC_ORDER, RECEIVED)
    assert deadlines.forward_due_at is None
    assert deadlines.decision_due_at == RECEIVED + timedelta(days=10)


def test_deadlines_are_configurable_per_kind(settings):
    settings.REPORT_DEADLINES = {"crime": {"decision_days": 10, "forward_hours": 2}}
    deadlines = compute_deadlines(Kind.CRIME, RECEIVED)
    assert deadlines.decision_due_at == RECEIVED + timedelta(days=10)
    assert deadlines.forward_due_at == RECEIVED + timedelta(hours=2)
    assert extended_decision_due(Kind.CRIME, RECEIVED) == datetime(2019, 10, 28, 9, 30, tzinfo=UTC)


def test_adding_months_keeps_the_day_or_falls_back_to_the_month_end():
    assert add_months(datetime(2019, 12, 31, tzinfo=UTC), 2) == datetime(2020, 2, 29, tzinfo=UTC)
    assert add_months(datetime(2019, 11, 15, tzinfo=UTC), 2) == datetime(2020, 1, 15, tzinfo=UTC)
