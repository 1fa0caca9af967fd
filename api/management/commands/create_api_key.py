from django.core.management.base import BaseCommand, CommandError

from api.models import ApiKey
from places.models import Unit


class Command(BaseCommand):
    help = "Create an API key for an Open311 client or another system, and print it (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Who the key is for, e.g. 'city-311-app'")
        parser.add_argument("--unit", default="", help="Code of the unit reports land in when a request names none")

    def handle(self, *args, name, unit, **options):
        if ApiKey.objects.filter(name=name).exists():
            raise CommandError(f"A key named {name!r} already exists.")
        home = None
        if unit:
            home = Unit.objects.filter(code=unit).first()
            if home is None:
                raise CommandError(f"No unit with code {unit!r}.")
        _api_key, key = ApiKey.issue(name, unit=home)
        self.stdout.write(key)
