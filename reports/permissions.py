"""Who may see and do what with reports: the only place these rules live (docs/reports.md).

The reporter's identity is the most protected field: for a confidential report only police
officers holding a mandate over the report's unit ("the handling police") may read it, never
the steering committee, group leaders or back-office staff; for an anonymous report nobody can,
because it is not stored.
"""

from django.db.models import Q, QuerySet

from groups.models import MembershipStatus
from people.models import MandateRole, Person
from people.permissions import mandate_paths
from places.models import Tier, Unit
from reports.categories import CASE_KINDS, LOST_FOUND_KINDS
from reports.helpers import area_path
from reports.models import AlertTrust, Report, Visibility


def _under(person: Person, unit: Unit, roles: set[str]) -> bool:
    return any(unit.path.startswith(path) for path in mandate_paths(person, roles))


def is_handling_police(person: Person, report: Report) -> bool:
    """A police officer with a mandate over the report's unit. Superusers are not police."""
    return person.is_authenticated and _under(person, report.unit, {MandateRole.POLICE})


def is_steering_for(person: Person, unit: Unit) -> bool:
    return person.is_authenticated and _under(person, unit, {MandateRole.STEERING})


def is_own_report(person: Person, report: Report) -> bool:
    """The reporter, or the relay / officer who filed it for them."""
    if not person.is_authenticated:
        return False
    reporter_pk = report.reporter_pk
    return reporter_pk == person.pk or (report.filer_pk == person.pk and reporter_pk is not None)


def can_work_report(person: Person, report: Report) -> bool:
    """Open the staff view of a report: police of its unit; steering for lost & found only."""
    if is_handling_police(person, report):
        return True
    return report.kind in LOST_FOUND_KINDS and is_steering_for(person, report.unit)


def is_dispatched(person: Person, report: Report) -> bool:
    """The officer assigned to the report, or an active member of the patrol sent to it."""
    if not person.is_authenticated or not person.is_active:
        return False
    if report.assignee_id is not None and report.assignee_id == person.pk:
        return True
    return (
        report.patrol_id is not None
        and person.memberships.filter(group_id=report.patrol_id, status=MembershipStatus.ACTIVE).exists()
    )


def can_answer_dispatch(person: Person, report: Report) -> bool:
    """Open the dispatch page and record its steps: the people sent, and the handling police.

    A patrol member gets exactly this page of the case (what, where, the map), nothing else of it."""
    return is_dispatched(person, report) or is_handling_police(person, report)


def can_view_report(person: Person, report: Report) -> bool:
    return is_own_report(person, report) or can_work_report(person, report)


def can_see_identity(person: Person, report: Report) -> bool:
    """Read who reported: the reporter themself, and the handling police (audited on each view).

    Named lost & found posts also show the name to the steering committee that shares them."""
    if report.visibility == Visibility.ANONYMOUS:
        return False
    if is_own_report(person, report) or is_handling_police(person, report):
        return True
    return report.visibility == Visibility.NAMED and report.is_lost_found and is_steering_for(person, report.unit)


def can_transition(person: Person, report: Report) -> bool:
    if report.merged_into_id:
        return False
    if report.kind in CASE_KINDS:
        return is_handling_police(person, report)
    return can_work_report(person, report) or is_own_report(person, report)


def post_reach_paths(report: Report) -> list[str]:
    """Units whose groups see a lost & found post: its hamlet, and every commune it was shared to."""
    return [area_path(report.unit), *(share.unit.path for share in report.shares.select_related("unit"))]


def can_see_post(person: Person, report: Report) -> bool:
    """A lost & found post is seen by members of the groups it reached (and by its handlers)."""
    if report.kind not in LOST_FOUND_KINDS or not person.is_authenticated:
        return False
    if can_view_report(person, report):
        return True
    reach = Q(pk__in=[])
    for path in post_reach_paths(report):
        reach |= Q(group__unit__path__startswith=path)
    return person.memberships.filter(reach, status=MembershipStatus.ACTIVE, group__is_active=True).exists()


def can_message(person: Person, report: Report) -> bool:
    if is_own_report(person, report) or is_handling_police(person, report) or can_work_report(person, report):
        return True
    return can_see_post(person, report)


def can_merge(person: Person, duplicate: Report, primary: Report) -> bool:
    return is_handling_police(person, duplicate) and is_handling_police(person, primary)


def can_share(person: Person, report: Report) -> bool:
    return report.kind in LOST_FOUND_KINDS and (
        is_steering_for(person, report.unit) or is_handling_police(person, report)
    )


def can_file_walk_in(person: Person, unit: Unit) -> bool:
    return person.is_authenticated and _under(person, unit, {MandateRole.POLICE})


def can_file_for(person: Person, subject: Person) -> bool:
    """A relay files for the elderly member they read the news out to."""
    return person.is_authenticated and subject.relay_id == person.pk


def can_raise_alert(person: Person, unit: Unit) -> bool:
    if not person.is_authenticated:
        return False
    if _under(person, unit, {MandateRole.POLICE}):
        return True
    return AlertTrust.objects.filter(person=person, unit__in=unit.ancestors()).exists()


def can_grant_alert_trust(person: Person, unit: Unit) -> bool:
    return person.is_authenticated and _under(person, unit, {MandateRole.POLICE})


def queue_q(person: Person) -> Q:
    """Reports on a person's work queue: police see every kind in their units; the steering
    committee sees lost & found posts in theirs; everyone else nothing."""
    query = Q(pk__in=[])
    for path in mandate_paths(person, {MandateRole.POLICE}):
        query |= Q(unit__path__startswith=path)
    for path in mandate_paths(person, {MandateRole.STEERING}):
        query |= Q(unit__path__startswith=path, kind__in=list(LOST_FOUND_KINDS))
    return query


def has_queue(person: Person) -> bool:
    return bool(mandate_paths(person, {MandateRole.POLICE, MandateRole.STEERING}))


def assignable_police(report: Report) -> QuerySet[Person]:
    """The officers a case can be assigned to: the handling police of its commune (or of a unit
    under it). A province officer oversees the case but is not sent out on it."""
    return Person.objects.filter(
        mandates__role=MandateRole.POLICE,
        mandates__unit__path__in=_ancestor_paths(report.unit),
        mandates__unit__tier__gte=Tier.COMMUNE,
        is_active=True,
    ).distinct()


def handling_police(report: Report) -> QuerySet[Person]:
    """The police officers holding a mandate over the report's unit (its handling police)."""
    return Person.objects.filter(
        mandates__role=MandateRole.POLICE, mandates__unit__path__in=_ancestor_paths(report.unit), is_active=True
    ).distinct()


def _ancestor_paths(unit: Unit) -> list[str]:
    codes = unit.ancestor_codes()
    return ["/".join(codes[: i + 1]) + "/" for i in range(len(codes))]
