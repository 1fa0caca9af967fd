"""The fake providers can be steered over HTTP, as the demo does with curl."""

import httpx
import pytest

from channels.base import TransportError
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
