"""A local HTTP server speaking the provider contracts of docs/zalo.md: Zalo OAuth v4, OA, ZNS, Zalo Bot,
Telegram, a generic SMS gateway and a Web Push service. It records every request and can be told how to answer.

Each type's fake lives in its folder (`channels/types/<slug>/fake.py`); this module composes them
over the shared plumbing of `channels/fake_server.py` (HTTP, recording, scripted answers and the
`/_fake/…` control endpoints listed there). Tests start it on a free port (channels/conftest.py);
`manage.py fake_providers` runs it for the demo (docs/channels.md). Nothing here is imported by
production code.
"""

from channels.fake_server import Received, Scripted, WebhookTarget
from channels.registry import normalize_slug
from channels.types.sms_gateway.fake import SmsGatewayFake
from channels.types.telegram.fake import TelegramFake
from channels.types.webpush.fake import WebPushFake
from channels.types.zalo_bot.fake import ZaloBotFake
from channels.types.zalo_oa.fake import ZaloOAFake
from channels.types.zns.fake import ZnsFake

FAKES = (ZaloOAFake, ZnsFake, ZaloBotFake, TelegramFake, SmsGatewayFake, WebPushFake)


def base_urls(url: str) -> dict[str, str]:
    """The settings (environment variables) that point every client at a fake served at `url`."""
    return {name: f"{url}{path}" for fake in FAKES for name, path in fake.base_url_settings.items()}


class FakeProviders(ZnsFake, ZaloOAFake, ZaloBotFake, TelegramFake, SmsGatewayFake, WebPushFake):
    def __init__(self, *, refresh_tokens: tuple[str, ...] = (), target: WebhookTarget | None = None):
        super().__init__(target=target)
        self.setup_zalo_oa(refresh_tokens)
        self.setup_bot_api()
        self.setup_webpush()
        self.setup_sms_gateway()

    def base_urls(self) -> dict[str, str]:
        """The settings that point every client at this server."""
        return base_urls(self.url)

    def reset(self) -> None:
        super().reset()
        with self.lock:
            self.bot_updates.clear()
            self.sent.clear()

    def route_for(self, method: str, path: str, segments: list[str]):
        return (
            self.zalo_oa_route(method, path, segments)
            or self.zns_route(method, path, segments)
            or self.bot_api_route(method, path, segments)
            or self.sms_gateway_route(method, path, segments)
            or self.webpush_route(method, path, segments)
        )

    def simulated_message(
        self, channel: str, user_id: str, text: str, *, image_url: str = "", location: tuple | None = None
    ) -> tuple[bytes, dict[str, str], str]:
        """A resident's message as the provider would post it (Zalo OA unless another chat is named)."""
        simulate = getattr(self, f"simulated_{normalize_slug(channel)}_message", self.simulated_zalo_oa_message)
        return simulate(user_id, text, image_url=image_url, location=location)


__all__ = ["FakeProviders", "Received", "Scripted", "WebhookTarget", "base_urls"]
