"""A thin client for the Zalo OA Open API v3 (consultation messages, image upload), per docs/zalo.md."""

import json

from django.conf import settings

from channels import http
from channels.base import SendResult, TransportError
from channels.models import ChannelConfig
from channels.text import fit
from channels.timing import after_seconds, next_vietnam_time
from channels.types.zalo_oa import oauth

TOKEN_ERRORS = {-216, -220}
TEXT_LIMIT = 2000


def oa_error(code: int, message: str) -> TransportError:
    """Zalo OA error codes → retry or not (docs/channels.md has the table and the reasons)."""
    text = f"zalo_oa {code}: {message}"
    if code == -32:
        return TransportError(text, code=str(code), retry_after=after_seconds(60))
    if code == -234:
        return TransportError(text, code=str(code), retry_after=next_vietnam_time(6))
    if code in TOKEN_ERRORS:
        return TransportError(text, code=str(code), retry_after=after_seconds(15 * 60))
    if code in {-230, -213, -227}:
        return TransportError(text, code=str(code), address_unreachable=True)
    return TransportError(text, code=str(code), permanent=True)


class ZaloOAClient:
    provider = "zalo_oa"

    def __init__(self, config: ChannelConfig, token_config: ChannelConfig | None = None):
        self.config = config
        self.token_config = token_config or config

    def api_url(self, path: str) -> str:
        return f"{settings.ZALO_OPENAPI_URL.rstrip('/')}/{path.lstrip('/')}"

    def request(self, method: str, url: str, *, error=oa_error, token_errors=TOKEN_ERRORS, **kwargs) -> dict:
        """Call with the access token; on an invalid-token answer refresh once and call again."""
        token = oauth.access_token(self.token_config)
        for attempt in (1, 2):
            response = http.call(self.provider, method, url, secrets=[token], headers={"access_token": token}, **kwargs)
            body = http.json_answer(self.provider, response)
            try:
                code = int(body.get("error") or 0)
            except (TypeError, ValueError):
                code = -1
            if code == 0:
                return body.get("data") or {}
            if code in token_errors and attempt == 1:
                token = oauth.refresh(self.token_config, stale_token=token)
                continue
            raise error(code, str(body.get("message", "")))
        raise AssertionError("unreachable")

    def send_text(self, user_id: str, text: str) -> SendResult:
        data = self.request(
            "POST",
            self.api_url("v3.0/oa/message/cs"),
            json={"recipient": {"user_id": user_id}, "message": {"text": fit(text, TEXT_LIMIT)}},
        )
        return SendResult(str(data.get("message_id", "")))

    def send_image(self, user_id: str, image_url: str, *, text: str = "") -> SendResult:
        message: dict = {
            "attachment": {
                "type": "template",
                "payload": {"template_type": "media", "elements": [{"media_type": "image", "url": image_url}]},
            }
        }
        if text:
            message["text"] = fit(text, TEXT_LIMIT)
        data = self.request(
            "POST", self.api_url("v3.0/oa/message/cs"), json={"recipient": {"user_id": user_id}, "message": message}
        )
        return SendResult(str(data.get("message_id", "")))

    def upload_image(self, content: bytes, filename: str, content_type: str = "image/jpeg") -> str:
        data = self.request(
            "POST", self.api_url("v2.0/oa/upload/image"), files={"file": (filename, content, content_type)}
        )
        return str(data.get("attachment_id", ""))

    def get(self, path: str, data: dict) -> dict:
        """GET calls take one JSON-encoded query parameter `data`."""
        return self.request("GET", self.api_url(path), params={"data": json.dumps(data)})
