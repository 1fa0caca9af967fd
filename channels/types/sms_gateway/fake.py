"""The fake generic SMS gateway, for the local fake provider server: POST /sms/send.

Like gateways that take an idempotency key, a send repeating an `Idempotency-Key` already accepted
is answered as the first was and sends no second SMS: `sent` holds one entry per SMS that went to
a phone, while `calls("sms")` lists every request (repeats included)."""

import uuid

from channels.fake_server import FakeServer, Received, Scripted


class SmsGatewayFake(FakeServer):
    base_url_settings: dict[str, str] = {}  # the gateway's URL is a setting of each channel

    def setup_sms_gateway(self) -> None:
        self.sent: dict[str, dict] = {}  # idempotency key (or a fresh id) → the accepted request's body

    def sms_gateway_route(self, method: str, path: str, segments: list[str]):
        if path == "/sms/send":
            return "sms", self.sms
        return None

    def sms(self, received: Received, script: Scripted | None):
        if script is not None:
            return (script.error or script.status), (
                script.body if script.body is not None else {"error": script.description or "refused"}
            )
        credential = next((v for k, v in received.headers.items() if k.lower() == "authorization"), "")
        if not self.admit(credential or "sms"):
            return 429, {"error": "rate limit exceeded", "retry_after": 1}
        given = {name.lower(): value for name, value in received.headers.items()}.get("idempotency-key")
        key = given or uuid.uuid4().hex
        with self.lock:
            if key not in self.sent:
                self.sent[key] = {"id": uuid.uuid4().hex[:16], "body": received.json or received.form}
            message_id = self.sent[key]["id"]
        return 200, {"id": message_id, "status": "queued"}
