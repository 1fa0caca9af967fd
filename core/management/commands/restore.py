"""`manage.py restore PATH [--force]`: put a backup made by `backup` back into the database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore, tables_with_rows


class Command(BaseCommand):
    help = (
        "Replace the database's contents with a backup made by `backup`. Stop the web server and "
        "workers first. Refuses a database that holds data unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file.")
        parser.add_argument(
            "--force", action="store_true", help="Restore even over a database that holds data (it is replaced)."
        )

    def handle(self, *args, path: str, force: bool, **options):
        try:
            restore(Path(path), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        filled = tables_with_rows()
        self.stdout.write(f"restored {path}: {len(filled)} tables, {sum(filled.values())} rows")
