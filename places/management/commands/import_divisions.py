from django.core.management.base import BaseCommand

from places.divisions import sync_divisions


class Command(BaseCommand):
    help = "Load or update Vietnam's provinces and communes (vietnam-provinces package); safe to re-run."

    def handle(self, *args, **options):
        report = sync_divisions()
        for line in report.created[:20]:
            self.stdout.write(f"  + {line}")
        if len(report.created) > 20:
            self.stdout.write(f"  + … {len(report.created) - 20} more")
        for line in report.renamed:
            self.stdout.write(f"  ~ {line}")
        for line in report.moved:
            self.stdout.write(f"  > {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Divisions: {len(report.created)} created, {len(report.renamed)} renamed, "
                f"{len(report.moved)} moved, {report.unchanged} unchanged."
            )
        )
