"""The fake Zalo Bot, for the local fake provider server: the Bot API it shares with Telegram
(`channels/fake_botapi.py`) and a resident's message as the Zalo Bot platform posts it."""

import json
import time
import uuid

from channels.fake_botapi import BotApiFake


class ZaloBotFake(BotApiFake):
    base_url_settings = {"ZALO_BOT_API_URL": "/zalo-bot"}

    def simulated_zalo_bot_message(
        self, user_id: str, text: str, *, image_url: str = "", location: tuple | None = None
    ) -> tuple[bytes, dict[str, str], str]:
        now = int(time.time() * 1000)
        payload = {
            "ok": True,
            "result": {
                "event_name": "message.text.received",
                "message": {
                    "from": {"id": user_id, "display_name": "Cư dân thử", "is_bot": False},
                    "chat": {"id": user_id, "chat_type": "PRIVATE"},
                    "text": text,
                    "message_id": uuid.uuid4().hex,
                    "date": now,
                },
            },
        }
        return (
            json.dumps(payload).encode(),
            {"X-Bot-Api-Secret-Token": self.target.bot_secret, "Content-Type": "application/json"},
            "/hooks/zalo_bot/",
        )
