"""/hooks/zalo_bot/: the secret token header is checked; both envelopes are accepted."""

import json
from typing import Any

from channels.conftest import BOT_SECRET
from channels.models import ChannelIdentity, InboundEvent

MESSAGE: dict[str, Any] = {
    "event_name": "message.text.received",
    "message": {
        "from": {"id": "u-55", "display_name": "Chị Mai", "is_bot": False},
        "chat": {"id": "u-55", "chat_type": "PRIVATE"},
        "text": "Có đám đông tụ tập",
        "message_id": "bm-1",
        "date": 1750316131602,
    },
}


def post(client, payload, secret=BOT_SECRET):
    return client.post(
        "/hooks/zalo_bot/",
        json.dumps(payload),
        content_type="application/json",
        headers={"X-Bot-Api-Secret-Token": secret},
    )


def test_a_wrapped_update_with_the_right_secret_is_stored_and_answered(
    fake, zalo_bot, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, {"ok": True, "result": MESSAGE})

    assert response.status_code == 200
    assert InboundEvent.objects.get().event_name == "message.text.received"
    identity = ChannelIdentity.objects.get()
    assert (identity.provider_user_id, identity.display_name) == ("u-55", "Chị Mai")
    assert fake.calls("zalo_bot.sendMessage")[0].json["chat_id"] == "u-55"


def test_an_unwrapped_update_is_accepted_too_and_a_replay_is_stored_once(fake, zalo_bot, client):
    assert post(client, MESSAGE).status_code == 200
    assert post(client, {"ok": True, "result": MESSAGE}).json()["duplicate"] is True

    assert InboundEvent.objects.count() == 1


def test_a_wrong_or_missing_secret_is_refused_and_nothing_stored(fake, zalo_bot, client):
    assert post(client, MESSAGE, secret="wrong-secret").status_code == 403
    assert client.post("/hooks/zalo_bot/", json.dumps(MESSAGE), content_type="application/json").status_code == 403

    assert InboundEvent.objects.count() == 0


def test_a_body_that_is_not_a_json_object_is_a_bad_request(fake, zalo_bot, client):
    response = client.post(
        "/hooks/zalo_bot/", b"[1, 2]", content_type="application/json", headers={"X-Bot-Api-Secret-Token": BOT_SECRET}
    )

    assert response.status_code == 400
