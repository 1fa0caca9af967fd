"""Kinds and categories of reports. Each category is an Open311 service (docs/reports.md).

Kept in code rather than in the database: every commune uses the same legal vocabulary, the
workflow and deadlines depend on the kind, and translations live with the strings.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CRIME = "crime", _("Crime report or denunciation")
    SUSPICIOUS = "suspicious", _("Suspicious activity")
    PUBLIC_ORDER = "public_order", _("Public order problem")
    LOST = "lost", _("Lost")
    FOUND = "found", _("Found")


# Kinds handled as a police case (CPC art. 145) and kinds handled as lost & found posts.
CASE_KINDS = {Kind.CRIME, Kind.SUSPICIOUS, Kind.PUBLIC_ORDER}
LOST_FOUND_KINDS = {Kind.LOST, Kind.FOUND}
# Kinds whose description may be published (Open311 GET, group pages): never crime tips.
PUBLIC_KINDS = {Kind.PUBLIC_ORDER, Kind.LOST, Kind.FOUND}


@dataclass(frozen=True)
class Category:
    code: str
    kind: str
    name: Promise
    description: Promise
    keywords: tuple[str, ...] = ()


CATEGORIES: tuple[Category, ...] = (
    Category("theft", Kind.CRIME, _("Theft"), _("Theft of property, a motorbike, livestock or pets."), ("trộm",)),
    Category(
        "usury",
        Kind.CRIME,
        _("Loan sharking and violent debt collection"),
        _("Usurious loans, their flyers, and threats or violence to collect debts."),
        ("tín dụng đen", "cho vay nặng lãi"),
    ),
    Category("assault", Kind.CRIME, _("Assault"), _("Fights, assault, threats of violence."), ("đánh nhau",)),
    Category("fraud", Kind.CRIME, _("Fraud"), _("Scams by phone, online or in person."), ("lừa đảo",)),
    Category("drugs", Kind.CRIME, _("Drugs"), _("Drug use or dealing."), ("ma túy",)),
    Category("gambling", Kind.CRIME, _("Gambling"), _("Illegal gambling and betting."), ("cờ bạc",)),
    Category("other_crime", Kind.CRIME, _("Other crime"), _("Any other crime you saw or know about.")),
    Category(
        "suspicious_person",
        Kind.SUSPICIOUS,
        _("Suspicious behaviour"),
        _("Someone acting suspiciously: describe what they do, not what they look like."),
        ("khả nghi",),
    ),
    Category(
        "suspicious_gathering",
        Kind.SUSPICIOUS,
        _("Suspicious gathering"),
        _("People gathering late at night or casing houses."),
        ("tụ tập",),
    ),
    Category(
        "suspicious_vehicle",
        Kind.SUSPICIOUS,
        _("Suspicious vehicle"),
        _("A vehicle circling, waiting or loading at odd hours."),
    ),
    Category(
        "illegal_ads",
        Kind.PUBLIC_ORDER,
        _("Illegal flyers and advertisements"),
        _("Flyers and signs stuck on poles and walls, e.g. for usurious loans."),
        ("tờ rơi", "quảng cáo"),
    ),
    Category("noise", Kind.PUBLIC_ORDER, _("Noise and disturbance"), _("Loud noise, disturbances at night.")),
    Category(
        "traffic",
        Kind.PUBLIC_ORDER,
        _("Traffic safety"),
        _("Dangerous driving, street racing, hazards on the road."),
        ("đua xe",),
    ),
    Category("fire_risk", Kind.PUBLIC_ORDER, _("Fire risk"), _("Fire and explosion hazards."), ("cháy nổ",)),
    Category("other_order", Kind.PUBLIC_ORDER, _("Other public order problem"), _("Any other problem.")),
    Category("lost_item", Kind.LOST, _("Lost item"), _("Wallet, phone, papers or other items.")),
    Category("lost_animal", Kind.LOST, _("Lost animal"), _("Buffalo, cow, dog or other animal.")),
    Category("lost_vehicle", Kind.LOST, _("Lost vehicle"), _("Motorbike, bicycle or other vehicle.")),
    Category("found_item", Kind.FOUND, _("Found item"), _("Wallet, phone, papers or other items.")),
    Category("found_animal", Kind.FOUND, _("Found animal"), _("Buffalo, cow, dog or other animal.")),
    Category("found_vehicle", Kind.FOUND, _("Found vehicle"), _("Motorbike, bicycle or other vehicle.")),
)

BY_CODE = {category.code: category for category in CATEGORIES}

# A lost post matches a found post of the same thing.
MATCHING_CATEGORY = {
    "lost_item": "found_item",
    "lost_animal": "found_animal",
    "lost_vehicle": "found_vehicle",
    "found_item": "lost_item",
    "found_animal": "lost_animal",
    "found_vehicle": "lost_vehicle",
}


def category_choices(kind: str | None = None) -> list[tuple[str, Promise]]:
    return [(c.code, c.name) for c in CATEGORIES if kind is None or c.kind == kind]


def get_category(code: str) -> Category | None:
    return BY_CODE.get(code)
