"""A thin client for ZNS (Zalo Notification Service): template messages by phone number, per docs/zalo.md."""

from django.conf import settings

from channels.base import SendResult, TransportError
from channels.models import ChannelConfig
from channels.timing import after_seconds, next_vietnam_time
from channels.types.zalo_oa.client import ZaloOAClient

TOKEN_ERRORS = {-124, -216, -220}
# The recipient cannot get ZNS on this number: fall back to another channel.
ADDRESS_ERRORS = {-108, -114, -118, -139, -141}
# The template or its data is wrong: no retry will help until someone fixes the channel.
CONFIGURATION_ERRORS = {-109, -111, -131}


def zns_error(code: int, message: str) -> TransportError:
    text = f"zns {code}: {message}"
    if code == -133:  # night hours 22:00–06:00
        return TransportError(text, code=str(code), retry_after=next_vietnam_time(6))
    if code == -144:  # daily quota exceeded
        return TransportError(text, code=str(code), retry_after=next_vietnam_time(0))
    if code == -115:  # out of quota or balance: someone must top up
        return TransportError(text, code=str(code), retry_after=after_seconds(60 * 60))
    if code == -32:
        return TransportError(text, code=str(code), retry_after=after_seconds(60))
    if code in TOKEN_ERRORS:
        return TransportError(text, code=str(code), retry_after=after_seconds(15 * 60))
    if code in ADDRESS_ERRORS:
        return TransportError(text, code=str(code), address_unreachable=True)
    return TransportError(text, code=str(code), permanent=True)


def zalo_phone(e164_or_local: str) -> str:
    """ZNS wants 84xxxxxxxxx: no plus, no leading zero."""
    digits = "".join(ch for ch in e164_or_local if ch.isdigit())
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    return digits


class ZNSClient(ZaloOAClient):
    provider = "zns"

    def send_template(
        self, phone: str, template_id: str, template_data: dict, *, tracking_id: str = "", development: bool = False
    ) -> SendResult:
        body: dict = {"phone": zalo_phone(phone), "template_id": template_id, "template_data": template_data}
        if tracking_id:
            body["tracking_id"] = tracking_id[:48]
        if development:
            body["mode"] = "development"
        data = self.request(
            "POST",
            f"{settings.ZALO_ZNS_URL.rstrip('/')}/message/template",
            json=body,
            error=zns_error,
            token_errors=TOKEN_ERRORS,
        )
        return SendResult(str(data.get("msg_id", "")))


def token_config(config: ChannelConfig) -> ChannelConfig:
    """ZNS uses the OA's access token: a ZNS channel without its own tokens borrows its app's OA channel."""
    secrets = config.secrets
    if secrets.get("refresh_token") or secrets.get("access_token"):
        return config
    owner = (
        ChannelConfig.objects.filter(slug="zalo_oa", settings__app_id=config.settings.get("app_id", ""))
        .order_by("pk")
        .first()
    )
    if owner is None:
        raise TransportError("zns: no tokens and no Zalo OA channel of the same app", permanent=True, code="no_token")
    return owner
