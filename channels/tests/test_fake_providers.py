"""The fake providers can be steered over HTTP, as the demo does with curl."""

import time

import httpx
import pytest

from channels.base import TransportError
from channels.conftest import add_zalo_oa
from channels.types.zalo_oa.client import ZaloOAClient


def test_the_fake_answers_with_an_error_code_it_was_told_and_lists_what_it_received(fake, zalo_oa):
    httpx.post(f"{fake.url}/_fake/answer", content=b'{"route": "oa.message", "error": -230}')

    with pytest.raises(TransportError) as raised:
        ZaloOAClient(zalo_oa).send_text("7001", "xin chào")
    received = httpx.get(f"{fake.url}/_fake/received").json()

    assert raised.value.code == "-230"
    assert [(item["route"], item["json"]["recipient"]) for item in received] == [("oa.message", {"user_id": "7001"})]
    httpx.post(f"{fake.url}/_fake/reset")
    assert httpx.get(f"{fake.url}/_fake/received").json() == []


def test_the_fake_answers_after_its_latency_and_refuses_sends_above_a_credentials_limit(fake, zalo_oa, world):
    httpx.post(f"{fake.url}/_fake/pace", content=b'{"latency": 0.2, "rate": 2, "per_seconds": 60}')
    other_oa = add_zalo_oa(fake, world.neighbour)
    client = ZaloOAClient(zalo_oa)

    started = time.monotonic()
    client.send_text("7001", "một")
    assert time.monotonic() - started >= 0.2
    client.send_text("7002", "hai")
    with pytest.raises(TransportError) as raised:
        client.send_text("7003", "ba")
    ZaloOAClient(other_oa).send_text("7004", "bốn")  # another OA has its own limit

    assert raised.value.code == "-32" and raised.value.retry_after is not None
    assert fake.refused_for_rate == 1 and fake.busiest_window() == 2
    refused = [call.json["recipient"]["user_id"] for call in fake.calls("oa.message") if call.refused_for_rate]
    assert refused == ["7003"]


def test_the_bot_and_sms_fakes_answer_429_above_the_limit(fake):
    fake.pace(rate=1, per_seconds=60)
    bot = f"{fake.url}/telegram/bot123:token/sendMessage"
    assert httpx.post(bot, json={"chat_id": 1, "text": "a"}).status_code == 200
    refused = httpx.post(bot, json={"chat_id": 1, "text": "b"})
    assert refused.status_code == 429 and refused.json()["parameters"]["retry_after"] == 1
    assert httpx.post(f"{fake.url}/sms/send", json={"to": "1"}, headers={"Authorization": "k"}).status_code == 200
    sms = httpx.post(f"{fake.url}/sms/send", json={"to": "2"}, headers={"Authorization": "k"})
    assert sms.status_code == 429 and sms.headers["Retry-After"] == "1"
