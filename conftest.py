import pytest

from canhgiac.testing import build_world
from people.senders import MemorySender


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def _empty_code_outbox():
    MemorySender.outbox.clear()
    yield
    MemorySender.outbox.clear()


@pytest.fixture
def live_world(transactional_db):
    """The test world committed to the database, for a live server in another thread."""
    return build_world()


@pytest.fixture(autouse=True)
def _views_imported_before_a_live_server(request):
    """Import every view before a live server answers: on a busy machine its first request would
    otherwise spend longer importing them (the PDF fonts…) than a browser waits for a page."""
    if "live_server" in request.fixturenames:
        from django.urls import resolve

        resolve("/")


@pytest.fixture
def browser_page():
    """A page in Debian's Chromium driven by Playwright; skipped with a reason when Chromium is absent."""
    import os

    from core.browser import MISSING, chromium_available, launch

    if not chromium_available():
        pytest.skip(MISSING)
    # Playwright's sync API keeps an event loop in this thread; the ORM calls made by the test
    # itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", device_scale_factor=1)
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        context.close()
        browser.close()


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Messages raised by actions are read in English by the tests; pages still default to Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        yield
