"""A generic SMS HTTP gateway: configurable URL, auth header and body template.

The body template is a JSON object whose string values may hold {phone}, {text} and {sender};
values are substituted after parsing, so a message can never break the JSON.
"""

import json
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from channels import http
from channels.base import OutboundMessage, SendResult, TransportError
from channels.models import ChannelConfig
from channels.registry import ChannelType
from channels.text import ELLIPSIS, nfc, sms_size
from people.phones import normalize_phone

DEFAULT_BODY = {"to": "{phone}", "message": "{text}", "from": "{sender}"}
PHONE_FORMATS = [("e164", "+84987654321"), ("84", "84987654321"), ("national", "0987654321")]
PLACEHOLDERS = {"phone", "text", "sender"}


def unaccented(text: str) -> str:
    """Vietnamese without diacritics (Cảnh Giác → Canh Giac): one GSM-7 segment holds 160 characters, not 70."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn"))


def fit_segments(text: str, max_segments: int) -> str:
    if sms_size(text).segments <= max_segments:
        return text
    while text and sms_size(text + ELLIPSIS).segments > max_segments:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def render(template, values: dict[str, str]):
    if isinstance(template, dict):
        return {key: render(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [render(value, values) for value in template]
    if isinstance(template, str):
        return template.format(**values)
    return template


def _lookup(body, dotted: str):
    for part in dotted.split("."):
        if not isinstance(body, dict):
            return None
        body = body.get(part)
    return body


class SmsGatewayType(ChannelType):
    slug = "sms_gateway"
    label = _("SMS")
    text_limit = 1000

    def setting_fields(self):
        return {
            "url": forms.URLField(label=_("Gateway URL")),
            "auth_header": forms.CharField(label=_("Authentication header"), initial="Authorization", required=False),
            "body_template": forms.JSONField(
                label=_("Body template"),
                required=False,
                help_text=_("A JSON object; {phone}, {text} and {sender} in its texts are replaced."),
            ),
            "form_encoded": forms.BooleanField(label=_("Send the body form-encoded instead of JSON"), required=False),
            "phone_format": forms.ChoiceField(
                label=_("Phone format"), choices=PHONE_FORMATS, initial="e164", required=False
            ),
            "sender": forms.CharField(label=_("Sender name"), max_length=11, required=False),
            "message_id_field": forms.CharField(
                label=_("Message id field in the answer"), initial="id", required=False
            ),
            "max_segments": forms.IntegerField(
                label=_("Most segments per message"), min_value=1, initial=3, required=False
            ),
            "unaccented": forms.BooleanField(
                label=_("Send without diacritics (160 characters per segment instead of 70)"), required=False
            ),
        }

    def secret_fields(self):
        return {"auth_value": forms.CharField(label=_("Authentication header value"), required=False)}

    def clean(self, values: dict) -> None:
        template = values.get("body_template") or DEFAULT_BODY
        if not isinstance(template, dict):
            raise ValidationError(_("The body template must be a JSON object."), code="invalid")
        try:
            render(template, dict.fromkeys(PLACEHOLDERS, ""))
        except (KeyError, IndexError, ValueError):
            raise ValidationError(
                _("Only {phone}, {text} and {sender} may be used in the body template."), code="invalid"
            ) from None

    def validate_address(self, address: str) -> str:
        return normalize_phone(address)

    def prepare_sms(self, config: ChannelConfig, text: str) -> str:
        text = nfc(text).strip()
        if config.settings.get("unaccented"):
            text = unaccented(text)
        return fit_segments(text, int(config.settings.get("max_segments") or 3))

    def send(self, config: ChannelConfig | None, message: OutboundMessage) -> SendResult:
        config = self.configured(config)
        text = "\n".join(part for part in [message.subject, message.text, message.url] if part)
        return self.send_text(config, message.address, text, idempotency_key=message.idempotency_key)

    def reply(self, config: ChannelConfig, user_id: str, text: str) -> SendResult:
        return self.send_text(config, user_id, text)

    def send_text(self, config: ChannelConfig, address: str, text: str, *, idempotency_key: str = "") -> SendResult:
        options = config.settings
        phone = self.validate_address(address)
        phone = {"84": phone[1:], "national": "0" + phone[3:]}.get(options.get("phone_format", "e164"), phone)
        body = render(
            options.get("body_template") or DEFAULT_BODY,
            {"phone": phone, "text": self.prepare_sms(config, text), "sender": options.get("sender", "")},
        )
        secret = config.secrets.get("auth_value", "")
        headers = {options.get("auth_header") or "Authorization": secret} if secret else {}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        content = {"data": body} if options.get("form_encoded") else {"json": body}
        response = http.call("sms_gateway", "POST", options["url"], secrets=[secret], headers=headers, **content)
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        refused = isinstance(answer, dict) and (
            answer.get("ok") is False or answer.get("error") not in (None, 0, "", "0", False)
        )
        if response.status_code == 429 or response.status_code >= 500:
            raise TransportError(
                f"sms_gateway: HTTP {response.status_code}",
                code=f"http_{response.status_code}",
                retry_after=http.retry_after_header(response),
            )
        if response.status_code >= 400 or refused:
            detail = json.dumps(answer, ensure_ascii=False)[:200] if answer else ""
            raise TransportError(
                f"sms_gateway: refused (HTTP {response.status_code}) {detail}",
                permanent=True,
                code=f"http_{response.status_code}",
            )
        message_id = _lookup(answer, options.get("message_id_field") or "id") if isinstance(answer, dict) else None
        return SendResult(str(message_id or ""))


TYPE = SmsGatewayType()
