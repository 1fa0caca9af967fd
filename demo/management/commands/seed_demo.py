import io

from django.core.management import call_command
from django.core.management.base import BaseCommand

from demo import data
from demo.channels_seed import reset_demo_tokens
from demo.duty_seed import ensure_duty_roster
from demo.seed import seed
from places.models import Unit


class Command(BaseCommand):
    help = "Load the demo commune modelled on the 2019 article; does nothing if it is already there."

    def handle(self, *args, **options):
        call_command("import_divisions", verbosity=0, stdout=io.StringIO())
        created = seed()
        commune = Unit.objects.get(code=data.COMMUNE_CODE)
        reset_demo_tokens(commune)
        ensure_duty_roster(commune)
        self.stdout.write("Demo data created." if created else "Demo data already present; left as it is.")
        self.stdout.write("")
        self.stdout.write("Sign in at /signin/ with one of these phone numbers (the code appears in this terminal):")
        for key, (phone, name, role) in data.PERSONAS.items():
            self.stdout.write(f"  {key:<10} {phone}  {name} — {role}")
        self.stdout.write(
            f"Officers (officer, duty, steering, province) then enter the password {data.OFFICER_PASSWORD!r} and the "
            "code printed by `python manage.py demo_totp PHONE`."
        )
