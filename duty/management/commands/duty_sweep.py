"""`manage.py duty_sweep`: escalate duty alerts nobody acknowledged in time, and send the
legal-deadline escalations (docs/reports.md, "Duty and escalation"). The `deliver` loop and the
scheduler run the same sweep; this command is for cron or a one-off run."""

from django.core.management.base import BaseCommand

from duty import sweep


class Command(BaseCommand):
    help = "Escalate unacknowledged duty alerts and passed legal deadlines (the deliver loop does this each round)."

    def handle(self, *args, **options):
        done = sweep.run(force=True)
        self.stdout.write(f"duty sweep: {done} alert(s) escalated or raised")
