"""`manage.py rotate_identity_key`: re-encrypt every encrypted identity with the first key of
IDENTITY_ENCRYPTION_KEYS, after which the other keys can be dropped (docs/privacy.md)."""

from django.core.management.base import BaseCommand, CommandError

from core.crypto import UnreadableIdentity, key_materials, rotate_all


class Command(BaseCommand):
    help = "Re-encrypt reporters' identities with the first key of IDENTITY_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        keys = len(key_materials())
        try:
            counts = rotate_all()
        except UnreadableIdentity as error:
            raise CommandError(f"{error}: keep the old key in the list until the rotation is done.") from None
        total = sum(counts.values())
        for table, changed in counts.items():
            self.stdout.write(f"{table}: {changed} rows re-encrypted")
        self.stdout.write(
            self.style.SUCCESS(
                f"{total} rows now use the first of {keys} keys; keys after the first can be removed "
                "from IDENTITY_ENCRYPTION_KEYS."
            )
        )
