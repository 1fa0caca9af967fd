"""Every error page is in Vietnamese (English when chosen), styled like the site, with a way home,
and needs no database (docs/security.md): 400, 403, 404, 429, 500, CSRF failure, 503."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from canhgiac.testing import create_report, signed_in

HOME_LINK = '<a class="button" href="/">'


def assert_error_page(response, status: int, text: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert text in html and HOME_LINK in html and "core/site" in html and "Cảnh Giác" in html
    assert "Traceback" not in html
    return html


@pytest.fixture
def http():
    return Client(raise_request_exception=False)


def test_404_in_vietnamese_and_in_english_when_chosen(db, http):
    assert_error_page(http.get("/khong-co-trang-nay/"), 404, "Không tìm thấy trang")
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert_error_page(http.get("/khong-co-trang-nay/"), 404, "Page not found")


def test_403_for_a_resident_on_an_officers_page(world, http):
    signed_in(http, world.resident)
    assert_error_page(http.get(reverse("bulletins:compose")), 403, "Không được phép")


def test_400_for_a_request_to_an_unknown_host(db, http):
    assert_error_page(http.get("/", HTTP_HOST="ke-gian.example"), 400, "Yêu cầu không hợp lệ")


@override_settings(ROOT_URLCONF="core.tests.error_urls")
def test_500_says_sorry_in_vietnamese_without_details(db, http):
    html = assert_error_page(http.get("/test-broken/"), 500, "Đã xảy ra lỗi")
    assert "a bug" not in html


def test_a_failed_csrf_check_explains_what_to_do(db):
    http = Client(enforce_csrf_checks=True)
    assert_error_page(http.post("/signin/", {"phone": "0901000001"}), 403, "Biểu mẫu đã hết hạn")


def test_429_when_guessing_receipts_is_paused(world, http, settings):
    cache.clear()
    settings.REPORT_FOLLOW_MAX_FAILURES = 1
    filed = create_report(None, world.rg, visibility="anonymous")
    data = {"code": filed.report.receipt_code, "secret": "WRONG-WRONG"}
    assert http.post(reverse("reports:follow_receipt"), data).status_code == 404
    response = http.post(reverse("reports:follow_receipt"), {**data, "secret": filed.secret})
    assert_error_page(response, 429, "Quá nhiều yêu cầu")
    assert response["Retry-After"] == "900"
    cache.clear()


@pytest.fixture
def database_down(transactional_db):
    """Call it and the database stops answering: connections go where nothing listens."""
    original = dict(connection.settings_dict)

    def take_down() -> None:
        connection.close()
        if connection.vendor == "sqlite":
            connection.settings_dict["NAME"] = "/nonexistent/canhgiac/down.sqlite3"
        else:
            connection.settings_dict.update(HOST="127.0.0.1", PORT="1")

    yield take_down
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(original)


def test_a_database_that_is_down_gives_a_vietnamese_503_with_retry_after(world, database_down):
    http = Client(raise_request_exception=False)
    http.force_login(world.resident)
    database_down()  # the session lives in the database: reading it fails
    response = http.get("/groups/")
    assert_error_page(response, 503, "Tạm thời không truy cập được")
    assert response["Retry-After"] == "30"


def test_healthz_shows_the_public_no_driver_error(database_down):
    database_down()
    response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"ok": False, "database": {"ok": False}, "queue": response.json()["queue"]}
    assert "unable" not in response.content.decode() and "sqlite" not in response.content.decode()
