"""Revoking a mandate ends the person's sessions: what they opened as an officer closes at once
(docs/security.md). Connected in people/apps.py; any deletion counts (the admin's inline too)."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from people.actions import do_end_sessions
from people.models import Mandate, Person


@receiver(post_delete, sender=Mandate)
def end_sessions_of_revoked_officer(sender, instance: Mandate, **kwargs) -> None:
    person = Person.objects.filter(pk=instance.person_id).first()
    if person is not None:
        do_end_sessions(None, person, reason=f"mandate revoked: {instance.get_role_display()} · {instance.unit_id}")
