import secrets

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.actions import record
from channels.actions import check_channel_values, do_save_channel, webhook_url
from channels.base import TransportError
from channels.models import ChannelConfig, ChannelIdentity, InboundEvent
from channels.registry import channel_types, configurable_types, get_type
from channels.types.zalo_oa import oauth

OAUTH_SESSION_KEY = "zalo_oauth_pending"


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
        slug_field = self.fields["slug"]
        assert isinstance(slug_field, forms.ChoiceField)
        slug_field.choices = [(slug, channel_type.label) for slug, channel_type in configurable_types().items()]
        self.channel_secrets: dict[str, str] = {}

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # ModelForm.clean returns cleaned_data
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
    readonly_fields = ["stored_secrets", "authorization", "webhook", "last_error", "last_error_at", "last_ok_at"]
    list_select_related = ["unit"]

    @admin.display(description=_("Zalo authorisation"))
    def authorization(self, obj: ChannelConfig) -> str:
        if not obj.pk or not self._zalo_oauth(obj):
            return "—"
        url = reverse("admin:channels_channelconfig_zalo_authorize", args=[obj.pk])
        return format_html(
            '<a class="button" href="{}">{}</a> <span class="help">{}</span>',
            url,
            gettext("Authorise with Zalo"),
            gettext("Sign in as the OA's administrator and grant access; the tokens are stored encrypted."),
        )

    @staticmethod
    def _zalo_oauth(obj: ChannelConfig) -> bool:
        try:
            return get_type(obj.slug).zalo_oauth
        except LookupError:
            return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/authorize-zalo/",
                self.admin_site.admin_view(self.zalo_authorize),
                name="channels_channelconfig_zalo_authorize",
            ),
            path(
                "zalo-authorized/",
                self.admin_site.admin_view(self.zalo_authorized),
                name="channels_channelconfig_zalo_authorized",
            ),
            *super().get_urls(),
        ]

    def zalo_authorize(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Send the administrator to Zalo's permission page (OAuth v4 with PKCE, docs/channels.md)."""
        config = get_object_or_404(ChannelConfig, pk=pk)
        if not self.has_change_permission(request, config) or not self._zalo_oauth(config):
            raise PermissionDenied
        verifier, challenge = oauth.pkce_pair()
        state = secrets.token_urlsafe(24)
        pending = dict(list(request.session.get(OAUTH_SESSION_KEY, {}).items())[-4:])
        pending[state] = {"config": config.pk, "verifier": verifier}
        request.session[OAUTH_SESSION_KEY] = pending
        redirect_uri = settings.SITE_URL.rstrip("/") + reverse("admin:channels_channelconfig_zalo_authorized")
        return redirect(oauth.permission_url(config, redirect_uri=redirect_uri, code_challenge=challenge, state=state))

    def zalo_authorized(self, request: HttpRequest) -> HttpResponse:
        """Zalo sends the administrator back here with a one-time code: trade it for the tokens."""
        pending = request.session.get(OAUTH_SESSION_KEY, {})
        started = pending.pop(request.GET.get("state", ""), None)
        request.session[OAUTH_SESSION_KEY] = pending
        if started is None:
            messages.error(
                request, gettext("This authorisation was not started here or was already used. Start again.")
            )
            return redirect("admin:channels_channelconfig_changelist")
        config = get_object_or_404(ChannelConfig, pk=started["config"])
        if not self.has_change_permission(request, config):
            raise PermissionDenied
        change_page = reverse("admin:channels_channelconfig_change", args=[config.pk])
        code = request.GET.get("code", "")
        if not code:
            messages.error(
                request, gettext("Zalo did not grant access: %(reason)s") % {"reason": request.GET.get("error", "?")}
            )
            return redirect(change_page)
        try:
            oauth.authorize(config, code=code, code_verifier=started["verifier"])
        except TransportError as error:
            messages.error(request, gettext("Zalo refused the authorisation: %(error)s") % {"error": error.message})
            return redirect(change_page)
        record(
            request.user,
            "channel.authorized",
            config,
            unit=config.unit,
            slug=config.slug,
            oa_id=request.GET.get("oa_id", ""),
        )
        messages.success(request, gettext("Authorised: the tokens from Zalo are stored."))
        return redirect(change_page)

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
