"""A resident links a Zalo or Telegram account with a one-time code from the web app."""

import re
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from canhgiac.testing import signed_in
from channels.actions import check_add_channel, check_link_identity, do_create_link_code
from channels.conftest import BOT_SECRET, add_zalo_oa
from channels.models import ChannelIdentity, LinkCode
from core.errors import ActionError


def identity_on(config, user_id="u-1"):
    return ChannelIdentity.objects.create(config=config, provider_user_id=user_id)


def test_the_link_page_asks_a_signed_out_visitor_to_sign_in(client, world):
    assert client.get("/channels/link/").status_code == 302


def test_the_link_page_shows_a_code_once_and_where_to_send_it(client, world):
    check_add_channel(
        None, world.commune, "telegram", {"bot_token": "1:a", "webhook_secret": BOT_SECRET, "bot_username": "cg_bot"}
    )
    signed_in(client, world.resident)

    page = client.post("/channels/link/").content.decode()

    code = re.findall(r"CG-[A-Z2-9]{6}", page)[0]
    assert f"https://t.me/cg_bot?start={code}" in page
    assert code not in client.get("/channels/link/").content.decode()
    assert LinkCode.objects.get().code_hash != code  # only its hash is kept


def test_a_code_links_once_and_a_new_code_replaces_the_old_one(world):
    config = check_add_channel(None, world.commune, "telegram", {"bot_token": "1:a", "webhook_secret": BOT_SECRET})
    old = do_create_link_code(world.resident)
    new = do_create_link_code(world.resident)

    with pytest.raises(ActionError):
        check_link_identity(identity_on(config, "u-1"), old[3:])
    assert check_link_identity(identity_on(config, "u-2"), new[3:]) == world.resident
    with pytest.raises(ActionError):
        check_link_identity(identity_on(config, "u-3"), new[3:])


def test_an_expired_code_links_nobody(world):
    config = check_add_channel(None, world.commune, "telegram", {"bot_token": "1:a", "webhook_secret": BOT_SECRET})
    code = do_create_link_code(world.resident)
    LinkCode.objects.update(expires_at=timezone.now())

    with pytest.raises(ActionError):
        check_link_identity(identity_on(config), code[3:])


def test_a_resident_sees_and_unlinks_a_linked_account_but_not_someone_elses(client, world):
    config = check_add_channel(None, world.commune, "telegram", {"bot_token": "1:a", "webhook_secret": BOT_SECRET})
    mine = identity_on(config, "u-1")
    check_link_identity(mine, do_create_link_code(world.resident)[3:])
    theirs = identity_on(config, "u-2")
    check_link_identity(theirs, do_create_link_code(world.relay)[3:])
    signed_in(client, world.resident)

    assert "u-1" in client.get("/channels/link/").content.decode()
    client.post(f"/channels/link/{theirs.pk}/unlink/")
    client.post(f"/channels/link/{mine.pk}/unlink/")

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.person is None and theirs.person == world.relay


@pytest.mark.parametrize(
    ("slug", "route"),
    [("zalo_oa", "oa.message"), ("zalo_bot", "zalo_bot.sendMessage"), ("telegram", "telegram.sendMessage")],
)
def test_in_the_demo_a_resident_writing_through_a_fake_provider_is_linked_and_answered(
    fake, live_world, live_server, slug, route
):
    """What a newcomer sees with `manage.py fake_providers`: a message goes in, the answer comes back out."""
    if slug == "zalo_oa":
        add_zalo_oa(fake, live_world.commune)
    else:
        check_add_channel(None, live_world.commune, slug, {"bot_token": "1:a", "webhook_secret": BOT_SECRET})
    fake.target.app_url = live_server.url
    code = do_create_link_code(live_world.resident)

    answer = httpx.post(f"{fake.url}/_fake/say", json={"channel": slug, "user_id": "7001", "text": code}, timeout=10)

    assert answer.json() == {"ok": True, "app_status": 200}
    assert ChannelIdentity.objects.get(provider_user_id="7001").person == live_world.resident
    reply = fake.calls(route)[-1].json
    assert live_world.resident.full_name in (reply.get("text") or reply["message"]["text"])


