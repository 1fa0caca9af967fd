"""The fake ZNS API (template messages by phone number), for the local fake provider server.
Its receipts are signed Zalo events posted to the OA's webhook, as Zalo does."""

import time
import uuid

from channels.fake_server import Received, Scripted
from channels.types.zalo_oa.fake import ZaloOAFake


class ZnsFake(ZaloOAFake):
    base_url_settings = {"ZALO_ZNS_URL": "/zns"}

    def zns_route(self, method: str, path: str, segments: list[str]):
        if path == "/zns/message/template":
            return "zns.template", self.zns_template
        return None

    def zns_template(self, received: Received, script: Scripted | None):
        if scripted := self.zalo_error(script):
            return scripted
        if refused := self.access_error(received, -124):
            return refused
        if refused := self.rate_refusal(received):
            return refused
        body = received.json or {}
        if not str(body.get("phone", "")).startswith("84"):
            return 200, {"error": -108, "message": "Phone number is invalid"}
        msg_id = uuid.uuid4().hex
        if self.seen_after is not None:
            receipt = {
                "recipient": {"id": body["phone"]},
                "message": {
                    "msg_id": msg_id,
                    "delivery_time": str(int(time.time() * 1000)),
                    "tracking_id": body.get("tracking_id", ""),
                },
            }
            self.later(self.seen_after, "user_received_message", receipt, zns=True)
        return 200, {
            "error": 0,
            "message": "Success",
            "data": {
                "msg_id": msg_id,
                "sent_time": str(int(time.time() * 1000)),
                "quota": {"dailyQuota": "5000", "remainingQuota": "4999"},
            },
        }
