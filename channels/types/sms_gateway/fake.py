"""The fake generic SMS gateway, for the local fake provider server: POST /sms/send."""

import uuid

from channels.fake_server import FakeServer, Received, Scripted


class SmsGatewayFake(FakeServer):
    base_url_settings: dict[str, str] = {}  # the gateway's URL is a setting of each channel

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
        return 200, {"id": uuid.uuid4().hex[:16], "status": "queued"}
