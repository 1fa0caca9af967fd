"""A thin client for the Telegram Bot API."""

from django.conf import settings

from channels.botapi import BotApiClient


class TelegramClient(BotApiClient):
    provider = "telegram"
    text_limit = 4096

    def __init__(self, token: str, base_url: str | None = None):
        super().__init__(base_url or settings.TELEGRAM_API_URL, token)
