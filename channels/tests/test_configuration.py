"""Channels configured per province or commune: validation, encryption at rest, lookup, admin and command."""

import io

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from canhgiac.testing import signed_in
from channels.actions import check_add_channel, config_for_unit, webhook_url
from channels.conftest import BOT_SECRET
from channels.crypto import UnreadableSecrets
from channels.models import ChannelConfig
from core.errors import ActionError

TELEGRAM = {"bot_token": "123:secret-bot-token", "webhook_secret": BOT_SECRET}


def test_credentials_are_stored_encrypted_and_read_back(world):
    config = check_add_channel(world.admin, world.commune, "telegram", TELEGRAM)

    stored = ChannelConfig.objects.get(pk=config.pk)
    assert "secret-bot-token" not in stored.secrets_encrypted and "secret-bot-token" not in str(stored.settings)
    assert stored.secrets == TELEGRAM


def test_the_encryption_key_comes_from_its_own_setting_so_another_key_cannot_read_them(world, settings):
    settings.CHANNELS_ENCRYPTION_KEY = "first key"
    config = check_add_channel(world.admin, world.commune, "telegram", TELEGRAM)

    settings.CHANNELS_ENCRYPTION_KEY = "another key"
    with pytest.raises(UnreadableSecrets):
        _ = ChannelConfig.objects.get(pk=config.pk).secrets


def test_each_type_validates_its_own_settings(world):
    with pytest.raises(ActionError) as missing:
        check_add_channel(world.admin, world.commune, "zalo_oa", {"app_id": "1"})
    with pytest.raises(ActionError) as unknown:
        check_add_channel(world.admin, world.commune, "telegram", {**TELEGRAM, "colour": "blue"})
    with pytest.raises(ActionError) as short_secret:
        check_add_channel(world.admin, world.commune, "telegram", {**TELEGRAM, "webhook_secret": "short"})

    assert "app secret" in " ".join(missing.value.messages)
    assert "colour" in " ".join(unknown.value.messages)
    assert "webhook_secret" in " ".join(short_secret.value.messages)


def test_adding_a_channel_is_audited_without_its_secrets(world):
    config = check_add_channel(world.admin, world.commune, "telegram", TELEGRAM)

    event = AuditEvent.objects.get(verb="channel.added")
    assert event.target_id == str(config.pk) and event.data["secrets"] == ["bot_token", "webhook_secret"]
    assert "secret-bot-token" not in str(event.data)


def test_a_unit_uses_the_nearest_channel_up_its_path(world):
    province = check_add_channel(world.admin, world.province, "telegram", TELEGRAM)
    commune = check_add_channel(world.admin, world.commune, "telegram", TELEGRAM)

    assert config_for_unit(world.rg, "telegram") == commune
    assert config_for_unit(world.neighbour, "telegram") == province
    assert config_for_unit(world.far_commune, "telegram") is None
    commune.enabled = False
    commune.save()
    assert config_for_unit(world.rg, "telegram") == province


def test_one_unit_has_at_most_one_channel_of_a_type(world):
    check_add_channel(world.admin, world.commune, "telegram", TELEGRAM)

    with pytest.raises(ActionError):
        check_add_channel(world.admin, world.commune, "telegram", TELEGRAM)


def test_the_command_adds_a_channel_and_prints_its_webhook_url(world, settings):
    settings.SITE_URL = "https://canhgiac.example.vn"
    out = io.StringIO()

    call_command(
        "channel",
        "add",
        "zalo_bot",
        "--unit",
        world.commune.code,
        "--set",
        "bot_token=123:abc",
        "--set",
        f"webhook_secret={BOT_SECRET}",
        stdout=out,
    )

    config = ChannelConfig.objects.get(slug="zalo_bot")
    assert config.unit == world.commune and config.secrets["bot_token"] == "123:abc"
    assert "https://canhgiac.example.vn/hooks/zalo_bot/" in out.getvalue()


@pytest.mark.parametrize("spelling", ["zalo_bot", "zalo-bot"])
def test_the_command_takes_a_type_written_with_an_underscore_or_a_hyphen(world, spelling):
    out = io.StringIO()

    call_command(
        "channel", "add", spelling, "--unit", world.commune.code, "--set", "bot_token=123:abc", "--set",
        f"webhook_secret={BOT_SECRET}", stdout=out,
    )  # fmt: skip

    assert ChannelConfig.objects.get().slug == "zalo_bot"
    assert "/hooks/zalo_bot/" in out.getvalue()


def test_the_web_inbox_and_email_are_channel_types_but_not_configured_per_unit(world):
    with pytest.raises(CommandError):
        call_command("channel", "add", "email", "--unit", world.commune.code, stdout=io.StringIO())
    with pytest.raises(ActionError, match="Unknown channel type"):
        check_add_channel(world.admin, world.commune, "web", {})


