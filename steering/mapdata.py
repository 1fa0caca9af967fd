"""What the map shows: layers of located points, contributed by other apps.

The national register carries no coordinates: a unit has a position only when one was typed in
(`Unit.latitude`/`longitude`), and the map writes the names of such units at their place (labels,
so the map reads without a base map) and lists the others with their figures instead of
inventing positions for them. Points come from what other apps locate, such as the reports app's
layer of located reports (docs/steering.md, "Map").

A layer declares its filters (select boxes the map page draws) and a legend; the page passes its
query string to every layer, so filter names must not collide between layers.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.functional import Promise as StrPromise

from people.models import Person
from places.models import Unit


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float
    title: str
    url: str = ""
    kind: str = ""


@dataclass(frozen=True)
class MapFilter:
    name: str
    label: "str | StrPromise"
    choices: list[tuple[str, "str | StrPromise"]]
    default: str = ""

    def value(self, params: Mapping[str, str]) -> str:
        """The chosen value, or the default when the parameter is absent or not one of the choices."""
        chosen = params.get(self.name, self.default)
        return chosen if chosen in {value for value, _label in self.choices} else self.default


@dataclass(frozen=True)
class LegendEntry:
    kind: str
    label: "str | StrPromise"
    colour: str


@dataclass
class Points:
    """A layer's answer: the points shown and how many matched (more than shown when capped)."""

    items: list[Point] = field(default_factory=list)
    total: int = 0
    unlocated: int = 0  # matching items that carry no position


class MapLayer:
    key = ""
    title: "str | StrPromise" = ""

    def filters(self) -> list[MapFilter]:
        return []

    def legend(self) -> list[LegendEntry]:
        return []

    def points(self, unit: Unit, viewer: Person, params: Mapping[str, str]) -> Points:
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


def layer_payload(layer: MapLayer, unit: Unit, viewer: Person, params: Mapping[str, str]) -> dict:
    found = layer.points(unit, viewer, params)
    return {
        "key": layer.key,
        "title": str(layer.title),
        "points": [  # not dataclasses.asdict, which deep-copies: a province map carries thousands of points
            {"lat": p.lat, "lng": p.lng, "title": p.title, "url": p.url, "kind": p.kind} for p in found.items
        ],
        "total": found.total,
        "unlocated": found.unlocated,
        "filters": {f.name: f.value(params) for f in layer.filters()},
        "legend": [{"kind": e.kind, "label": str(e.label), "colour": e.colour} for e in layer.legend()],
    }


def map_payload(
    unit: Unit,
    viewer: Person,
    unlocated: list[dict],
    params: Mapping[str, str] | None = None,
    labels: list[dict] | None = None,
) -> dict:
    """The JSON contract of /steering/u/<code>/map.json (docs/steering.md)."""
    return {
        "unit": {"code": unit.code, "name": unit.name},
        "tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
        "layers": [layer_payload(layer, unit, viewer, params or {}) for layer in layers()],
        "labels": labels or [],
        "unlocated": unlocated,
    }
