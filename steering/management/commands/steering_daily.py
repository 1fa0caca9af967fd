import json

from django.core.management.base import BaseCommand

from steering.actions import do_backfill, roots_with_data
from steering.tasks import daily


class Command(BaseCommand):
    help = (
        "Once a day (cron or a systemd timer): recompute dashboard counters, snapshot directive compliance, "
        "write reminders. --enqueue hands the work to the task workers instead of running it here."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue the work for a task worker")
        parser.add_argument("--backfill-days", type=int, default=0, help="Also rebuild counters for past days")

    def handle(self, *args, enqueue, backfill_days, **options):
        if enqueue:
            result = daily.enqueue()
            self.stdout.write(f"Queued {result.id}")
            return
        if backfill_days:
            for root in roots_with_data():
                do_backfill(root, days=backfill_days)
        self.stdout.write(json.dumps(daily.call()))
