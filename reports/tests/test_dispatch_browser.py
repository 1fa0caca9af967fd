"""Browser journey: a patrol member answers a dispatch from the link in their message (Chromium, 390×844)."""

import re

import pytest

from canhgiac.testing import create_report
from delivery.models import Delivery
from groups.actions import check_add_member
from reports.actions import check_transition
from reports.models import Report
from reports.tests.test_browser import browser, live_world, page_for, shot  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser]


def test_a_patrol_member_acknowledges_arrives_and_records_the_outcome_and_the_officer_sees_the_times(
    browser,  # noqa: F811
    live_world,  # noqa: F811
    live_server,
    settings,
):
    world, more = live_world
    settings.SITE_URL = live_server.url
    check_add_member(world.officer, more.patrol, world.leader)
    report = create_report(world.resident, world.rg, place_text="Cổng chợ Phước Hội").report
    report = check_transition(world.officer, report, "acknowledged")
    check_transition(world.officer, report, "dispatched", patrol=more.patrol)

    message = Delivery.objects.select_related("notice").get(person=world.leader).notice
    found = re.search(r"https?://\S+/dispatch/", message.body)
    assert found is not None
    link = found.group(0)

    page = page_for(browser, live_server, world.leader)
    page.goto(link)
    assert "Cổng chợ Phước Hội" in page.inner_text("main")
    shot(page, "dispatch-1-opened")
    page.get_by_role("button", name="Đã nhận").click()
    page.get_by_test_id("on-scene").click()
    page.get_by_label("Đã xử lý tại chỗ").check()
    page.get_by_label("Bạn đã thấy gì và làm gì").fill("Hai thanh niên tụ tập, đã nhắc nhở giải tán.")
    page.get_by_test_id("record-outcome").click()
    assert "Đã ghi kết quả" in page.inner_text("main")
    shot(page, "dispatch-2-done")

    report = Report.objects.get(pk=report.pk)
    assert report.dispatch_acknowledged_by == world.leader and report.on_scene_at and report.outcome == "handled"

    officer = page_for(browser, live_server, world.officer)
    officer.goto(f"/reports/{report.receipt_code}/case/")
    times = officer.get_by_test_id("response-times").inner_text()
    for label in ("Đã nhận lệnh", "Đã đến hiện trường", "Đã ghi kết quả"):
        assert label in times
    assert world.leader.full_name in times and "—" not in times
    shot(officer, "dispatch-3-case-times")
