"""The generic SMS gateway: configurable URL, auth header and body template, against the local fake."""

import pytest

from channels.actions import check_add_channel
from channels.base import TransportError
from channels.conftest import Message
from channels.types.sms_gateway.type import TYPE
from core.errors import ActionError


@pytest.fixture
def sms(fake, world):
    return check_add_channel(
        None,
        world.commune,
        "sms_gateway",
        {
            "url": f"{fake.url}/sms/send",
            "auth_header": "X-Api-Key",
            "auth_value": "sms-key",
            "body_template": '{"to": "{phone}", "content": "{text}", "brand": "{sender}", "type": 2}',
            "phone_format": "84",
            "sender": "CONGANXA",
            "max_segments": "2",
        },
    )


def test_the_body_template_is_filled_and_the_auth_header_sent(fake, sms):
    result = TYPE.send(sms, Message(address="0987654321", text='Trộm chó "đêm qua"'))

    [call] = fake.calls("sms")
    assert call.headers["X-Api-Key"] == "sms-key"
    assert call.json == {"to": "84987654321", "content": 'Trộm chó "đêm qua"', "brand": "CONGANXA", "type": 2}
    assert result.provider_message_id


def test_a_long_vietnamese_text_is_cut_to_the_configured_number_of_ucs2_segments(fake, sms):
    TYPE.send(sms, Message(address="0987654321", text="Cảnh báo lừa đảo. " * 20))

    content = fake.calls("sms")[0].json["content"]
    assert len(content) <= 2 * 67 and content.endswith("…")


def test_without_diacritics_a_segment_holds_160_characters(fake, world):
    config = check_add_channel(
        None, world.neighbour, "sms_gateway", {"url": f"{fake.url}/sms/send", "unaccented": "true", "max_segments": "1"}
    )

    TYPE.send(config, Message(address="0987654321", text="Cảnh giác: đối tượng lạ ở ấp Phước Hội"))

    assert fake.calls("sms")[0].json["message"] == "Canh giac: doi tuong la o ap Phuoc Hoi"


def test_server_errors_are_retried_and_refusals_are_permanent(fake, sms):
    fake.answer("sms", error=503)
    fake.answer("sms", error=400)
    fake.answer("sms", status=200, body={"ok": False, "error": "invalid number"})

    outcomes = []
    for _ in range(3):
        with pytest.raises(TransportError) as raised:
            TYPE.send(sms, Message(address="0987654321", text="x"))
        outcomes.append(raised.value.permanent)
    assert outcomes == [False, True, True]


def test_a_body_template_with_an_unknown_placeholder_is_refused(fake, world):
    with pytest.raises(ActionError):
        check_add_channel(
            None,
            world.commune,
            "sms_gateway",
            {"url": "https://sms.example.vn/send", "body_template": '{"x": "{name}"}'},
        )
