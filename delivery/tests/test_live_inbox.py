"""The open inbox in a real Chromium shows a new bulletin without a reload."""

import os

import pytest

from bulletins.actions import check_publish_bulletin
from bulletins.audience import Audience
from bulletins.models import Category
from canhgiac.testing import signed_in
from core.browser import MISSING, chromium_available, launch
from delivery.models import Delivery

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not chromium_available(), reason=MISSING)]


@pytest.fixture
def browser_page(live_server, client, settings):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    settings.LANGUAGE_CODE = "vi"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")

        def open_as(person, path):
            cookie = signed_in(client, person).cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
            page = context.new_page()
            page.goto(live_server.url + path)
            return page

        yield open_as
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_a_new_bulletin_appears_in_the_open_inbox_without_a_reload(world, browser_page):
    from playwright.sync_api import expect

    page = browser_page(world.resident, "/inbox/")
    expect(page.locator("#inbox-empty")).to_be_visible()
    page.evaluate("window.loadedOnce = true")

    check_publish_bulletin(
        world.officer,
        title="Cảnh giác trộm chó ban đêm",
        body_html="<p>Khuya có người lạ đi xe máy không biển số.</p>",
        category=Category.THEFT,
        audience=Audience(groups=[world.rg_group]),
    )

    item = page.locator("[data-testid=inbox-item]", has_text="Cảnh giác trộm chó ban đêm")
    expect(item).to_be_visible(timeout=3000)
    expect(page.locator("#inbox-empty")).to_have_count(0)
    assert page.evaluate("window.loadedOnce") is True  # the same page: no reload happened


@pytest.mark.django_db(transaction=True)
def test_a_relay_opens_the_bulletin_reads_it_out_and_confirms_below_the_text(world, browser_page):
    from playwright.sync_api import expect

    bulletin = check_publish_bulletin(
        world.officer,
        title="Phòng cháy mùa khô",
        body_html="<p>Khóa van bình gas.</p>",
        category=Category.FIRE,
        audience=Audience(groups=[world.rg_group]),
    )
    page = browser_page(world.relay, "/inbox/")
    items = page.locator("[data-testid=inbox-item]")
    expect(items).to_have_count(1)  # hers and the elder's: one bulletin, shown once
    expect(items.first.locator("[data-testid=relay-note]")).to_have_text(
        f"Đọc tin này cho {world.elder.full_name} nghe"
    )
    expect(items.first.get_by_role("button")).to_have_count(0)

    page.context.add_init_script(FAKE_VOICE.replace('[{ lang: "vi-VN", name: "Tiếng Việt", default: true }]', "[]"))
    items.first.get_by_role("link", name="Phòng cháy mùa khô").click()
    text = page.locator("#notice-text")
    expect(text).to_contain_text("Khóa van bình gas.")
    confirm = page.get_by_role("button", name="Tôi đã đọc cho nghe")
    assert confirm.bounding_box()["y"] > text.bounding_box()["y"] + text.bounding_box()["height"] - 1
    expect(page.locator("[data-testid=read-aloud]")).to_be_hidden()  # a phone without a Vietnamese voice
    confirm.click()

    page.wait_for_url("**/inbox/")
    expect(page.locator("[data-testid=inbox-item] .badge-ok")).to_have_text("✓ Đã đọc cho nghe")
    delivery = Delivery.objects.get(notice=bulletin.notice, person=world.elder)
    assert delivery.relay_confirmed_at is not None


# A stand-in for a phone with a Vietnamese voice: it records what it is asked to say.
FAKE_VOICE = """
window.__spoken = [];
class FakeUtterance { constructor(text) { this.text = text; } }
window.SpeechSynthesisUtterance = FakeUtterance;
const fake = new EventTarget();
fake.getVoices = () => [{ lang: "vi-VN", name: "Tiếng Việt", default: true }];
fake.speak = (u) => { window.__spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.lang }); };
fake.cancel = () => {};
Object.defineProperty(window, "speechSynthesis", { value: fake, configurable: true });
"""


@pytest.mark.django_db(transaction=True)
def test_listen_reads_the_bulletin_aloud_in_vietnamese_where_a_voice_exists(world, browser_page):
    from playwright.sync_api import expect

    bulletin = check_publish_bulletin(
        world.officer,
        title="Cảnh giác lừa đảo qua điện thoại",
        body_html="<p>Không chuyển tiền cho người lạ.</p>",
        category=Category.SCAMS,
        audience=Audience(groups=[world.rg_group]),
    )
    page = browser_page(world.resident, "/inbox/")
    page.context.add_init_script(FAKE_VOICE)
    page.goto(page.url.replace("/inbox/", f"/bulletins/{bulletin.pk}/"))
    listen = page.get_by_role("button", name="Nghe đọc")
    expect(listen).to_be_visible()
    listen.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken == [
        {
            "text": "Cảnh giác lừa đảo qua điện thoại. \nKhông chuyển tiền cho người lạ.",
            "lang": "vi-VN",
            "voice": "vi-VN",
        }
    ]
    expect(page.get_by_role("button", name="Dừng đọc")).to_be_visible()
