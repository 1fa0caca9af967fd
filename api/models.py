"""API keys for other systems (Open311 clients, the JSON API). Only a hash of each key is kept."""

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKey(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    unit = models.ForeignKey(
        "places.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where reports land when the client gives no unit."),
    )
    # A police key (create_api_key --police) acts as this account: a police mandate on `unit`, no
    # phone and inactive, so it can never sign in, is never alerted or assigned, and the pages' rules
    # scope it exactly as an officer of that unit (docs/api.md).
    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="api_key"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, name: str, unit=None) -> tuple["ApiKey", str]:
        key = "cg_" + secrets.token_urlsafe(32)
        api_key = cls.objects.create(name=name, prefix=key[:10], key_hash=hash_key(key), unit=unit)
        return api_key, key

    @classmethod
    def find(cls, key: str) -> "ApiKey | None":
        if not key:
            return None
        keys = cls.objects.filter(key_hash=hash_key(key), revoked_at__isnull=True)
        return keys.select_related("unit", "person").first()
