"""What pages and APIs read about the unit tree, for many units at once."""

from collections.abc import Iterable

from places.models import Tier, Unit


def communes_of(units: Iterable[Unit]) -> dict[int, Unit]:
    """The commune of each unit (a commune is its own), by unit id, in one query: a unit's stored
    path holds the codes of its ancestors, so the communes are the commune-tier units among them.
    Units above the commune tier have none and are left out."""
    units = list(units)
    codes = {code for unit in units for code in unit.ancestor_codes()}
    communes = {commune.code: commune for commune in Unit.objects.filter(tier=Tier.COMMUNE, code__in=codes)}
    found = {}
    for unit in units:
        commune = next((communes[code] for code in unit.ancestor_codes() if code in communes), None)
        if commune is not None:
            found[unit.pk] = commune
    return found
