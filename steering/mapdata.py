"""What the map shows: layers of located points, contributed by other apps.

Units carry no coordinates (the national register has none), so until the reports app registers
its layer of located reports the map has no points; the page says so and lists the units with
their figures instead of inventing positions (docs/steering.md, "Map").
"""

from dataclasses import asdict, dataclass

from django.conf import settings

from people.models import Person
from places.models import Unit


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float
    title: str
    url: str = ""
    kind: str = ""


class MapLayer:
    key = ""
    title = ""

    def points(self, unit: Unit, viewer: Person) -> list[Point]:
        """Points inside the unit that the viewer may see; the layer does its own permission check."""
        raise NotImplementedError


_layers: dict[str, MapLayer] = {}


def register_layer(layer: MapLayer) -> MapLayer:
    _layers[layer.key] = layer
    return layer


def unregister_layer(key: str) -> None:
    _layers.pop(key, None)


def layers() -> list[MapLayer]:
    return list(_layers.values())


def map_payload(unit: Unit, viewer: Person, unlocated: list[dict]) -> dict:
    """The JSON contract of /steering/u/<code>/map.json (docs/steering.md)."""
    return {
        "unit": {"code": unit.code, "name": unit.name},
        "tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
        "layers": [
            {"key": layer.key, "title": str(layer.title), "points": [asdict(p) for p in layer.points(unit, viewer)]}
            for layer in layers()
        ],
        "unlocated": unlocated,
    }
