"""Zalo Official Account: consultation messages to followers, OA and ZNS webhooks at /hooks/zalo_oa/."""

from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from channels.base import OutboundMessage, ParsedWebhook, SendResult
from channels.models import ChannelConfig
from channels.registry import ChannelType
from channels.types.zalo_oa import events
from channels.types.zalo_oa.client import ZaloOAClient

SIGNATURE_SECRETS = [("oa_secret_key", _("OA secret key")), ("app_secret", _("App secret"))]


class ZaloOAType(ChannelType):
    slug = "zalo_oa"
    label = "Zalo OA"
    address_is_linked_account = True
    receipts_cover = frozenset({"zns"})
    zalo_oauth = True
    webhook_path = "zalo_oa"
    text_limit = 2000
    rate_per_minute = 1000
    reply_window = timedelta(days=7)  # consultation messages need an interaction within 7 days

    def setting_fields(self):
        return {
            "app_id": forms.CharField(label=_("App ID"), max_length=40),
            "oa_id": forms.CharField(label=_("OA ID"), max_length=40, required=False),
            "signature_secret": forms.ChoiceField(
                label=_("Webhook signature secret"),
                choices=SIGNATURE_SECRETS,
                initial="oa_secret_key",
                required=False,
                help_text=_("Which secret Zalo uses to sign webhook events (uncertain in Zalo's documentation)."),
            ),
        }

    def secret_fields(self):
        return {
            "app_secret": forms.CharField(label=_("App secret"), required=False),
            "oa_secret_key": forms.CharField(label=_("OA secret key"), required=False),
            "refresh_token": forms.CharField(label=_("Refresh token"), required=False),
            "access_token": forms.CharField(label=_("Access token"), required=False),
        }

    def clean(self, values: dict) -> None:
        if not values.get("app_secret"):
            raise ValidationError(_("The app secret is required."), code="required")
        # Tokens may be pasted in here or come later from "Authorise with Zalo" in the admin.
        if not values.get(values.get("signature_secret") or "oa_secret_key"):
            raise ValidationError(_("The secret chosen for webhook signatures is missing."), code="required")

    def validate_address(self, address: str) -> str:
        address = (address or "").strip()
        if not address.isdigit():
            raise ValidationError(_("A Zalo user id is made of digits."), code="invalid")
        return address

    def send(self, config: ChannelConfig | None, message: OutboundMessage) -> SendResult:
        config = self.configured(config)
        return ZaloOAClient(config).send_text(self.validate_address(message.address), self.prepare_text(message))

    def reply(self, config: ChannelConfig, user_id: str, text: str) -> SendResult:
        return ZaloOAClient(config).send_text(user_id, text)

    def find_configs(self, request: HttpRequest, payload: dict) -> list[ChannelConfig]:
        """OA and ZNS events of one Zalo app share this URL; the app id in the body says whose they are."""
        app_id = str(payload.get("app_id", ""))
        if not app_id:
            return []
        configs = list(
            ChannelConfig.objects.filter(Q(slug="zalo_oa") | Q(slug="zns"), enabled=True, settings__app_id=app_id)
        )
        from_zns = request.headers.get("X-ZEvent-Server", "").upper() == "ZNS" or (
            payload.get("event_name") == "user_received_message"
        )
        return sorted(configs, key=lambda config: (config.slug == "zns") != from_zns)

    def verify(self, request: HttpRequest, config: ChannelConfig, payload: dict) -> bool:
        secrets = config.secrets
        secret = secrets.get(config.settings.get("signature_secret") or "oa_secret_key", "")
        return events.signature_is_valid(
            request.headers.get(events.SIGNATURE_HEADER, ""),
            str(payload.get("app_id", "")),
            request.body,
            str(payload.get("timestamp", "")),
            secret,
        )

    def parse(self, payload: dict) -> ParsedWebhook:
        return events.parse(self.slug, payload)

    def signed_at(self, payload: dict) -> datetime:
        """Zalo signs the event's `timestamp` (milliseconds) with the body; without one it is as old as can be."""
        return events.signed_moment(payload.get("timestamp"))


TYPE = ZaloOAType()
