"""Writes of the api app: what an API key's use leaves behind."""

from django.utils import timezone

from api.models import ApiKey


def do_note_key_used(api_key: ApiKey) -> None:
    """Stamp the key's last use (shown in the admin, to find keys nobody uses any more)."""
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
