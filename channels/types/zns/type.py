"""ZNS: template messages by phone number; its delivery receipts arrive at /hooks/zalo_oa/."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from channels.base import OutboundMessage, ParsedWebhook, SendResult
from channels.models import ChannelConfig
from channels.registry import ChannelType
from channels.text import fit
from channels.types.zalo_oa import events
from channels.types.zalo_oa.type import SIGNATURE_SECRETS
from channels.types.zns.client import ZNSClient, token_config, zalo_phone
from people.phones import normalize_phone

DEFAULT_TEMPLATE_DATA = {"title": "{subject}", "content": "{text}", "url": "{url}", "code": "{reference}"}
PLACEHOLDERS = {"subject", "text", "url", "reference"}
# Template parameters are short; ZNS rejects long values (the exact limit depends on the template).
PARAMETER_LIMIT = 400


class ZNSType(ChannelType):
    slug = "zns"
    label = "Zalo ZNS"
    receipts_cover = frozenset({"zalo_oa"})
    webhook_path = "zalo_oa"  # receipts arrive with the OA events of the same Zalo app
    rate_per_minute = 1000
    quiet_hours = (22, 6)

    def setting_fields(self):
        return {
            "app_id": forms.CharField(label=_("App ID"), max_length=40),
            "template_id": forms.CharField(label=_("Template ID"), max_length=40),
            "template_data": forms.JSONField(
                label=_("Template parameters"),
                required=False,
                help_text=_("Template parameter → value, where {subject}, {text}, {url} and {reference} are replaced."),
            ),
            "development": forms.BooleanField(
                label=_("Development mode (sends only to the app's admins)"), required=False
            ),
            "signature_secret": forms.ChoiceField(
                label=_("Webhook signature secret"), choices=SIGNATURE_SECRETS, initial="oa_secret_key", required=False
            ),
        }

    def secret_fields(self):
        return {
            "app_secret": forms.CharField(label=_("App secret"), required=False),
            "oa_secret_key": forms.CharField(label=_("OA secret key"), required=False),
            "refresh_token": forms.CharField(
                label=_("Refresh token"),
                required=False,
                help_text=_("Leave empty to use the tokens of the Zalo OA channel of the same app."),
            ),
            "access_token": forms.CharField(label=_("Access token"), required=False),
        }

    def clean(self, values: dict) -> None:
        template_data = values.get("template_data") or DEFAULT_TEMPLATE_DATA
        if not isinstance(template_data, dict) or not all(isinstance(v, str) for v in template_data.values()):
            raise ValidationError(_("Template parameters must map names to texts."), code="invalid")
        for value in template_data.values():
            try:
                value.format(**dict.fromkeys(PLACEHOLDERS, ""))
            except (KeyError, IndexError, ValueError):
                raise ValidationError(
                    _("Only {subject}, {text}, {url} and {reference} may be used in template parameters."),
                    code="invalid",
                ) from None

    def validate_address(self, address: str) -> str:
        return zalo_phone(normalize_phone(address))

    def template_data(self, config: ChannelConfig, message: OutboundMessage) -> dict[str, str]:
        values = {
            "subject": message.subject,
            "text": message.text,
            "url": message.url,
            "reference": message.reference,
        }
        template = config.settings.get("template_data") or DEFAULT_TEMPLATE_DATA
        return {name: fit(value.format(**values), PARAMETER_LIMIT) for name, value in template.items()}

    def send(self, config: ChannelConfig | None, message: OutboundMessage) -> SendResult:
        config = self.configured(config)
        client = ZNSClient(config, token_config(config))
        return client.send_template(
            self.validate_address(message.address),
            config.settings["template_id"],
            self.template_data(config, message),
            tracking_id=message.reference,
            development=bool(config.settings.get("development")),
        )

    def parse(self, payload: dict) -> ParsedWebhook:
        return events.parse(self.slug, payload)


TYPE = ZNSType()
