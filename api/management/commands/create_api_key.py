from django.core.management.base import BaseCommand, CommandError

from api.actions import do_issue_police_key
from api.models import ApiKey
from places.models import Unit


class Command(BaseCommand):
    help = (
        "Create an API key for an Open311 client or another system, and print it (shown only once). "
        "With --police, the key reads and acts on the reports of --unit and the units below it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Who the key is for, e.g. 'city-311-app'")
        parser.add_argument("--unit", default="", help="Code of the unit reports land in when a request names none")
        parser.add_argument(
            "--police", action="store_true", help="A police system's key: the queue and workflow of --unit and below"
        )

    def handle(self, *args, name, unit, police, **options):
        if ApiKey.objects.filter(name=name).exists():
            raise CommandError(f"A key named {name!r} already exists.")
        home = None
        if unit:
            home = Unit.objects.filter(code=unit).first()
            if home is None:
                raise CommandError(f"No unit with code {unit!r}.")
        if police:
            if home is None:
                raise CommandError("A police key needs --unit: the unit whose reports it handles.")
            _api_key, key = do_issue_police_key(name, home)
        else:
            _api_key, key = ApiKey.issue(name, unit=home)
        self.stdout.write(key)
