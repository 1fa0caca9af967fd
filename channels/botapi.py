"""The Telegram-shaped Bot API spoken by Telegram and, with small differences, the Zalo Bot platform.

`POST <base>/bot<TOKEN>/<method>` with a JSON body; answers `{"ok", "result", "error_code",
"description"}`. The token is part of the URL, so it is passed to the HTTP wrapper as a secret
to keep it out of the logs.
"""

import hmac
import logging
from datetime import timedelta

from django.utils import timezone

from channels import http
from channels.base import SendResult, TransportError
from channels.text import fit

logger = logging.getLogger(__name__)
NOT_REACHABLE = ("chat not found", "blocked", "user is deactivated", "not found", "kicked")


def secret_token_matches(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


class BotApiClient:
    provider = "bot"
    text_limit = 4096

    def __init__(self, base_url: str, token: str):
        self.base_url = base_url.rstrip("/")
        self.token = token

    def bot_error(self, status: int, body: dict) -> TransportError:
        code = int(body.get("error_code") or status or 0)
        description = str(body.get("description", ""))
        text = f"{self.provider} {code}: {description}"
        if code == 429:
            seconds = int((body.get("parameters") or {}).get("retry_after") or 30)
            return TransportError(text, code=str(code), retry_after=timezone.now() + timedelta(seconds=seconds))
        if code >= 500 or code == 408:
            return TransportError(text, code=str(code))
        if code == 403 or (code == 400 and any(marker in description.lower() for marker in NOT_REACHABLE)):
            return TransportError(text, code=str(code), address_unreachable=True)
        return TransportError(text, code=str(code), permanent=True)

    def call(self, method: str, payload: dict | None = None, *, timeout: float | None = None):
        response = http.call(
            self.provider,
            "POST",
            f"{self.base_url}/bot{self.token}/{method}",
            secrets=[self.token],
            json=payload or {},
            timeout=timeout,
        )
        body = http.json_answer(self.provider, response)
        if body.get("ok") is True:
            return body.get("result")
        raise self.bot_error(response.status_code, body)

    def send_message(self, chat_id: str, text: str) -> SendResult:
        result = self.call("sendMessage", {"chat_id": chat_id, "text": fit(text, self.text_limit)})
        return SendResult(str((result or {}).get("message_id", "")))

    def send_photo(self, chat_id: str, photo: str, caption: str = "") -> SendResult:
        payload = {"chat_id": chat_id, "photo": photo}
        if caption:
            payload["caption"] = fit(caption, self.text_limit)
        result = self.call("sendPhoto", payload)
        return SendResult(str((result or {}).get("message_id", "")))

    def set_webhook(self, url: str, secret_token: str) -> None:
        self.call("setWebhook", {"url": url, "secret_token": secret_token})

    def delete_webhook(self) -> None:
        self.call("deleteWebhook")

    def get_me(self) -> dict:
        return self.call("getMe") or {}
