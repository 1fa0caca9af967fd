"""The Zalo OA client against the local fake speaking the documented contract (docs/zalo.md)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from channels.base import TransportError
from channels.conftest import Message
from channels.models import ChannelConfig
from channels.timing import VIETNAM
from channels.types.zalo_oa.client import ZaloOAClient
from channels.types.zalo_oa.type import TYPE


def test_a_consultation_message_is_sent_with_the_access_token_and_returns_the_message_id(fake, zalo_oa):
    result = TYPE.send(zalo_oa, Message(address="5544332211", subject="Cảnh báo", text="Có người lạ"))

    [call] = fake.calls("oa.message")
    assert call.headers["access_token"] == zalo_oa.secrets["access_token"]
    assert call.json == {"recipient": {"user_id": "5544332211"}, "message": {"text": "Cảnh báo\n\nCó người lạ"}}
    assert result.provider_message_id


def test_text_is_normalised_to_nfc_and_cut_to_two_thousand_characters(fake, zalo_oa):
    decomposed = "Tro\u0302\u0301m cho\u0301 "  # "Trốm chó " typed with combining marks
    ZaloOAClient(zalo_oa).send_text("1", decomposed * 300)

    text = fake.calls("oa.message")[0].json["message"]["text"]
    assert len(text) == 2000 and text.endswith("…")
    assert text.startswith("Trốm chó")


def test_an_error_in_the_body_of_an_http_200_answer_is_an_error(fake, zalo_oa):
    fake.answer("oa.message", error=-201, description="invalid param")

    with pytest.raises(TransportError) as raised:
        ZaloOAClient(zalo_oa).send_text("1", "xin chào")
    assert raised.value.permanent and raised.value.code == "-201"


@pytest.mark.parametrize("code", [-216, -220])
def test_an_invalid_token_is_refreshed_once_stored_and_the_call_retried(fake, zalo_oa, code):
    old_refresh = zalo_oa.secrets["refresh_token"]
    fake.answer("oa.message", error=code)

    result = ZaloOAClient(zalo_oa).send_text("1", "xin chào")

    assert result.provider_message_id
    [refresh] = fake.calls("oauth")
    assert refresh.form == {
        "refresh_token": old_refresh,
        "app_id": zalo_oa.settings["app_id"],
        "grant_type": "refresh_token",
    }
    assert refresh.headers["secret_key"] == "app-secret"
    stored = ChannelConfig.objects.get(pk=zalo_oa.pk).secrets
    assert stored["refresh_token"] != old_refresh and stored["refresh_token"] in fake.live_refresh_tokens
    second = fake.calls("oa.message")[1]
    assert second.headers["access_token"] == stored["access_token"]


def test_a_token_still_refused_after_one_refresh_is_retried_later_not_refreshed_again(fake, zalo_oa):
    fake.answer("oa.message", error=-216, times=2)

    with pytest.raises(TransportError) as raised:
        ZaloOAClient(zalo_oa).send_text("1", "xin chào")
    assert len(fake.calls("oauth")) == 1
    assert not raised.value.permanent and raised.value.retry_after


def test_an_expired_access_token_is_refreshed_before_the_call(fake, zalo_oa):
    secrets = zalo_oa.secrets
    secrets["access_token_expires_at"] = (timezone.now() - timedelta(minutes=1)).isoformat()
    zalo_oa.secrets = secrets
    zalo_oa.save()

    ZaloOAClient(zalo_oa).send_text("1", "xin chào")

    assert len(fake.calls("oauth")) == 1
    assert fake.calls("oa.message")[0].headers["access_token"] == ChannelConfig.objects.get().secrets["access_token"]


def test_a_refused_refresh_token_is_a_retryable_error_and_keeps_the_stored_token(fake, zalo_oa):
    stored = zalo_oa.secrets["refresh_token"]
    fake.live_refresh_tokens.clear()
    fake.answer("oa.message", error=-216)

    with pytest.raises(TransportError) as raised:
        ZaloOAClient(zalo_oa).send_text("1", "xin chào")
    assert raised.value.code == "oauth_-14014" and not raised.value.permanent
    assert ChannelConfig.objects.get().secrets["refresh_token"] == stored


def test_rate_limiting_is_retried_a_minute_later(fake, zalo_oa):
    fake.answer("oa.message", error=-32)

    with pytest.raises(TransportError) as raised:
        ZaloOAClient(zalo_oa).send_text("1", "xin chào")
    assert not raised.value.permanent and raised.value.retry_after is not None
    assert timedelta(seconds=50) < raised.value.retry_after - timezone.now() <= timedelta(seconds=60)


@pytest.mark.parametrize("code", [-230, -213, -227])
def test_a_user_outside_the_window_or_not_following_is_permanent_for_that_address(fake, zalo_oa, code):
    fake.answer("oa.message", error=code)

    with pytest.raises(TransportError) as raised:
        ZaloOAClient(zalo_oa).send_text("1", "xin chào")
    assert raised.value.permanent and raised.value.address_unreachable


def test_the_night_ban_is_retried_at_six_in_the_morning_vietnam_time(fake, zalo_oa):
    fake.answer("oa.message", error=-234)

    with pytest.raises(TransportError) as raised:
        ZaloOAClient(zalo_oa).send_text("1", "xin chào")
    assert raised.value.retry_after is not None
    local = raised.value.retry_after.astimezone(VIETNAM)
    assert not raised.value.permanent and (local.hour, local.minute) == (6, 0)


def test_no_answer_in_time_is_a_retryable_timeout(fake, zalo_oa, settings):
    settings.CHANNELS_HTTP_TIMEOUT_SECONDS = 0.3
    fake.answer("oa.message", delay=1)

    with pytest.raises(TransportError) as raised:
        ZaloOAClient(zalo_oa).send_text("1", "xin chào")
    assert raised.value.code == "timeout" and not raised.value.permanent


def test_a_server_error_without_json_is_retryable(fake, zalo_oa):
    fake.answer("oa.message", status=502, body="")

    with pytest.raises(TransportError) as raised:
        ZaloOAClient(zalo_oa).send_text("1", "xin chào")
    assert raised.value.code == "http_502" and not raised.value.permanent


def test_an_image_is_uploaded_as_multipart_and_sent_as_a_media_template(fake, zalo_oa):
    client = ZaloOAClient(zalo_oa)
    attachment_id = client.upload_image(b"\xff\xd8jpeg-bytes", "trom.jpg")
    client.send_image("1", "https://example.vn/trom.jpg", text="Ảnh nghi phạm")

    assert attachment_id
    assert fake.calls("oa.upload")[0].files == {"file": 12}
    message = fake.calls("oa.message")[0].json["message"]
    assert message["text"] == "Ảnh nghi phạm"
    assert message["attachment"]["payload"]["elements"] == [
        {"media_type": "image", "url": "https://example.vn/trom.jpg"}
    ]


def test_the_access_token_never_reaches_the_logs(fake, zalo_oa, caplog):
    caplog.set_level("INFO", logger="channels.http")
    fake.answer("oa.message", error=-216)

    ZaloOAClient(zalo_oa).send_text("1", "xin chào")

    secrets = ChannelConfig.objects.get().secrets
    assert "zalo_oa POST" in caplog.text
    for value in (secrets["access_token"], secrets["refresh_token"], "app-secret"):
        assert value not in caplog.text
