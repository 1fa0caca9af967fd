from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from channels.actions import check_channel_values, do_save_channel, webhook_url
from channels.models import ChannelConfig, ChannelIdentity, InboundEvent
from channels.registry import channel_types


def parse_secret_lines(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        if line.strip():
            name, separator, value = line.partition("=")
            if not separator:
                raise ValidationError(_("Write one credential per line as name=value."), code="invalid")
            values[name.strip()] = value.strip()
    return values


class ChannelConfigForm(forms.ModelForm):
    slug = forms.ChoiceField(label=_("channel type"))
    new_secrets = forms.CharField(
        label=_("Change credentials"),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
        required=False,
        help_text=_("One name=value per line; only the credentials written here change. Stored encrypted."),
    )

    class Meta:
        model = ChannelConfig
        fields = ["unit", "slug", "enabled", "settings"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].choices = [(slug, channel_type.label) for slug, channel_type in channel_types().items()]
        self.channel_secrets: dict[str, str] = {}

    def clean(self):
        cleaned = super().clean()
        slug = cleaned.get("slug")
        if not slug:
            return cleaned
        secrets = self.instance.secrets if self.instance.pk and self.instance.slug == slug else {}
        secrets.update(parse_secret_lines(cleaned.get("new_secrets") or ""))
        settings_values = cleaned.get("settings") or {}
        if not isinstance(settings_values, dict):
            raise ValidationError({"settings": _("Settings must be a JSON object.")})
        # Tokens a refresh wrote stay as they are unless replaced here.
        known = set(channel_types()[slug].secret_fields())
        cleaned["settings"], self.channel_secrets = check_channel_values(
            slug, {**settings_values, **{k: v for k, v in secrets.items() if k in known}}
        )
        self.channel_secrets.update({k: v for k, v in secrets.items() if k not in known})
        return cleaned


@admin.register(ChannelConfig)
class ChannelConfigAdmin(admin.ModelAdmin):
    form = ChannelConfigForm
    list_display = ["unit", "slug", "enabled", "last_ok_at", "last_error_at", "last_error"]
    list_filter = ["slug", "enabled"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["stored_secrets", "webhook", "last_error", "last_error_at", "last_ok_at"]
    list_select_related = ["unit"]

    @admin.display(description=_("Stored credentials"))
    def stored_secrets(self, obj: ChannelConfig) -> str:
        return ", ".join(sorted(obj.secrets)) if obj.pk else "—"

    @admin.display(description=_("Webhook URL"))
    def webhook(self, obj: ChannelConfig) -> str:
        return (webhook_url(obj) or "—") if obj.pk else "—"

    def save_model(self, request, obj, form, change):
        do_save_channel(request.user, obj, form.cleaned_data["settings"], form.channel_secrets)


@admin.register(ChannelIdentity)
class ChannelIdentityAdmin(admin.ModelAdmin):
    list_display = ["provider_user_id", "display_name", "config", "person", "reachable", "last_seen_at"]
    list_filter = ["config__slug", "reachable"]
    search_fields = ["provider_user_id", "display_name", "person__full_name"]
    raw_id_fields = ["person", "config"]


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    list_display = ["received_at", "config", "event_name", "status", "error"]
    list_filter = ["status", "config__slug", "event_name"]
    readonly_fields = [field.name for field in InboundEvent._meta.fields]

    def has_add_permission(self, request):
        return False
