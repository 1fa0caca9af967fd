"""Deployment checks of our own, run by `manage.py check --deploy` (docs/deployment.md)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def identity_keys_are_set(app_configs, **kwargs):
    if settings.IDENTITY_ENCRYPTION_KEYS:
        return []
    return [
        Error(
            "IDENTITY_ENCRYPTION_KEYS is not set: reporters' identities would be encrypted with a key "
            "derived from SECRET_KEY.",
            hint="Set IDENTITY_ENCRYPTION_KEYS (or IDENTITY_ENCRYPTION_KEYS_FILE); see docs/privacy.md.",
            id="canhgiac.E001",
        )
    ]