def test_the_command_refuses_what_the_admin_refuses(world):
    with pytest.raises(CommandError, match="app secret"):
        call_command(
            "channel", "add", "zalo_oa", "--unit", world.commune.code, "--set", "app_id=1", stdout=io.StringIO()
        )
    with pytest.raises(CommandError, match="no unit"):
        call_command("channel", "add", "telegram", "--unit", "nowhere", stdout=io.StringIO())


def test_the_list_shows_status_and_last_error(world):
    config = check_add_channel(world.admin, world.commune, "telegram", TELEGRAM, enabled=False)
    ChannelConfig.objects.filter(pk=config.pk).update(
        last_error="telegram 401: Unauthorized", last_error_at=config.created_at
    )
    out = io.StringIO()

    call_command("channel", "list", stdout=out)

    assert "telegram" in out.getvalue() and "disabled" in out.getvalue()
    assert "telegram 401: Unauthorized" in out.getvalue()


def test_zns_and_the_oa_share_the_zalo_webhook_url(world, settings):
    settings.SITE_URL = "https://canhgiac.example.vn"
    zns = check_add_channel(world.admin, world.commune, "zns", {"app_id": "1", "template_id": "t"})
    sms = check_add_channel(world.admin, world.commune, "sms_gateway", {"url": "https://sms.example.vn/send"})

    assert webhook_url(zns) == "https://canhgiac.example.vn/hooks/zalo_oa/"
    assert webhook_url(sms) == ""


def test_the_admin_adds_a_channel_with_validation_and_keeps_credentials_not_rewritten(world, client):
    signed_in(client, world.admin)
    form = {"unit": world.commune.pk, "slug": "telegram", "enabled": "on", "settings": "{}"}

    refused = client.post("/admin/channels/channelconfig/add/", {**form, "new_secrets": "bot_token=123:abc"})
    assert refused.status_code == 200 and not ChannelConfig.objects.exists()

    client.post(
        "/admin/channels/channelconfig/add/", {**form, "new_secrets": f"bot_token=123:abc\nwebhook_secret={BOT_SECRET}"}
    )
    config = ChannelConfig.objects.get()
    assert config.secrets == {"bot_token": "123:abc", "webhook_secret": BOT_SECRET}

    client.post(
        f"/admin/channels/channelconfig/{config.pk}/change/",
        {**form, "settings": '{"bot_username": "canhgiac_bot"}', "new_secrets": "bot_token=456:def"},
    )
    config.refresh_from_db()
    assert config.settings == {"bot_username": "canhgiac_bot"}
    assert config.secrets == {"bot_token": "456:def", "webhook_secret": BOT_SECRET}
    page = client.get(f"/admin/channels/channelconfig/{config.pk}/change/").content.decode()
    assert "456:def" not in page and "/hooks/telegram/" in page


def test_a_channel_serves_a_province_or_a_commune_not_a_hamlet(world):
    with pytest.raises(ActionError):
        check_add_channel(world.admin, world.hamlet, "telegram", TELEGRAM)


def test_only_the_types_named_in_channel_types_can_be_configured(world, settings):
    settings.CHANNEL_TYPES = ["telegram"]

    with pytest.raises(ActionError, match="Unknown channel type"):
        check_add_channel(world.admin, world.commune, "zalo_oa", {"app_id": "1", "app_secret": "s"})
    assert check_add_channel(world.admin, world.commune, "telegram", TELEGRAM).slug == "telegram"


def test_processed_webhook_events_are_deleted_after_the_retention_period_and_pending_ones_kept(world, settings):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from channels.actions import do_purge_inbound_events
    from channels.models import EventStatus, InboundEvent

    settings.CHANNEL_EVENT_RETENTION_DAYS = 30
    config = check_add_channel(world.admin, world.commune, "telegram", TELEGRAM)
    now = timezone.now()

    def event(key, status, age_days):
        return InboundEvent.objects.create(
            config=config,
            event_key=key,
            payload={"message": {"text": "Nhà tôi bị mất xe"}},
            status=status,
            received_at=now - timedelta(days=age_days),
        )

    event("old-done", EventStatus.DONE, 31)
    event("old-ignored", EventStatus.IGNORED, 45)
    event("old-failed", EventStatus.FAILED, 90)
    event("old-pending", EventStatus.PENDING, 60)
    event("recent-done", EventStatus.DONE, 29)

    assert do_purge_inbound_events(days=0) == 0
    assert do_purge_inbound_events() == 3
    assert sorted(InboundEvent.objects.values_list("event_key", flat=True)) == ["old-pending", "recent-done"]

    output = io.StringIO()
    call_command("channel", "purge-events", "--days", "7", stdout=output)
    assert output.getvalue().strip() == "Deleted 1 processed webhook events."
    assert list(InboundEvent.objects.values_list("event_key", flat=True)) == ["old-pending"]
