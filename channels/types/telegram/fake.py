"""The fake Telegram, for the local fake provider server: the Bot API it shares with the Zalo Bot
(`channels/fake_botapi.py`) and a resident's message (which may carry a location) as Telegram posts it."""

import json
import time

from channels.fake_botapi import BotApiFake


class TelegramFake(BotApiFake):
    base_url_settings = {"TELEGRAM_API_URL": "/telegram"}

    def simulated_telegram_message(
        self, user_id: str, text: str, *, image_url: str = "", location: tuple | None = None
    ) -> tuple[bytes, dict[str, str], str]:
        now = int(time.time() * 1000)
        payload = {
            "update_id": now,
            "message": {
                "message_id": now % 10**9,
                "date": now // 1000,
                **({"location": {"latitude": location[0], "longitude": location[1]}} if location else {}),
                "text": text,
                "from": {"id": int(user_id), "is_bot": False, "first_name": "Cư dân"},
                "chat": {"id": int(user_id), "type": "private"},
            },
        }
        return (
            json.dumps(payload).encode(),
            {"X-Telegram-Bot-Api-Secret-Token": self.target.bot_secret, "Content-Type": "application/json"},
            "/hooks/telegram/",
        )
