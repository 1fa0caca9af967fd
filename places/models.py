"""The administrative-unit tree: provinces, communes, hamlets, residential groups.

The tree is generic in depth (Vietnam removed the district level in July 2025 and may change
again), so a unit records its parent and a materialised `path` of codes from the root. Subtree
queries are one indexed prefix match on `path`; `tier` says what kind of level a unit sits on,
whatever the depth. See docs/places.md.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text import fold


class Tier(models.IntegerChoices):
    PROVINCE = 1, _("Province level")
    COMMUNE = 2, _("Commune level")
    HAMLET = 3, _("Hamlet level")
    RESIDENTIAL_GROUP = 4, _("Residential group level")


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("Centrally governed city")
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    SPECIAL_ZONE = "special_zone", _("Special zone")
    HAMLET = "hamlet", _("Hamlet")
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
    VILLAGE = "village", _("Village")
    RESIDENTIAL_GROUP = "residential_group", _("Residential group")


TIER_OF_KIND = {
    UnitKind.PROVINCE: Tier.PROVINCE,
    UnitKind.CITY: Tier.PROVINCE,
    UnitKind.COMMUNE: Tier.COMMUNE,
    UnitKind.WARD: Tier.COMMUNE,
    UnitKind.SPECIAL_ZONE: Tier.COMMUNE,
    UnitKind.HAMLET: Tier.HAMLET,
    UnitKind.NEIGHBOURHOOD: Tier.HAMLET,
    UnitKind.VILLAGE: Tier.HAMLET,
    UnitKind.RESIDENTIAL_GROUP: Tier.RESIDENTIAL_GROUP,
}

# Kinds a user may create under a unit of a given tier (official units come from import_divisions).
CHILD_KINDS = {
    Tier.COMMUNE: [UnitKind.HAMLET, UnitKind.NEIGHBOURHOOD, UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP],
    Tier.HAMLET: [UnitKind.RESIDENTIAL_GROUP],
}


class Unit(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=UnitKind.choices)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, editable=False)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(max_length=400, editable=False, db_index=True)
    official = models.BooleanField(
        _("official"), default=False, help_text=_("Imported from the national register of administrative units.")
    )
    neighbours = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name=_("neighbouring units"))
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    declared_households = models.PositiveIntegerField(
        _("households declared"),
        null=True,
        blank=True,
        help_text=_("A residential group's own count of its households: the denominator of coverage."),
    )
    # Where the unit's name is written on a map (its centre, roughly): the national register has
    # no coordinates, so they are typed in (admin, unit import) and maps label only located units.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path"]
        indexes = [models.Index(fields=["tier", "path"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="unit_location_on_earth",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.tier = TIER_OF_KIND[UnitKind(self.kind)]
        self.path = f"{self.parent.path if self.parent else ''}{self.code}/"
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to and including this unit."""
        return self.path.rstrip("/").split("/")

    def ancestors(self) -> models.QuerySet["Unit"]:
        return Unit.objects.filter(code__in=self.ancestor_codes()).order_by("path")

    def ancestor_chain(self) -> list["Unit"]:
        """`ancestors()` as a list, read once for this instance while its path stays the same:
        a filing asks twice (who answers for the unit, and the place's name in the alert)."""
        path, chain = self.__dict__.get("_ancestor_chain", ("", []))
        if path != self.path:
            chain = list(self.ancestors())
            self.__dict__["_ancestor_chain"] = (self.path, chain)
        return chain

    def subtree(self) -> models.QuerySet["Unit"]:
        return Unit.objects.filter(path__startswith=self.path)

    def is_within(self, other: "Unit") -> bool:
        return self.path.startswith(other.path)

    def commune(self) -> "Unit | None":
        return self.ancestors().filter(tier=Tier.COMMUNE).first()
