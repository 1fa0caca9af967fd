"""ZNS template messages by phone against the local fake speaking the documented contract."""

import pytest
from django.core.exceptions import ValidationError

from channels.actions import check_add_channel
from channels.base import TransportError
from channels.conftest import ZALO_APP_ID, Message, add_zalo_oa
from channels.models import ChannelConfig
from channels.timing import VIETNAM
from channels.types.zns.type import TYPE

ALERT = Message(address="+84987654321", subject="Cảnh báo", text="Trộm chó ở ấp Phước Hội", reference="bulletin-7")


@pytest.fixture
def zns(fake, world):
    access, refresh = fake.issue_tokens()
    return check_add_channel(
        None,
        world.commune,
        "zns",
        {
            "app_id": ZALO_APP_ID,
            "template_id": "tpl-1",
            "app_secret": "s",
            "refresh_token": refresh,
            "access_token": access,
        },
    )


def test_a_template_message_goes_to_the_phone_in_84_form_with_the_template_data(fake, zns):
    result = TYPE.send(zns, ALERT)

    [call] = fake.calls("zns.template")
    assert call.json["phone"] == "84987654321"
    assert call.json["template_id"] == "tpl-1" and call.json["tracking_id"] == "bulletin-7"
    assert call.json["template_data"]["title"] == "Cảnh báo"
    assert call.json["template_data"]["content"] == "Trộm chó ở ấp Phước Hội"
    assert result.provider_message_id and "mode" not in call.json


def test_a_national_number_is_normalised_and_a_foreign_one_refused(fake, zns):
    assert TYPE.validate_address("0987 654 321") == "84987654321"
    with pytest.raises(ValidationError):
        TYPE.validate_address("+1 202 555 0100")


def test_the_template_parameters_are_configurable_and_development_mode_is_passed(fake, world):
    config = check_add_channel(
        None,
        world.neighbour,
        "zns",
        {
            "app_id": "77",
            "template_id": "tpl-2",
            "template_data": '{"noi_dung": "{subject}: {text}"}',
            "development": "true",
            "access_token": fake.issue_tokens()[0],
            "app_secret": "s",
        },
    )

    TYPE.send(config, ALERT)

    call = fake.calls("zns.template")[0]
    assert call.json["template_data"] == {"noi_dung": "Cảnh báo: Trộm chó ở ấp Phước Hội"}
    assert call.json["mode"] == "development"


def test_zns_without_its_own_tokens_uses_those_of_the_oa_of_the_same_app(fake, world):
    oa = add_zalo_oa(fake, world.commune)
    zns = check_add_channel(None, world.commune, "zns", {"app_id": ZALO_APP_ID, "template_id": "tpl-1"})

    TYPE.send(zns, ALERT)

    assert fake.calls("zns.template")[0].headers["access_token"] == oa.secrets["access_token"]


def test_an_invalid_access_token_is_refreshed_once_and_the_message_sent(fake, zns):
    fake.answer("zns.template", error=-124)

    assert TYPE.send(zns, ALERT).provider_message_id
    assert len(fake.calls("oauth")) == 1
    assert ChannelConfig.objects.get(pk=zns.pk).secrets["refresh_token"] in fake.live_refresh_tokens


@pytest.mark.parametrize("code", [-108, -114, -118, -139, -141])
def test_a_phone_that_cannot_get_zns_is_permanent_for_that_address(fake, zns, code):
    fake.answer("zns.template", error=code)

    with pytest.raises(TransportError) as raised:
        TYPE.send(zns, ALERT)
    assert raised.value.permanent and raised.value.address_unreachable


@pytest.mark.parametrize("code", [-109, -111, -131])
def test_a_template_problem_is_permanent_but_says_nothing_about_the_address(fake, zns, code):
    fake.answer("zns.template", error=code)

    with pytest.raises(TransportError) as raised:
        TYPE.send(zns, ALERT)
    assert raised.value.permanent and not raised.value.address_unreachable


@pytest.mark.parametrize(("code", "hour"), [(-133, 6), (-144, 0)])
def test_night_hours_and_the_daily_quota_are_retried_at_the_right_hour_in_vietnam(fake, zns, code, hour):
    fake.answer("zns.template", error=code)

    with pytest.raises(TransportError) as raised:
        TYPE.send(zns, ALERT)
    assert raised.value.retry_after is not None
    local = raised.value.retry_after.astimezone(VIETNAM)
    assert not raised.value.permanent and (local.hour, local.minute) == (hour, 0)


@pytest.mark.parametrize("code", [-115, -32])
def test_quota_and_rate_problems_are_retried_later(fake, zns, code):
    fake.answer("zns.template", error=code)

    with pytest.raises(TransportError) as raised:
        TYPE.send(zns, ALERT)
    assert not raised.value.permanent and raised.value.retry_after


def test_a_timeout_is_retryable(fake, zns, settings):
    settings.CHANNELS_HTTP_TIMEOUT_SECONDS = 0.3
    fake.answer("zns.template", delay=1)

    with pytest.raises(TransportError) as raised:
        TYPE.send(zns, ALERT)
    assert raised.value.code == "timeout" and not raised.value.permanent
