"""The demo's messaging channels, pointed at `manage.py fake_providers` (docs/channels.md, "Demo").

Cầu Khởi gets a Zalo OA, a Telegram bot and an SMS gateway with the fake's demo credentials;
the demo resident's Zalo account, the group leader's Telegram account and both accounts of the
officer on duty are linked, so their bulletins, answers and duty alerts go out through the fake
and show in the terminal `make demo` runs in (and at /_fake/received).
"""

from channels.actions import check_add_channel, check_link_identity, do_create_link_code
from channels.fake_providers import WebhookTarget
from channels.models import ChannelConfig, ChannelIdentity
from people.models import Person
from places.models import Unit

FAKE_PROVIDERS_URL = "http://127.0.0.1:8025"
DEMO_REFRESH_TOKEN = "demo-refresh-token"
ZALO_USERS = {"resident": "7001", "duty": "7005"}
TELEGRAM_USERS = {"leader": "7003", "duty": "7006"}


def zalo_oa_values() -> dict[str, str]:
    target = WebhookTarget()
    return {
        "app_id": target.zalo_app_id,
        "oa_id": "oa-1",
        "app_secret": "demo-app-secret",
        "oa_secret_key": target.zalo_signature_secret,
        "refresh_token": DEMO_REFRESH_TOKEN,
    }


def seed_channels(commune: Unit, phones: dict[str, str]) -> None:
    target = WebhookTarget()
    zalo = check_add_channel(None, commune, "zalo_oa", zalo_oa_values())
    telegram = check_add_channel(
        None,
        commune,
        "telegram",
        {"bot_token": "123:demo", "webhook_secret": target.bot_secret, "bot_username": "canhgiac_demo_bot"},
    )
    check_add_channel(
        None,
        commune,
        "sms_gateway",
        {
            "url": f"{FAKE_PROVIDERS_URL}/sms/send",
            "auth_header": "X-Api-Key",
            "auth_value": "demo",
            "phone_format": "84",
        },
    )
    for config, users in ((zalo, ZALO_USERS), (telegram, TELEGRAM_USERS)):
        for key, user_id in users.items():
            person = Person.objects.get(phone=phones[key])
            identity = ChannelIdentity.objects.create(
                config=config, provider_user_id=user_id, display_name=person.full_name
            )
            check_link_identity(identity, do_create_link_code(person)[3:])


def reset_demo_tokens(commune: Unit) -> None:
    """A fake started afresh knows only the demo refresh token: hand the OA that one again.

    Zalo's refresh tokens are single-use, so the pair a previous demo run refreshed to is unknown
    to a new fake; `seed_demo` calls this on every run."""
    config = ChannelConfig.objects.filter(unit=commune, slug="zalo_oa").first()
    if config is None:
        return
    secrets = config.secrets
    secrets.pop("access_token", None)
    secrets.pop("access_token_expires_at", None)
    secrets["refresh_token"] = DEMO_REFRESH_TOKEN
    config.secrets = secrets
    config.save(update_fields=["secrets_encrypted", "updated_at"])
