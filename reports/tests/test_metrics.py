"""The reports provider's counters agree with a direct count and show on dashboards and reports."""

from datetime import timedelta
from io import BytesIO
from statistics import median

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from canhgiac.testing import create_report, signed_in
from reports.actions import check_transition
from reports.models import Report
from reports.queries import time_to_return
from reports.workflow import OPEN_STATUSES, Status
from steering.actions import do_rollup
from steering.models import Counter

pytestmark = pytest.mark.django_db


def counters_of(unit) -> dict[str, int]:
    return dict(Counter.objects.filter(unit=unit, day=timezone.localdate()).values_list("metric", "value"))


def seconds(delta: timedelta | None) -> int:
    assert delta is not None
    return round(delta.total_seconds())


@pytest.fixture
def handled(world):
    """Reports in both communes, at every stage: acknowledged, unfounded, forwarded, returned, overdue."""
    now = timezone.now()
    acknowledged = create_report(world.resident, world.rg).report
    check_transition(world.officer, acknowledged, Status.ACKNOWLEDGED)
    Report.objects.filter(pk=acknowledged.pk).update(
        received_at=now - timedelta(hours=10), acknowledged_at=now - timedelta(hours=8)
    )
    quick = create_report(world.resident, world.hamlet, kind="public_order", category="noise").report
    check_transition(world.officer, quick, Status.ACKNOWLEDGED)
    check_transition(world.officer, quick, Status.UNFOUNDED, reason="Không có tiếng ồn")
    Report.objects.filter(pk=quick.pk).update(received_at=now - timedelta(hours=2))
    elsewhere = create_report(None, world.neighbour, visibility="anonymous").report
    check_transition(
        world.province_officer, elsewhere, Status.FORWARDED, reason="Có dấu hiệu tội phạm", forwarded_to="CA huyện"
    )
    buffalo = create_report(world.resident, world.other_rg, kind="lost", category="lost_animal").report
    check_transition(world.officer, buffalo, Status.RETURNED, returned_to="Ông Ba")
    Report.objects.filter(pk=buffalo.pk).update(
        received_at=now - timedelta(hours=3), returned_at=now - timedelta(hours=1)
    )
    late = create_report(world.resident, world.rg2).report
    long_ago = now - timedelta(days=30)
    Report.objects.filter(pk=late.pk).update(
        received_at=long_ago,
        forward_due_at=long_ago + timedelta(hours=24),
        decision_due_at=long_ago + timedelta(days=20),
    )
    do_rollup(world.province)
    return world


def test_the_reports_rollup_agrees_with_a_direct_count_for_the_province_its_communes_and_hamlets(handled):
    world = handled
    now = timezone.now()
    for unit in (world.province, world.commune, world.neighbour, world.hamlet, world.other_hamlet):
        stored = counters_of(unit)
        reports = list(Report.objects.filter(unit__path__startswith=unit.path))
        assert stored.get("reports.received", 0) == len(reports), unit
        for status in Status.values:
            assert stored.get(f"reports.status.{status}", 0) == sum(r.status == status for r in reports), unit
        for kind in {r.kind for r in reports}:
            assert stored[f"reports.received.kind.{kind}"] == sum(r.kind == kind for r in reports)
        for category in {r.category for r in reports}:
            assert stored[f"reports.received.category.{category}"] == sum(r.category == category for r in reports)
        assert stored.get("reports.open", 0) == sum(r.status in OPEN_STATUSES for r in reports), unit
        assert stored.get("reports.overdue", 0) == sum(r.deadline_state(now) == "overdue" for r in reports), unit
        forward_late = [r for r in reports if r.is_open and r.forward_due_at and r.forward_due_at < now]
        assert stored.get("reports.overdue.forward", 0) == len(forward_late), unit
        acks = [seconds(r.acknowledged_at - r.received_at) for r in reports if r.acknowledged_at]
        assert stored.get("reports.ack_median_s") == (round(median(acks)) if acks else None), unit
        returns = [seconds(time_to_return(r)) for r in reports if r.returned_at]
        assert stored.get("reports.lost_found.returned", 0) == len(returns), unit
        assert stored.get("reports.lost_found.return_median_s") == (round(median(returns)) if returns else None), unit

    province = counters_of(world.province)
    assert province["reports.received"] == 5 and province["reports.overdue.forward"] == 1
    assert province["reports.lost_found.return_median_s"] == 7200  # the buffalo, home in two hours
    assert counters_of(world.neighbour)["reports.forwarded"] == 1


def test_a_past_rollup_counts_only_the_reports_received_by_then(handled):
    world = handled
    do_rollup(world.province, as_of=timezone.now() - timedelta(days=10))
    past = dict(
        Counter.objects.filter(unit=world.province, day=timezone.localdate() - timedelta(days=10)).values_list(
            "metric", "value"
        )
    )
    assert past["reports.received"] == 1 and past["reports.overdue.forward"] == 1
    assert "reports.ack_median_s" not in past


def test_the_dashboard_shows_the_report_figures_and_charts(handled, client):
    response = signed_in(client, handled.province_officer).get(f"/steering/u/{handled.province.code}/")
    html = response.content.decode()
    assert 'data-metric="reports.received">5<' in html
    assert 'data-metric="reports.overdue">1<' in html
    assert 'data-chart="reports_by_kind"' in html and 'data-chart="reports_by_status"' in html


def test_the_periodic_report_xlsx_carries_the_report_figures(handled, client):
    today = timezone.localdate()
    period = {"kind": "year", "year": str(today.year)}
    response = signed_in(client, handled.officer).get(f"/steering/u/{handled.commune.code}/report.xlsx", period)
    book = load_workbook(BytesIO(response.content))
    rows = {row[0]: row[1:] for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0]}
    assert "Tin báo đã tiếp nhận và xử lý" in rows
    assert rows["Tin báo đã tiếp nhận"][1] == 4
    assert rows["Đồ thất lạc đã trả lại chủ"][1] == 1
    assert rows["Số giờ trung vị để trả lại đồ thất lạc"][1] == 2
    assert ["Chưa có: phân hệ này chưa được cài đặt."] not in [
        [c for c in row if c] for row in book.worksheets[0].iter_rows(values_only=True)
    ]
