from django.core.management.base import BaseCommand

from reports.tasks import send_deadline_reminders


class Command(BaseCommand):
    help = "Create the deadline reminders that are owed now (idempotent; safe to run from cron)."

    def handle(self, *args, **options):
        created = send_deadline_reminders.call()
        self.stdout.write(f"{created} reminder(s) created.")
