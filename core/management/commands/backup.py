"""`manage.py backup [PATH]`: a consistent copy of the database while the site runs."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Copy the database to a file: SQLite with its online backup API, PostgreSQL with pg_dump "
        "(custom format). The site may keep running. docs/deployment.md, 'Backup and restore'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="A file to create, or a folder to put a dated file in (default: var/backups/).",
        )

    def handle(self, *args, path: str | None, **options):
        target = Path(path) if path else Path(settings.VAR_DIR) / "backups"
        if not path:
            target.mkdir(parents=True, exist_ok=True)
        try:
            written = backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{written} ({written.stat().st_size / 1_000_000:.1f} MB)")
