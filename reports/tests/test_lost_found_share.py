"""The buffalo, end to end: a shared found post reaches every member of the chosen communes'
groups through their channels, once each, as a bulletin would (docs/reports.md)."""

from canhgiac.testing import NEIGHBOUR, PROVINCE
from delivery.models import Delivery, Notice
from groups.actions import check_add_member
from places.divisions import Division, sync_divisions
from places.models import Unit, UnitKind
from reports.actions import check_share
from reports.tests.test_lost_found import found_buffalo


def share_deliveries(report):
    notices = Notice.objects.filter(
        source_type="reports.report", source_id=str(report.pk), url__startswith="/reports/posts/"
    )
    return Delivery.objects.filter(notice__in=notices)


def test_the_buffalo_shared_to_the_commune_and_suoi_da_reaches_each_member_once(world, more):
    sync_divisions([Division(PROVINCE, "Tỉnh Tây Ninh", UnitKind.PROVINCE, None)])
    sync_divisions([Division(NEIGHBOUR, "Xã Suối Đá", UnitKind.COMMUNE, PROVINCE)])  # as the register names it
    suoi_da = Unit.objects.get(code=NEIGHBOUR)
    check_add_member(world.officer, world.hamlet_group, world.resident)  # in two groups of the commune
    found = found_buffalo(world)  # posted by the group leader of Tổ 1, ấp Phước Hội

    check_share(world.steering, found, [world.commune, suoi_da])

    deliveries = share_deliveries(found)
    recipients = sorted(deliveries.values_list("person__full_name", flat=True))
    assert recipients == sorted(
        ["Nguyễn Văn Thanh", "Trần Thị Mai", "Trần Thị Sáu", "Đỗ Tuấn Kiệt", "Lê Hoàng An"]
    )  # everyone but the finder, who is told "shared" on their own report page
    elder = deliveries.get(person=world.elder)
    assert elder.relay == world.relay  # read out to her by her granddaughter
    notice = deliveries.first().notice
    assert notice.subject == "Nhặt được ở Tổ 1, Ấp Phước Hội: Phát hiện gia súc, vật nuôi đi lạc"
    assert notice.url == f"/reports/posts/{found.receipt_code}/"


def test_sharing_again_to_the_neighbour_reaches_only_those_not_reached_before(world, more):
    found = found_buffalo(world)
    check_share(world.steering, found, [world.commune])
    first = set(share_deliveries(found).values_list("person_id", flat=True))
    assert more.neighbour_resident.pk not in first

    check_share(world.steering, found, [world.commune, world.neighbour])

    all_deliveries = list(share_deliveries(found).values_list("person_id", flat=True))
    assert sorted(all_deliveries) == sorted([*first, more.neighbour_resident.pk])
