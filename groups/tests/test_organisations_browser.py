"""On a phone: the commune's officer records the women's union, the steering committee gives it a
hamlet, its contact person finds it in their list; the province reads the employer's groups."""

from pathlib import Path

import pytest
from django.conf import settings

from groups.actions import check_create_group, check_link_organisation, check_save_organisation
from groups.models import GroupKind
from steering.tests.test_dashboard_journey import sign_in_browser

SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


@pytest.mark.browser
def test_an_organisation_is_recorded_given_a_hamlet_and_seen_by_its_contact(live_world, live_server, browser_page):
    world, page = live_world, browser_page
    page.set_default_timeout(30_000)
    sign_in_browser(page, live_server, world.steering)
    page.goto(f"{live_server.url}/steering/u/{world.commune.code}/")
    page.get_by_role("link", name="Tổ chức, đoàn thể").click()
    page.get_by_role("link", name="Thêm tổ chức").click()
    page.locator("#id_name").fill("Hội Liên hiệp Phụ nữ xã Cầu Khởi")
    page.locator("#id_kind").select_option(label="Hội Liên hiệp Phụ nữ")
    page.locator("#id_contact_phone").fill("0901 000 003")
    page.screenshot(path=SCREENSHOTS / "organisation-form.png", full_page=True)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/groups/organisations/*/")
    assert "Lê Hoàng Tâm" in page.locator("#contact").inner_text()

    page.goto(f"{live_server.url}/steering/u/{world.commune.code}/responsibilities/")
    page.locator("#id_organisation").select_option(label="Hội Liên hiệp Phụ nữ xã Cầu Khởi · Xã Cầu Khởi")
    page.locator("#id_target").select_option(label="Ấp Phước Lễ")
    page.locator("#id_duty").fill("Vận động hội viên vào nhóm")
    page.get_by_role("button", name="Phân công").click()
    assert "liên hệ: Lê Hoàng Tâm" in page.locator("ul.list").first.inner_text()
    page.screenshot(path=SCREENSHOTS / "steering-responsibilities.png", full_page=True)

    page.context.clear_cookies()
    sign_in_browser(page, live_server, world.leader)
    page.goto(f"{live_server.url}/inbox/")
    page.goto(f"{live_server.url}/steering/mine/")
    card = page.locator(".card", has_text="Ấp Phước Lễ")
    assert "Thay mặt Hội Liên hiệp Phụ nữ xã Cầu Khởi" in card.inner_text()
    assert "được phân công: Ấp Phước Lễ" in page.content()  # the reminder telling them
    page.screenshot(path=SCREENSHOTS / "steering-mine-contact.png", full_page=True)


@pytest.mark.browser
def test_the_province_reads_an_employers_groups_across_communes(live_world, live_server, browser_page):
    world, page = live_world, browser_page
    page.set_default_timeout(30_000)
    employer = check_save_organisation(
        world.province_officer, world.province, name="Công ty CP Công trình đô thị Tây Ninh", kind="employer"
    )
    for unit, area in ((world.commune, "khu 1"), (world.commune, "khu 2"), (world.neighbour, "Dương Minh Châu")):
        group = check_create_group(world.province_officer, unit, name=f"Công nhân — {area}", kind=GroupKind.WORKFORCE)
        check_link_organisation(world.province_officer, group, employer)
    sign_in_browser(page, live_server, world.officer)
    page.goto(f"{live_server.url}/groups/organisations/{employer.pk}/")
    assert page.locator("[data-unit]").count() == 1  # only the commune's own groups
    page.get_by_role("link", name="Công nhân — khu 1").click()
    page.get_by_role("link", name="Công ty CP Công trình đô thị Tây Ninh").click()
    page.wait_for_url(f"**/groups/organisations/{employer.pk}/")

    page.context.clear_cookies()
    sign_in_browser(page, live_server, world.province_officer)
    page.goto(f"{live_server.url}/groups/organisations/{employer.pk}/")
    assert page.locator("[data-unit]").count() == 2
    assert "3 nhóm, 0 thành viên" in page.locator("main, body").first.inner_text()
    page.screenshot(path=SCREENSHOTS / "organisation-employer.png", full_page=True)
