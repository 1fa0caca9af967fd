"""The bulletins provider's counters agree with delivery.reach and show on dashboards and reports."""

from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bulletins.actions import check_publish_bulletin
from bulletins.audience import Audience
from bulletins.models import Category
from canhgiac.testing import signed_in
from delivery.models import Delivery, DeliveryStatus
from delivery.reach import reach
from steering.actions import do_rollup
from steering.models import Counter

pytestmark = pytest.mark.django_db


def counters_of(unit) -> dict[str, int]:
    return dict(Counter.objects.filter(unit=unit, day=timezone.localdate()).values_list("metric", "value"))


@pytest.fixture
def reached(world):
    """Two bulletins of the commune: some deliveries read, one failed, one read out by the relay."""
    bulletins = [
        check_publish_bulletin(
            world.officer,
            audience=Audience(groups=[world.rg_group]),
            title=title,
            body_html="<p>Khóa cửa, cảnh giác người lạ.</p>",
            category=Category.THEFT,
            urgent=urgent,
        )
        for title, urgent in (("Cảnh giác trộm chó", False), ("Có người lạ vào ấp", True))
    ]
    first = bulletins[0].notice
    now = timezone.now()
    Delivery.objects.filter(notice=first).update(status=DeliveryStatus.DELIVERED, delivered_at=now)
    Delivery.objects.filter(notice=first, person=world.resident).update(read_at=now)
    Delivery.objects.filter(notice=first, relay__isnull=False).update(relay_confirmed_at=now)
    Delivery.objects.filter(notice=bulletins[1].notice, person=world.leader).update(
        status=DeliveryStatus.FAILED, error="Hộp thư đầy"
    )
    do_rollup(world.province)
    world.bulletins = bulletins
    return world


def test_the_bulletins_rollup_agrees_with_the_reach_of_each_notice(reached):
    world = reached
    reaches = [reach(bulletin.notice) for bulletin in world.bulletins]
    for unit in (world.province, world.commune, world.hamlet):
        stored = counters_of(unit)
        assert stored["bulletins.sent"] == 2 and stored["bulletins.sent.urgent"] == 1
        assert stored["bulletins.reach.delivered"] == sum(r.delivered for r in reaches)
        assert stored["bulletins.reach.read"] == sum(r.read for r in reaches)
        assert stored["bulletins.reach.relayed"] == sum(r.relayed for r in reaches) == 1
        assert stored["bulletins.failed"] == sum(r.failed for r in reaches) == 1
        for channel in {c for r in reaches for c in r.by_channel}:
            delivered = sum(r.by_channel.get(channel, {}).get("delivered", 0) for r in reaches)
            assert stored.get(f"bulletins.reach.channel.{channel}", 0) == delivered
    # Counted where the bulletin was published, not in the other commune.
    assert "bulletins.sent" not in counters_of(world.neighbour)


def test_the_dashboard_and_the_periodic_report_show_bulletin_reach(reached, client):
    world = reached
    officer = signed_in(client, world.officer)
    html = officer.get(f"/steering/u/{world.commune.code}/").content.decode()
    assert 'data-metric="bulletins.sent">2<' in html
    assert 'data-chart="bulletins_reach"' in html

    today = timezone.localdate()
    response = officer.get(f"/steering/u/{world.commune.code}/report.xlsx", {"kind": "year", "year": str(today.year)})
    rows = {
        row[0]: row[1:]
        for row in load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
        if row
    }
    assert "Bản tin và mức độ tiếp cận theo kênh" in rows
    assert rows["Bản tin đã phát hành"][1] == 2
    assert rows["Bản tin được người thân đọc cho nghe"][1] == 1
    assert rows["Lượt gửi bản tin thất bại"][1] == 1
