"""The fake Telegram-shaped Bot API that Telegram and the Zalo Bot share (as `channels/botapi.py`
is shared by their clients), for the local fake provider server."""

import time
import uuid
from collections import deque

from channels.fake_server import FakeServer, Received, Scripted


class BotApiFake(FakeServer):
    def setup_bot_api(self) -> None:
        self.bot_updates: deque[dict] = deque()

    def bot_api_route(self, method: str, path: str, segments: list[str]):
        if len(segments) == 3 and segments[0] in ("zalo-bot", "telegram") and segments[1].startswith("bot"):
            provider = segments[0].replace("-", "_")
            return f"{provider}.{segments[2]}", self.bot_method
        return None

    def bot_method(self, received: Received, script: Scripted | None):
        if script is not None:
            if script.body is not None:
                return script.status, script.body
            status = script.error if script.error and script.error >= 400 else script.status
            return status, {"ok": False, "error_code": script.error, "description": script.description or "fake error"}
        token = received.path.split("/")[2][3:]
        if not token or token == "invalid":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = received.route.split(".", 1)[1]
        body = received.json if isinstance(received.json, dict) else {}
        if method in ("sendMessage", "sendPhoto") and not self.admit(token):
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
        if method in ("sendMessage", "sendPhoto"):
            return 200, {
                "ok": True,
                "result": {
                    "message_id": uuid.uuid4().hex[:12],
                    "chat": {"id": body.get("chat_id")},
                    "date": int(time.time()),
                },
            }
        if method == "getUpdates":
            with self.lock:
                update = self.bot_updates.popleft() if self.bot_updates else None
            if update is None:
                return 408, {"ok": False, "error_code": 408, "description": "Request timeout"}
            return 200, {"ok": True, "result": update}
        if method in ("setWebhook", "deleteWebhook", "sendChatAction"):
            return 200, {"ok": True, "result": True}
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": "bot-1", "account_name": "canhgiac_demo", "is_bot": True}}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
