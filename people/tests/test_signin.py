from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from core.errors import ActionError
from people.actions import SigninThrottled, check_signin_code, do_request_signin_code
from people.models import Person, SigninCode
from people.senders import MemorySender

PHONE = "+84901000001"


@pytest.fixture
def request_code(db, django_capture_on_commit_callbacks):
    """Ask for a code the way the sign-in page does; sending runs after the commit."""

    def request(phone: str = PHONE, ip: str | None = None) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            do_request_signin_code(phone, ip=ip)

    return request


@pytest.fixture
def sent_code(request_code):
    request_code("0901 000 001", ip="10.0.0.1")
    return MemorySender.last_code_for(PHONE)


def test_a_code_is_sent_to_the_normalised_number_and_only_its_hash_is_stored(sent_code):
    assert len(sent_code) == 6 and sent_code.isdigit()
    stored = SigninCode.objects.get(phone=PHONE)
    assert sent_code not in stored.code_hash
    assert "Cảnh Giác" in MemorySender.outbox[-1].text


def test_the_right_code_signs_in_and_creates_the_account_on_first_use(sent_code):
    person = check_signin_code("0901000001", sent_code)
    assert person.phone == PHONE
    assert Person.objects.filter(phone=PHONE).count() == 1


def test_a_code_works_only_once(sent_code):
    check_signin_code(PHONE, sent_code)
    with pytest.raises(ActionError, match="expired or was already used"):
        check_signin_code(PHONE, sent_code)


def test_a_code_expires_within_ten_minutes(sent_code, settings):
    assert settings.SIGNIN_CODE_TTL_SECONDS <= 600
    SigninCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ActionError, match="expired"):
        check_signin_code(PHONE, sent_code)


def test_wrong_codes_count_down_and_then_burn_the_code(sent_code, settings):
    wrong = "000000" if sent_code != "000000" else "111111"
    for left in range(settings.SIGNIN_CODE_MAX_ATTEMPTS - 1, -1, -1):
        with pytest.raises(ActionError, match=f"{left} tries left"):
            check_signin_code(PHONE, wrong)
    with pytest.raises(ActionError, match="Too many wrong codes"):
        check_signin_code(PHONE, sent_code)


def test_a_new_code_cannot_be_requested_within_the_resend_delay(sent_code):
    with pytest.raises(SigninThrottled, match="seconds"):
        do_request_signin_code(PHONE)


@override_settings(SIGNIN_CODE_RESEND_SECONDS=0, SIGNIN_CODES_PER_HOUR=3)
def test_codes_per_phone_are_limited_per_hour(request_code):
    for _ in range(3):
        request_code()
    with pytest.raises(SigninThrottled, match="Too many codes"):
        do_request_signin_code(PHONE)
    assert len(MemorySender.outbox) == 3


@override_settings(SIGNIN_CODES_PER_IP_PER_HOUR=2)
def test_codes_per_network_address_are_limited(request_code):
    request_code("0901000001", ip="10.0.0.9")
    request_code("0901000002", ip="10.0.0.9")
    with pytest.raises(SigninThrottled, match="network"):
        do_request_signin_code("0901000003", ip="10.0.0.9")


def test_an_older_code_is_replaced_by_the_newest(request_code, settings):
    settings.SIGNIN_CODE_RESEND_SECONDS = 0
    request_code()
    first = MemorySender.last_code_for(PHONE)
    request_code()
    newest = MemorySender.last_code_for(PHONE)
    if first != newest:
        with pytest.raises(ActionError):
            check_signin_code(PHONE, first)
    assert check_signin_code(PHONE, newest).phone == PHONE


def test_a_disabled_account_cannot_sign_in(sent_code):
    Person.objects.create_user(PHONE, "Bị khoá", is_active=False)
    with pytest.raises(ActionError, match="disabled"):
        check_signin_code(PHONE, sent_code)
