"""A thin client for the Zalo Bot platform (Telegram-like), per docs/zalo.md."""

from django.conf import settings

from channels.base import TransportError
from channels.botapi import BotApiClient


class ZaloBotClient(BotApiClient):
    provider = "zalo_bot"
    text_limit = 2000

    def __init__(self, token: str, base_url: str | None = None):
        super().__init__(base_url or settings.ZALO_BOT_API_URL, token)

    def get_update(self, timeout: float | None = None) -> dict | None:
        """One pending update, or None when there is none (the platform answers 408)."""
        try:
            result = self.call("getUpdates", {"timeout": 30}, timeout=timeout)
        except TransportError as error:
            if error.code == "408":
                return None
            raise
        if isinstance(result, list):  # tolerate a Telegram-style list
            return result[0] if result else None
        return result or None
