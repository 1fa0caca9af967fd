"""The fake Zalo OAuth v4 and Official Account API (docs/zalo.md), for the local fake provider server
(`channels/fake_providers.py`): token grants and refreshes, consultation messages, image upload,
signed webhook events ("seen", ZNS receipts) and residents' messages."""

import base64
import hashlib
import json
import threading
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import httpx

from channels.fake_server import FakeServer, Received, Scripted


class ZaloOAFake(FakeServer):
    base_url_settings = {"ZALO_OAUTH_URL": "/oauth", "ZALO_OPENAPI_URL": "/openapi"}

    def setup_zalo_oa(self, refresh_tokens: tuple[str, ...]) -> None:
        self.live_refresh_tokens: set[str] = set(refresh_tokens)
        self.issued_access_tokens: set[str] = set()
        self.expired_access_tokens: set[str] = set()
        self.refresh_delay = 0.0
        self.authorization_codes: dict[str, str] = {}  # code → PKCE code_challenge
        # When set, each OA message is "seen" and each ZNS message "received" this many seconds later:
        # the fake posts the signed event to the app's webhook, as Zalo would (the demo's reach figures).
        self.seen_after: float | None = None

    def zalo_oa_route(self, method: str, path: str, segments: list[str]):
        if path == "/oauth/v4/oa/access_token":
            return "oauth", self.oauth
        if path == "/oauth/v4/oa/permission":
            return "oauth.permission", self.oauth_permission
        if path in ("/openapi/v3.0/oa/message/cs", "/openapi/v3.0/oa/message/template"):
            return "oa.message", self.oa_message
        if path == "/openapi/v2.0/oa/upload/image":
            return "oa.upload", self.oa_upload
        return None

    def issue_tokens(self) -> tuple[str, str]:
        access, refresh = f"access-{uuid.uuid4().hex}", f"refresh-{uuid.uuid4().hex}"
        with self.lock:
            self.issued_access_tokens.add(access)
            self.live_refresh_tokens.add(refresh)
        return access, refresh

    @staticmethod
    def zalo_error(script: Scripted | None):
        if script is None:
            return None
        if script.body is not None:
            return script.status, script.body
        return script.status, {"error": script.error, "message": script.description or f"fake error {script.error}"}

    def oauth(self, received: Received, script: Scripted | None):
        if scripted := self.zalo_error(script):
            return scripted
        if not received.headers.get("secret_key"):
            return 200, {"error": -14002, "error_name": "Invalid secret key"}
        if received.form.get("grant_type") == "authorization_code":
            return self.oauth_code(received)
        token = received.form.get("refresh_token", "")
        with self.lock:
            live = token in self.live_refresh_tokens
            self.live_refresh_tokens.discard(token)
        time.sleep(self.refresh_delay)  # widens the window in which a second worker could race
        if received.form.get("grant_type") != "refresh_token" or not live:
            # Uncertain: the exact error Zalo returns for a used refresh token is not documented.
            return 200, {
                "error": -14014,
                "error_name": "Invalid refresh token",
                "error_reason": "Invalid refresh token",
            }
        access, refresh = self.issue_tokens()
        return 200, {"access_token": access, "refresh_token": refresh, "expires_in": "90000"}

    def oauth_permission(self, received: Received, script: Scripted | None):
        """The page where the OA admin grants the app access: here it grants at once and sends the
        browser back to `redirect_uri` with a one-time code bound to the PKCE challenge."""
        params = received.form
        if not params.get("app_id") or not params.get("redirect_uri") or not params.get("code_challenge"):
            return 400, {"error": -14003, "error_name": "Invalid parameter"}
        code = f"code-{uuid.uuid4().hex}"
        with self.lock:
            self.authorization_codes[code] = params["code_challenge"]
        query = urlencode({"code": code, "oa_id": "oa-1", "state": params.get("state", "")})
        separator = "&" if "?" in params["redirect_uri"] else "?"
        return 302, {"location": f"{params['redirect_uri']}{separator}{query}"}

    def oauth_code(self, received: Received):
        verifier = received.form.get("code_verifier", "")
        with self.lock:
            challenge = self.authorization_codes.pop(received.form.get("code", ""), None)
        expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge is None or challenge != expected:
            return 200, {"error": -14019, "error_name": "Invalid authorization code or code verifier"}
        access, refresh = self.issue_tokens()
        return 200, {"access_token": access, "refresh_token": refresh, "expires_in": "90000"}

    def access_error(self, received: Received, invalid_code: int):
        token = received.headers.get("access_token", "")
        with self.lock:
            bad = not token or token in self.expired_access_tokens
        if bad:
            return 200, {"error": invalid_code, "message": "Access token is invalid"}
        return None

    def rate_refusal(self, received: Received):
        """Zalo's answer to a call above the OA's rate limit (error -32), counted per access token."""
        if self.admit(received.headers.get("access_token", "")):
            return None
        received.refused_for_rate = True
        return 200, {"error": -32, "message": "The application has exceeded the rate limit"}

    def oa_message(self, received: Received, script: Scripted | None):
        if scripted := self.zalo_error(script):
            return scripted
        if refused := self.access_error(received, -216):
            return refused
        if refused := self.rate_refusal(received):
            return refused
        user_id = ((received.json or {}).get("recipient") or {}).get("user_id", "")
        message_id = uuid.uuid4().hex
        if self.seen_after is not None:
            self.later(
                self.seen_after,
                "user_seen_message",
                {"recipient": {"id": user_id}, "message": {"msg_ids": [message_id]}},
            )
        return 200, {"error": 0, "message": "Success", "data": {"message_id": message_id, "user_id": user_id}}

    def oa_upload(self, received: Received, script: Scripted | None):
        if scripted := self.zalo_error(script):
            return scripted
        if refused := self.access_error(received, -216):
            return refused
        if "file" not in received.files:
            return 200, {"error": -201, "message": "file is missing"}
        return 200, {"error": 0, "message": "Success", "data": {"attachment_id": uuid.uuid4().hex}}

    def later(self, delay: float, event_name: str, fields: dict, *, zns: bool = False) -> None:
        threading.Timer(delay, self.post_zalo_event, args=(event_name, fields), kwargs={"zns": zns}).start()

    def zalo_headers(self, raw: bytes, timestamp: str) -> dict[str, str]:
        """Signed as docs/zalo.md says Zalo signs: SHA-256 of app_id + raw body + timestamp + secret, as hex.

        Written here from the contract, not taken from the app, so the tests check the app against it."""
        target = self.target
        mac = hashlib.sha256(
            target.zalo_app_id.encode() + raw + timestamp.encode() + target.zalo_signature_secret.encode()
        ).hexdigest()
        return {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}

    def post_zalo_event(self, event_name: str, fields: dict, *, zns: bool = False) -> int | None:
        """Post a signed Zalo OA/ZNS event to the app's webhook; its HTTP status, or None if unreachable."""
        now = str(int(time.time() * 1000))
        payload = {
            "app_id": self.target.zalo_app_id,
            "event_name": event_name,
            "sender": {"id": "oa-1"},
            "timestamp": now,
        }
        raw = json.dumps({**payload, **fields}, ensure_ascii=False).encode()
        headers = self.zalo_headers(raw, now)
        if zns:
            headers["X-ZEvent-Server"] = "ZNS"
        try:
            response = httpx.post(
                f"{self.target.app_url.rstrip('/')}/hooks/zalo_oa/", content=raw, headers=headers, timeout=10
            )
        except httpx.HTTPError:
            return None
        return response.status_code

    def simulated_zalo_oa_message(
        self, user_id: str, text: str, *, image_url: str = "", location: tuple | None = None
    ) -> tuple[bytes, dict[str, str], str]:
        """A resident's message to the OA; it may carry an image URL or a location."""
        now = int(time.time() * 1000)
        message: dict[str, Any] = {"msg_id": uuid.uuid4().hex, "text": text}
        event_name = "user_send_text"
        if image_url:
            event_name = "user_send_image"
            message["attachments"] = [{"type": "image", "payload": {"url": image_url}}]
        if location:
            event_name = "user_send_location"
            coordinates = {"latitude": str(location[0]), "longitude": str(location[1])}
            message["attachments"] = [{"type": "location", "payload": {"coordinates": coordinates}}]
        payload = {
            "app_id": self.target.zalo_app_id,
            "user_id_by_app": user_id,
            "event_name": event_name,
            "sender": {"id": user_id},
            "recipient": {"id": "oa-1"},
            "message": message,
            "timestamp": str(now),
        }
        raw = json.dumps(payload, ensure_ascii=False).encode()
        return raw, self.zalo_headers(raw, str(now)), "/hooks/zalo_oa/"
