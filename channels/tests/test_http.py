"""The one HTTP wrapper: timeouts and unreachable providers become retryable errors, secrets stay out of logs."""

from typing import Any

import pytest

from channels import http
from channels.base import TransportError


def test_an_unreachable_provider_is_a_retryable_network_error():
    with pytest.raises(TransportError) as raised:
        http.call("test", "GET", "http://127.0.0.1:9/nothing-listens-here", timeout=1)
    assert raised.value.code == "network" and not raised.value.permanent


def test_a_slow_provider_is_a_retryable_timeout(fake):
    fake.answer("sms", delay=1)

    with pytest.raises(TransportError) as raised:
        http.call("test", "POST", f"{fake.url}/sms/send", json={}, timeout=0.2)
    assert raised.value.code == "timeout" and not raised.value.permanent


def test_secrets_are_redacted_from_the_logged_url(fake, caplog):
    caplog.set_level("INFO", logger="channels.http")

    http.call("test", "POST", f"{fake.url}/telegram/botSECRET-TOKEN/getMe", secrets=["SECRET-TOKEN"], json={})

    assert "SECRET-TOKEN" not in caplog.text and "bot***/getMe" in caplog.text


def test_a_rate_limit_without_json_is_retryable_after_the_given_delay(fake):
    fake.answer("sms", status=429, body="")
    response = http.call("test", "POST", f"{fake.url}/sms/send", json={})

    with pytest.raises(TransportError) as raised:
        http.json_answer("test", response)
    assert not raised.value.permanent and raised.value.code == "http_429"


def test_a_file_a_user_sent_is_downloaded_within_its_size_and_type_limits(fake):
    url = fake.serve("a.jpg", b"\xff\xd8" + b"x" * 1000, "image/jpeg")

    content, content_type = http.download("test", url, max_bytes=2000, content_types=("image/",))

    assert (len(content), content_type) == (1002, "image/jpeg")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"max_bytes": 500, "content_types": ("image/",)}, "too_large"),
        ({"max_bytes": 2000, "content_types": ("video/",)}, "type"),
    ]
    for limits, code in cases:
        with pytest.raises(TransportError) as refused:
            http.download("test", url, **limits)
        assert (refused.value.code, refused.value.permanent) == (code, True)


def test_only_web_addresses_are_downloaded_and_a_missing_file_is_a_permanent_refusal(fake):
    for url, code in [("file:///etc/passwd", "bad_url"), (f"{fake.url}/media/missing.jpg", "http_404")]:
        with pytest.raises(TransportError) as refused:
            http.download("test", url, max_bytes=100, content_types=("image/",))
        assert (refused.value.code, refused.value.permanent) == (code, True)