@pytest.fixture
def channels_alone():
    """The channels contract on its own, without the report conversations the reports app plugs in."""
    from channels.signals import message_received
    from reports.actions.chat.conversation import on_message_received

    message_received.disconnect(dispatch_uid="reports.chat")
    yield
    message_received.connect(on_message_received, dispatch_uid="reports.chat")


def linked_message(fake, world, client, capture, text="Có trộm"):
    from channels.types.zalo_bot.tests.test_webhook import MESSAGE, post

    config = check_add_channel(None, world.commune, "zalo_bot", {"bot_token": "1:a", "webhook_secret": BOT_SECRET})
    check_link_identity(identity_on(config, "u-55"), do_create_link_code(world.resident)[3:])
    with capture(execute=True):
        post(client, {**MESSAGE, "message": {**MESSAGE["message"], "text": text}})
    return config


def test_a_linked_residents_message_goes_to_the_conversation_that_takes_it(
    fake, world, client, django_capture_on_commit_callbacks, channels_alone
):
    from channels.signals import message_received

    taken = []

    def conversation(sender, config, identity, message, **kwargs):
        taken.append((identity.person, message.text))
        return True

    message_received.connect(conversation, dispatch_uid="test-conversation")
    try:
        linked_message(fake, world, client, django_capture_on_commit_callbacks)
    finally:
        message_received.disconnect(dispatch_uid="test-conversation")

    assert taken == [(world.resident, "Có trộm")]
    assert fake.calls("zalo_bot.sendMessage") == []


def test_without_a_conversation_a_linked_resident_is_pointed_to_the_web_app_and_the_channel_marked_ok(
    fake, world, client, django_capture_on_commit_callbacks, settings, channels_alone
):
    settings.SITE_URL = "https://canhgiac.example.vn"

    config = linked_message(fake, world, client, django_capture_on_commit_callbacks)

    assert "https://canhgiac.example.vn" in fake.calls("zalo_bot.sendMessage")[0].json["text"]
    config.refresh_from_db()
    assert config.last_ok_at is not None and config.last_error == ""


def test_a_failed_answer_is_recorded_on_the_event_and_as_the_channels_last_error(
    fake, world, client, django_capture_on_commit_callbacks
):
    from channels.models import EventStatus, InboundEvent

    fake.answer("zalo_bot.sendMessage", error=401, description="Unauthorized")

    config = linked_message(fake, world, client, django_capture_on_commit_callbacks)

    event = InboundEvent.objects.get()
    assert event.status == EventStatus.FAILED and "401" in event.error
    config.refresh_from_db()
    assert "zalo_bot 401: Unauthorized" in config.last_error


def test_after_five_wrong_codes_an_account_cannot_link_for_an_hour_even_with_a_good_code(world):
    config = check_add_channel(None, world.commune, "telegram", {"bot_token": "1:a", "webhook_secret": BOT_SECRET})
    guesser = identity_on(config, "u-9")
    for _ in range(5):
        with pytest.raises(ActionError):
            check_link_identity(guesser, "AAAAAA")
    good = do_create_link_code(world.resident)

    with pytest.raises(ActionError, match="Too many wrong codes"):
        check_link_identity(guesser, good[3:])
    ChannelIdentity.objects.filter(pk=guesser.pk).update(link_failed_at=timezone.now() - timedelta(hours=2))
    guesser.refresh_from_db()
    assert check_link_identity(guesser, good[3:]) == world.resident


def test_an_officer_without_a_household_is_shown_the_bot_of_the_commune_they_serve(client, world):
    check_add_channel(
        None, world.commune, "telegram", {"bot_token": "1:a", "webhook_secret": BOT_SECRET, "bot_username": "cg_bot"}
    )
    signed_in(client, world.officer)

    page = client.post("/channels/link/").content.decode()

    code = re.findall(r"CG-[A-Z2-9]{6}", page)[0]
    assert f"https://t.me/cg_bot?start={code}" in page
