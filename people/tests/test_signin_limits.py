"""Issue 13, finding 2: sign-in code limits per phone, per address and per /24 or /64, with an
increasing back-off, that an attacker cannot use to lock a whole town out."""

from datetime import timedelta

import pytest
from django.test import override_settings

from people.actions import SigninThrottled, do_request_signin_code
from people.models import SigninCode
from people.senders import MemorySender


@pytest.fixture
def ask(db, django_capture_on_commit_callbacks):
    def ask(phone: str, ip: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            do_request_signin_code(phone, ip=ip)

    return ask


def new_number(n: int) -> str:
    return f"0987{n:06d}"


def age_codes(seconds: int) -> None:
    for code in SigninCode.objects.all():
        SigninCode.objects.filter(pk=code.pk).update(created_at=code.created_at - timedelta(seconds=seconds))


@override_settings(SIGNIN_CODES_PER_IP_PER_HOUR=3)
def test_a_flood_of_new_numbers_from_a_towns_address_does_not_lock_its_members_out(world, ask):
    shared = "113.160.1.20"  # one carrier-grade NAT address for the whole commune
    for n in range(3):
        ask(new_number(n), shared)
    with pytest.raises(SigninThrottled) as refused:
        ask(new_number(3), shared)
    assert refused.value.code == "ip_limit"
    ask(world.resident.phone, shared)  # a member of the commune still gets a code at once
    ask(world.officer.phone, shared)
    assert MemorySender.last_code_for(world.resident.phone) and MemorySender.last_code_for(world.officer.phone)


@override_settings(SIGNIN_CODES_PER_IP_PER_HOUR=100, SIGNIN_CODES_PER_NETWORK_PER_HOUR=3)
def test_stepping_to_the_next_address_of_the_same_24_or_64_does_not_reset_the_budget(db, ask):
    for n, ip in enumerate(["10.1.2.3", "10.1.2.4", "10.1.2.5"]):
        ask(new_number(n), ip)
    with pytest.raises(SigninThrottled):
        ask(new_number(3), "10.1.2.200")
    ask(new_number(4), "10.1.3.1")  # another /24
    for n, ip in enumerate(["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"]):
        ask(new_number(10 + n), ip)
    with pytest.raises(SigninThrottled):
        ask(new_number(13), "2001:db8:1:2:abcd::9")
    ask(new_number(14), "2001:db8:1:3::1")  # another /64


@override_settings(SIGNIN_CODES_PER_IP_PER_HOUR=2, SIGNIN_CODE_RESEND_SECONDS=60, SIGNIN_BACKOFF_MAX_SECONDS=3600)
def test_past_the_budget_each_code_waits_twice_as_long_as_the_one_before(db, ask):
    ip = "203.0.113.8"
    ask(new_number(0), ip)
    ask(new_number(1), ip)
    waits = []
    for n in range(2, 5):
        with pytest.raises(SigninThrottled) as refused:
            ask(new_number(n), ip)
        assert refused.value.params is not None
        waits.append(refused.value.params["seconds"])
        age_codes(waits[-1])
        ask(new_number(n), ip)
    assert waits == [60, 120, 240]


def test_the_per_phone_limits_still_hold_for_members(world, ask, settings):
    settings.SIGNIN_CODE_RESEND_SECONDS = 0
    settings.SIGNIN_CODES_PER_HOUR = 2
    ask(world.resident.phone, "10.0.0.1")
    ask(world.resident.phone, "10.0.0.2")
    with pytest.raises(SigninThrottled) as refused:
        ask(world.resident.phone, "10.0.0.3")
    assert refused.value.code == "phone_limit"
