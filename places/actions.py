"""Every write to the unit tree: local units, neighbours, file imports, the national register.

These writes do not decide who may make them: the unit tree sits below people, so the
permission-checked `check_…` versions live with the unit pages (coverage/actions.py).
"""

import re

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from audit.actions import record
from core.errors import ActionError
from core.text import fold
from places.models import CHILD_KINDS, TIER_OF_KIND, Tier, Unit, UnitKind

CODE_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")


def next_child_code(parent: Unit) -> str:
    """Local units get `<parent code>.<nn>`, the next number free under the parent."""
    taken = set(Unit.objects.filter(parent=parent).values_list("code", flat=True))
    number = len(taken) + 1
    while f"{parent.code}.{number:02d}" in taken:
        number += 1
    return f"{parent.code}.{number:02d}"


def validate_child(parent: Unit, name: str, kind: str, code: str = "") -> tuple[str, str]:
    """Check a new child unit; return its cleaned name and code. Raises ActionError."""
    name = " ".join((name or "").split())
    if not name:
        raise ActionError(_("Enter a name."), code="required")
    if kind not in UnitKind.values:
        raise ActionError(_("Unknown kind of unit: “%(kind)s”."), code="kind", params={"kind": kind})
    allowed = CHILD_KINDS.get(Tier(parent.tier), [])
    if kind not in allowed:
        raise ActionError(
            _("A %(kind)s cannot be created under %(parent)s."),
            code="kind_not_allowed",
            params={"kind": UnitKind(kind).label, "parent": parent.name},
        )
    if code and not CODE_PATTERN.match(code):
        raise ActionError(
            _("The code “%(code)s” may only hold letters, digits, dots, dashes and underscores."),
            code="code",
            params={"code": code},
        )
    if code and Unit.objects.filter(code=code).exists():
        raise ActionError(_("The code “%(code)s” is already used."), code="code_taken", params={"code": code})
    if Unit.objects.filter(parent=parent, search_name=fold(name), kind=kind).exists():
        raise ActionError(
            _("%(parent)s already has a unit named “%(name)s”."),
            code="duplicate",
            params={"parent": parent.name, "name": name},
        )
    return name, code


def do_create_unit(actor, parent: Unit, *, name: str, kind: str, code: str = "") -> Unit:
    name, code = validate_child(parent, name, kind, code)
    with transaction.atomic():
        unit = Unit.objects.create(name=name, kind=kind, parent=parent, code=code or next_child_code(parent))
        record(actor, "unit.created", unit, unit=parent, name=name, kind=kind)
    return unit


def refuse_official(unit: Unit) -> None:
    if unit.official:
        raise ActionError(_("Official units are named by the national register."), code="official")


def do_rename_unit(actor, unit: Unit, name: str) -> Unit:
    refuse_official(unit)
    name = " ".join(name.split())
    if not name:
        raise ActionError(_("Enter a name."), code="required")
    with transaction.atomic():
        old = unit.name
        unit.name = name
        unit.save()
        record(actor, "unit.renamed", unit, unit=unit, old=old, new=name)
    return unit


MAX_DECLARED_HOUSEHOLDS = 5000  # far above any residential group; catches a typed extra digit


def do_declare_households(actor, unit: Unit, total: int | None) -> Unit:
    """Record the number of households a residential group says it has (None: withdraw the declaration)."""
    if unit.tier != Tier.RESIDENTIAL_GROUP:
        raise ActionError(_("Only a residential group declares its households."), code="not_residential_group")
    if total is not None and not 0 < total <= MAX_DECLARED_HOUSEHOLDS:
        raise ActionError(
            _("A residential group declares between 1 and %(max)d households."),
            code="range",
            params={"max": MAX_DECLARED_HOUSEHOLDS},
        )
    with transaction.atomic():
        old = unit.declared_households
        unit.declared_households = total
        unit.save(update_fields=["declared_households", "updated_at"])
        record(actor, "unit.households_declared", unit, unit=unit, old=old, new=total)
    return unit


def do_set_neighbours(actor, unit: Unit, neighbours: list[Unit]) -> Unit:
    """Record the communes next to this one; lost & found posts are shared with them."""
    for other in neighbours:
        if other.pk == unit.pk:
            raise ActionError(_("A unit cannot be its own neighbour."), code="self")
        if other.tier != unit.tier:
            raise ActionError(
                _("%(name)s is not on the same level as %(unit)s."), code="tier", params={"name": other, "unit": unit}
            )
    with transaction.atomic():
        unit.neighbours.set(neighbours)
        record(actor, "unit.neighbours_set", unit, unit=unit, neighbours=[n.code for n in neighbours])
    return unit


def move_subtree(unit: Unit, new_parent: Unit | None) -> None:
    """Re-parent a unit and rewrite the stored paths of everything under it in one statement."""
    old_path = unit.path
    unit.parent = new_parent
    unit.save()
    if unit.path != old_path:
        Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
            path=Concat(Value(unit.path), Substr(F("path"), len(old_path) + 1))
        )


def tier_of(kind: str) -> int:
    return TIER_OF_KIND[UnitKind(kind)]
