"""Writes of the api app: what an API key's use leaves behind."""

from django.db import transaction
from django.utils import timezone

from api.models import ApiKey
from audit.actions import record
from people.models import Mandate, MandateRole, Person
from places.models import Unit


def do_note_key_used(api_key: ApiKey) -> None:
    """Stamp the key's last use (shown in the admin, to find keys nobody uses any more)."""
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())


def do_issue_police_key(name: str, unit: Unit) -> tuple[ApiKey, str]:
    """A key for a police system of `unit`: it reads and acts on that unit's reports and those below.

    Its account holds a police mandate on the unit like an officer's, has no phone and is inactive:
    nobody signs in with it, no alert or assignment reaches it."""
    with transaction.atomic():
        person = Person.objects.create(full_name=f"API: {name}"[:150], phone=None, is_active=False)
        person.set_unusable_password()
        person.save(update_fields=["password"])
        Mandate.objects.create(person=person, role=MandateRole.POLICE, unit=unit, title="API key")
        api_key, key = ApiKey.issue(name, unit=unit)
        api_key.person = person
        api_key.save(update_fields=["person"])
        record(None, "api_key.issued", api_key, unit=unit, name=name, police=True)
    return api_key, key


def do_record_key_use(api_key: ApiKey, operation: str, *, codes: list[str]) -> None:
    """Every call made with a police key: which key, which operation, which reports (docs/api.md)."""
    record(
        api_key.person, "api_key.used", api_key, unit=api_key.unit, key=api_key.name, operation=operation, reports=codes
    )
    do_note_key_used(api_key)
