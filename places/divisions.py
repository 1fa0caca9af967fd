"""Load Vietnam's provinces and communes from the `vietnam-provinces` package.

Keyed by official code (province: 2 digits, commune: 5 digits), so re-running updates names,
kinds and parents in place and reports exactly what changed. Runs in a few set-based
statements: the whole country is about 3,400 rows.
"""

from dataclasses import dataclass, field

import vietnam_provinces as vp
from django.db import transaction

from core.text import fold
from places.actions import move_subtree
from places.models import TIER_OF_KIND, Unit, UnitKind

KIND_OF_DIVISION = {
    vp.VietNamDivisionType.TINH: UnitKind.PROVINCE,
    vp.VietNamDivisionType.THANH_PHO_TRUNG_UONG: UnitKind.CITY,
    vp.VietNamDivisionType.XA: UnitKind.COMMUNE,
    vp.VietNamDivisionType.PHUONG: UnitKind.WARD,
    vp.VietNamDivisionType.DAC_KHU: UnitKind.SPECIAL_ZONE,
}


def province_code(code: int) -> str:
    return f"{int(code):02d}"


def commune_code(code: int) -> str:
    return f"{int(code):05d}"


@dataclass
class Division:
    code: str
    name: str
    kind: str
    parent_code: str | None


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.renamed or self.moved)


def national_divisions() -> list[Division]:
    divisions = [
        Division(province_code(p.code), p.name, KIND_OF_DIVISION[p.division_type], None) for p in vp.Province.iter_all()
    ]
    divisions += [
        Division(commune_code(w.code), w.name, KIND_OF_DIVISION[w.division_type], province_code(w.province_code))
        for w in vp.Ward.iter_all()
    ]
    return divisions


def sync_divisions(divisions: list[Division] | None = None) -> SyncReport:
    """Create or update the official units; local units under them are left untouched."""
    divisions = national_divisions() if divisions is None else divisions
    report = SyncReport()
    with transaction.atomic():
        existing = {
            u.code: u for u in Unit.objects.filter(code__in=[d.code for d in divisions]).select_related("parent")
        }
        # Parents first, so a commune's parent exists (and has its path) when the commune is written.
        for level in (None, "child"):
            batch = [d for d in divisions if (d.parent_code is None) == (level is None)]
            parents = {u.code: u for u in Unit.objects.filter(parent__isnull=True, official=True)}
            to_create = []
            for division in batch:
                parent = parents.get(division.parent_code) if division.parent_code else None
                unit = existing.get(division.code)
                if unit is None:
                    unit = Unit(
                        code=division.code,
                        name=division.name,
                        kind=division.kind,
                        parent=parent,
                        official=True,
                        tier=TIER_OF_KIND[UnitKind(division.kind)],
                        path=f"{parent.path if parent else ''}{division.code}/",
                        search_name=fold(division.name),
                    )
                    to_create.append(unit)
                    report.created.append(f"{division.code} {division.name}")
                    continue
                if unit.name != division.name or unit.kind != division.kind or not unit.official:
                    report.renamed.append(f"{division.code} {unit.name} → {division.name}")
                    unit.name, unit.kind, unit.official = division.name, division.kind, True
                    unit.save()
                else:
                    report.unchanged += 1
                old_parent_code = unit.parent.code if unit.parent else None
                if old_parent_code != division.parent_code:
                    report.moved.append(f"{division.code} {division.name}: {old_parent_code} → {division.parent_code}")
                    move_subtree(unit, parent)
            Unit.objects.bulk_create(to_create, batch_size=1000)
    return report
