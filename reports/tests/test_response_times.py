"""Response times of dispatch (tip → acknowledged, on scene, outcome): stored per report, rolled up as
median and 90th percentile into the dashboards' counters, on SQLite and PostgreSQL alike."""

from datetime import timedelta
from statistics import median, quantiles

import pytest
from django.utils import timezone

from canhgiac.testing import create_report, extend_with_neighbour, signed_in
from groups.actions import check_add_member
from people.models import Person
from reports.actions import check_transition
from reports.actions.dispatch import check_dispatch_step
from reports.models import Report
from steering.actions import do_rollup
from steering.models import Counter

pytestmark = pytest.mark.django_db

# Minutes from the tip for each dispatched report of the commune: (acknowledged, on scene, outcome).
COMMUNE_TIMES = [(2, 9, 40), (3, 12, 55), (1, 7, 30), (5, 20, 90), (4, 15, 61), (2, 11, 45), (30, 75, 200)]
NEIGHBOUR_TIMES = [(10, 25, 70)]


def p90(values: list[int]) -> float:
    """The 90th percentile as percentile_cont computes it (linear between the nearest ranks)."""
    return quantiles(values, n=10, method="inclusive")[8]


def counters_of(unit) -> dict[str, int]:
    return dict(Counter.objects.filter(unit=unit, day=timezone.localdate()).values_list("metric", "value"))


def dispatched(world, unit, officer, patrol, member, times) -> Report:
    report = create_report(world.resident, unit).report
    report = check_transition(officer, report, "acknowledged")
    report = check_transition(officer, report, "dispatched", patrol=patrol)
    check_dispatch_step(member, report, "on_scene")
    check_dispatch_step(member, report, "outcome", outcome="handled", text="Xong")
    tip = timezone.now() - timedelta(hours=5)
    ack, scene, outcome = (tip + timedelta(minutes=m) for m in times)
    Report.objects.filter(pk=report.pk).update(
        received_at=tip, dispatch_acknowledged_at=ack, on_scene_at=scene, outcome_at=outcome
    )
    return report


@pytest.fixture
def responses(world):
    more = extend_with_neighbour(world)
    check_add_member(world.officer, more.patrol, world.leader)
    for times in COMMUNE_TIMES:
        dispatched(world, world.rg, world.officer, more.patrol, world.leader, times)
    # A patrol serves its own commune only: the neighbouring commune's report gets an officer.
    # (a case is assigned to the commune's police, not to the province officer who oversees it).
    neighbour_officer = Person.objects.get(phone="+84901000008")
    neighbour_report = create_report(more.neighbour_resident, more.neighbour_rg).report
    neighbour_report = check_transition(neighbour_officer, neighbour_report, "acknowledged")
    check_transition(neighbour_officer, neighbour_report, "dispatched", assignee=neighbour_officer)
    check_dispatch_step(neighbour_officer, neighbour_report, "outcome", outcome="nothing_found")
    tip = timezone.now() - timedelta(hours=5)
    ack, scene, outcome = (tip + timedelta(minutes=m) for m in NEIGHBOUR_TIMES[0])
    Report.objects.filter(pk=neighbour_report.pk).update(
        received_at=tip, dispatch_acknowledged_at=ack, on_scene_at=scene, outcome_at=outcome
    )
    create_report(world.resident, world.rg2)  # never dispatched: not in the times
    do_rollup(world.province)
    return world


@pytest.mark.parametrize("step", [0, 1, 2])
def test_the_rollup_stores_the_median_and_90th_percentile_of_each_response_time(responses, step):
    metric = ("reports.response.ack", "reports.response.on_scene", "reports.response.outcome")[step]
    for unit, times in (
        (responses.commune, COMMUNE_TIMES),
        (responses.neighbour, NEIGHBOUR_TIMES),
        (responses.province, COMMUNE_TIMES + NEIGHBOUR_TIMES),
    ):
        seconds = [t[step] * 60 for t in times]
        stored = counters_of(unit)
        assert stored[f"{metric}_median_s"] == round(median(seconds)), unit
        expected_p90 = round(p90(seconds)) if len(seconds) > 1 else seconds[0]
        assert stored[f"{metric}_p90_s"] == expected_p90, unit
        assert stored["reports.dispatched"] == len(times), unit


def test_the_commune_and_province_dashboards_show_the_response_times_in_minutes(responses, client):
    client = signed_in(client, responses.province_officer)
    commune = client.get(f"/steering/u/{responses.commune.code}/").content.decode()
    scene = sorted(t[1] for t in COMMUNE_TIMES)
    assert f'data-metric="reports.response.on_scene_median">{round(median(scene))}<' in commune
    assert f'data-metric="reports.response.on_scene_p90">{round(p90(scene))}<' in commune
    province = client.get(f"/steering/u/{responses.province.code}/").content.decode()
    outcomes = [t[2] for t in COMMUNE_TIMES + NEIGHBOUR_TIMES]
    assert f'data-metric="reports.response.outcome_median">{round(median(outcomes))}<' in province
    assert f'data-metric="reports.response.ack_p90">{round(p90([t[0] for t in COMMUNE_TIMES + NEIGHBOUR_TIMES]))}<' in (
        province
    )


def test_a_dashboard_with_no_dispatch_shows_no_response_times(world, client):
    create_report(world.resident, world.rg)
    do_rollup(world.province)
    html = signed_in(client, world.province_officer).get(f"/steering/u/{world.commune.code}/").content.decode()
    assert 'data-testid="response-times"' not in html
