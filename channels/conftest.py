"""Fixtures for the channel tests: the local fake providers and channels configured against it."""

import pytest

from channels.actions import check_add_channel
from channels.base import OutboundMessage
from channels.fake_providers import FakeProviders, WebhookTarget

ZALO_APP_ID = "1234567890"
OA_SECRET = "oa-secret-key"
BOT_SECRET = "bot-webhook-secret"


def Message(address: str, text: str, **fields) -> OutboundMessage:
    """An OutboundMessage as the delivery engine builds it, with only what a test cares about."""
    defaults = {"recipient_name": "", "subject": "", "html": "", "url": "", "urgent": False}
    return OutboundMessage(address=address, text=text, **{**defaults, **fields})


@pytest.fixture
def fake(settings):
    providers = FakeProviders(
        target=WebhookTarget(zalo_app_id=ZALO_APP_ID, zalo_signature_secret=OA_SECRET, bot_secret=BOT_SECRET)
    )
    providers.start()
    for name, value in providers.base_urls().items():
        setattr(settings, name, value)
    settings.CHANNELS_HTTP_TIMEOUT_SECONDS = 2
    yield providers
    providers.stop()


def add_zalo_oa(fake, unit, **values):
    access, refresh = fake.issue_tokens()
    defaults = {
        "app_id": ZALO_APP_ID,
        "app_secret": "app-secret",
        "oa_secret_key": OA_SECRET,
        "refresh_token": refresh,
        "access_token": access,
    }
    return check_add_channel(None, unit, "zalo_oa", {**defaults, **values})


def add_bot(unit, slug, **values):
    return check_add_channel(None, unit, slug, {"bot_token": "123:bot-token", "webhook_secret": BOT_SECRET, **values})


@pytest.fixture
def zalo_oa(fake, world):
    return add_zalo_oa(fake, world.commune)


@pytest.fixture
def zalo_bot(fake, world):
    return add_bot(world.commune, "zalo_bot")


@pytest.fixture
def telegram(fake, world):
    return add_bot(world.commune, "telegram")
