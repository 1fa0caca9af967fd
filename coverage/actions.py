"""Managing a unit's population, by its officers and its residential groups' leaders.

The permission-checked writes to the unit tree, households, their members and relays, and
door-to-door enrollment: a leader or officer registers a household member and, in the same step,
enrolls them in the groups of their residential group (docs/coverage.md).
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.actions import record
from core.errors import ActionError, PermissionDenied
from coverage.models import UnitImport
from coverage.tasks import run_unit_import
from groups.actions import do_add_member
from groups.models import CommunityGroup, GroupKind
from groups.permissions import can_manage_household
from people.actions import do_record_consent
from people.models import Household, Person
from people.permissions import can_manage_unit
from people.phones import normalize_phone
from places.actions import (
    do_create_unit,
    do_declare_households,
    do_rename_unit,
    do_set_neighbours,
    refuse_official,
)
from places.models import Tier, Unit


def check_create_unit(actor: Person, parent: Unit, *, name: str, kind: str, code: str = "") -> Unit:
    if not can_manage_unit(actor, parent):
        raise PermissionDenied
    return do_create_unit(actor, parent, name=name, kind=kind, code=code)


def check_rename_unit(actor: Person, unit: Unit, name: str) -> Unit:
    refuse_official(unit)  # before the permission check: nobody may rename an official unit
    if not can_manage_unit(actor, unit):
        raise PermissionDenied
    return do_rename_unit(actor, unit, name)


def check_set_neighbours(actor: Person, unit: Unit, neighbours: list[Unit]) -> Unit:
    if not can_manage_unit(actor, unit):
        raise PermissionDenied
    return do_set_neighbours(actor, unit, neighbours)


def check_declare_households(actor: Person, unit: Unit, total: int | None) -> Unit:
    """The unit's officers and the residential group's leaders type its household total."""
    if unit.tier != Tier.RESIDENTIAL_GROUP or not can_manage_household(actor, Household(residential_group=unit)):
        raise PermissionDenied
    return do_declare_households(actor, unit, total)


def check_start_unit_import(actor: Person, commune: Unit, filename: str, content: bytes) -> UnitImport:
    if not can_manage_unit(actor, commune):
        raise PermissionDenied
    return do_start_unit_import(actor, commune, filename, content)


def check_register_household(actor: Person, residential_group: Unit, address: str) -> Household:
    if residential_group.tier != Tier.RESIDENTIAL_GROUP:
        raise ActionError(_("A household belongs to a residential group."), code="not_residential_group")
    address = " ".join(address.split())
    if not address:
        raise ActionError(_("Enter the household's address."), code="required")
    probe = Household(residential_group=residential_group)
    if not can_manage_household(actor, probe):
        raise PermissionDenied
    with transaction.atomic():
        household = Household.objects.create(residential_group=residential_group, address=address, registered_by=actor)
        record(actor, "household.registered", household, unit=residential_group, address=address)
    return household


def check_add_household_member(
    actor: Person, household: Household, *, full_name: str, phone: str = "", has_smartphone: bool = True
) -> Person:
    if not can_manage_household(actor, household):
        raise PermissionDenied
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ActionError(_("Enter the member's full name."), code="required")
    e164 = normalize_phone(phone) if phone.strip() else None
    with transaction.atomic():
        if e164:
            person, created = Person.objects.get_or_create(phone=e164, defaults={"full_name": full_name})
            if not created and person.household_id and person.household_id != household.pk:
                raise ActionError(
                    _("%(phone)s is already a member of another household."),
                    code="other_household",
                    params={"phone": phone},
                )
        else:
            person = Person(full_name=full_name)
            person.set_unusable_password()
        if not person.full_name:
            person.full_name = full_name
        person.household = household
        person.has_smartphone = has_smartphone and bool(e164)
        person.save()
        record(actor, "household.member_added", household, unit=household.residential_group, person=person.pk)
    return person


def check_update_household(actor: Person, household: Household, *, address: str) -> Household:
    if not can_manage_household(actor, household):
        raise PermissionDenied
    address = " ".join(address.split())
    if not address:
        raise ActionError(_("Enter the household's address."), code="required")
    with transaction.atomic():
        old, household.address = household.address, address
        household.save(update_fields=["address"])
        record(actor, "household.updated", household, unit=household.residential_group, old=old, new=address)
    return household


def check_remove_household_member(actor: Person, person: Person) -> Person:
    """Take a person out of their household (moved away, recorded twice); the person stays known."""
    household = person.household
    if household is None:
        raise ActionError(_("This person is not in a household."), code="no_household")
    if not can_manage_household(actor, household):
        raise PermissionDenied
    with transaction.atomic():
        person.household = None
        person.save(update_fields=["household"])
        record(actor, "household.member_removed", household, unit=household.residential_group, person=person.pk)
    return person


def check_set_relay(actor: Person, person: Person, relay: Person | None) -> Person:
    """Link a member without a smartphone to the member who reads messages out to them."""
    manages = person.household is not None and can_manage_household(actor, person.household)
    if not manages and actor.pk != person.pk:
        raise PermissionDenied
    if relay is not None:
        if relay.pk == person.pk:
            raise ActionError(_("A person cannot be their own relay."), code="self_relay")
        if not relay.phone or not relay.has_smartphone:
            raise ActionError(_("The relay must have a smartphone and a phone number."), code="relay_unreachable")
        if relay.relay_id is not None:
            raise ActionError(_("The relay is reached through a relay themselves; choose someone else."), code="chain")
    with transaction.atomic():
        person.relay = relay
        person.save(update_fields=["relay"])
        unit = person.household.residential_group if person.household else None
        record(actor, "person.relay_set", person, unit=unit, relay=relay.pk if relay else None)
    return person


def check_set_smartphone(actor: Person, person: Person, has_smartphone: bool) -> Person:
    if person.household is None or not can_manage_household(actor, person.household):
        raise PermissionDenied
    person.has_smartphone = has_smartphone
    person.save(update_fields=["has_smartphone"])
    return person


def residential_groups_of(household: Household):
    return CommunityGroup.objects.filter(
        unit=household.residential_group, kind=GroupKind.RESIDENTIAL_GROUP, is_active=True
    )


def check_enroll_member(
    actor: Person,
    household: Household,
    *,
    full_name: str,
    phone: str = "",
    has_smartphone: bool = True,
    enroll: bool,
    consent_method: str = "",
) -> Person:
    """Add a member to the household and, when asked, to its residential group's group(s).

    Members without a smartphone are enrolled too: they are reached through their relay. The
    member's agreement to the privacy notice is recorded with who enrolled them and how.
    """
    with transaction.atomic():
        person = check_add_household_member(
            actor, household, full_name=full_name, phone=phone, has_smartphone=has_smartphone
        )
        if consent_method:
            do_record_consent(person, method=consent_method, recorded_by=actor)
        if enroll:
            for group in residential_groups_of(household):
                do_add_member(actor, group, person)
    return person


def do_start_unit_import(actor: Person, commune: Unit, filename: str, content: bytes) -> UnitImport:
    """Store an uploaded file and queue its import; the returned record tracks the outcome."""
    if commune.tier != Tier.COMMUNE:
        raise ActionError(_("Hamlets and residential groups are imported into a commune."), code="not_commune")
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise ActionError(
            _("The file is too large (over %(mb)d MB)."),
            code="too_large",
            params={"mb": settings.IMPORT_MAX_BYTES // 2**20},
        )
    if not filename.lower().endswith((".csv", ".xlsx", ".txt")):
        raise ActionError(_("Upload a .csv or .xlsx file."), code="format")
    with transaction.atomic():
        job = UnitImport.objects.create(commune=commune, uploaded_by=actor, filename=filename[:200], content=content)
        transaction.on_commit(lambda: run_unit_import.enqueue(job.pk))
    return job
