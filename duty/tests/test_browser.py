"""Browser journey in real Chromium at 390×844: the officer on duty gets the alert on Telegram, opens
its link on the phone (not signed in, as in the chat app's browser) and acknowledges it in one tap;
the escalation to the backup stops. Screenshots land in docs/screenshots/tmp/ for review."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from canhgiac.testing import create_officer, create_report
from channels.actions import do_create_link_code
from channels.conftest import add_bot
from delivery.engine import drain
from duty.actions import check_add_shift, check_set_chief, escalate_due
from duty.models import Alert
from people.models import MandateRole
from reports.tests.test_browser import browser, live_world, page_for, shot  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser]


def test_the_officer_on_duty_acknowledges_from_the_alert_link_and_the_escalation_stops(
    browser,  # noqa: F811
    live_world,  # noqa: F811
    live_server,
    settings,
    fake,
    client,
):
    world, _more = live_world
    settings.SITE_URL = live_server.url
    backup = create_officer(world.admin, "0901000021", "Lê Văn Dự", MandateRole.POLICE, world.commune)
    now = timezone.now()
    check_add_shift(
        world.officer,
        world.commune,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=11),
        officer=world.officer,
        backup=backup,
    )
    check_set_chief(world.officer, world.commune, world.officer)
    add_bot(world.commune, "telegram")
    raw, headers, path = fake.simulated_message("telegram", "555", do_create_link_code(world.officer))
    client.post(path, raw, content_type="application/json", headers=headers)

    report = create_report(
        world.resident, world.rg, category="assault", description="Có người cầm dao đang đánh nhau trước cổng chợ"
    ).report
    drain()
    [text] = [
        c.json["text"]
        for c in fake.received
        if c.route == "telegram.sendMessage" and report.receipt_code in c.json.get("text", "")
    ]
    assert world.resident.full_name not in text
    found = re.search(r"https?://\S+/duty/ack/\S+/", text)
    assert found is not None
    link = found.group(0)

    phone = page_for(browser, live_server)  # the link opens in the chat app's browser: no session
    phone.goto(link)
    main = phone.inner_text("main")
    assert report.receipt_code in main and "Trộm" not in main and world.resident.full_name not in main
    shot(phone, "duty-1-alert-link")
    phone.get_by_test_id("ack").click()
    assert "Đỗ Tuấn Kiệt đã nhận tin" in phone.get_by_test_id("acknowledged").inner_text()
    shot(phone, "duty-2-acknowledged")

    alert = Alert.objects.get(kind="new_report")
    assert alert.acknowledged_by == world.officer and alert.acknowledged_via == "link"
    assert escalate_due(timezone.now() + timedelta(hours=1)) == 0
    assert not alert.recipients.filter(person=backup).exists()

    phone.get_by_test_id("open-case").click()
    assert "/signin/" in phone.url  # the case itself needs the officer's sign-in

    officer = page_for(browser, live_server, world.officer)
    officer.goto(f"/reports/{report.receipt_code}/case/")
    assert "Đỗ Tuấn Kiệt đã nhận tin (qua đường link trong tin báo)" in officer.locator(".timeline").text_content()
    officer.goto(f"/duty/units/{world.commune.code}/")
    assert "Đỗ Tuấn Kiệt" in officer.get_by_test_id("on-duty-now").inner_text()
    shot(officer, "duty-3-roster")
