import json

from django.core.management.base import BaseCommand, CommandError

from coverage.stats import unit_stats
from places.models import Unit


class Command(BaseCommand):
    help = "Print counts for a unit and everything under it: units, groups by kind, members, households, coverage."

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="Unit code (e.g. 25573); default: the whole country")
        parser.add_argument("--json", action="store_true", help="Print one JSON object")

    def handle(self, *args, unit=None, json=False, **options):
        target = None
        if unit:
            target = Unit.objects.filter(code=unit).first()
            if target is None:
                raise CommandError(f"No unit has the code {unit!r}.")
        stats = unit_stats(target)
        if json:
            self.stdout.write(_dumps(stats))
            return
        self.stdout.write(f"{stats['unit']['name'] if target else 'Việt Nam'}")
        for tier, count in stats["units"].items():
            self.stdout.write(f"  units/{tier}: {count}")
        for kind, count in stats["groups"]["by_kind"].items():
            self.stdout.write(f"  groups/{kind}: {count}")
        self.stdout.write(f"  members: {stats['members']}")
        self.stdout.write(f"  households: {stats['households']} (covered {stats['covered_households']})")
        self.stdout.write(
            f"  declared: {stats['declared_households']}"
            f" ({stats['undeclared_residential_groups']} residential groups not declared)"
        )
        self.stdout.write(f"  coverage (reached / declared): {stats['coverage_percent']}%")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
