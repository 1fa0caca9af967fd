"""The one door through which steering sends messages to people.

A message becomes a row in the recipient's reminders list (/steering/reminders/), de-duplicated
per occasion here, and goes out through the delivery engine (`delivery.notify.notify`) to their
inbox and channels (docs/steering.md).
"""

from collections.abc import Iterable

from django.db.models import Model

from delivery.notify import notify
from people.models import Person
from steering.models import Reminder


def remind(
    recipients: Iterable[Person],
    *,
    subject: str,
    body: str,
    url: str = "",
    priority: str = "normal",
    source: Model | None = None,
    occasion: str = "",
) -> int:
    """Send a message to each recipient once per occasion; returns how many were new."""
    people = {person.pk: person for person in recipients if person.is_active}
    if occasion:
        already = set(
            Reminder.objects.filter(recipient_id__in=people, source_key=occasion).values_list("recipient_id", flat=True)
        )
        people = {pk: person for pk, person in people.items() if pk not in already}
    if not people:
        return 0
    Reminder.objects.bulk_create(
        [
            Reminder(
                recipient=person,
                subject=subject[:200],
                body=body,
                url=url,
                priority=priority,
                source_key=occasion,
            )
            for person in people.values()
        ],
        ignore_conflicts=True,
    )
    notify(list(people), subject=subject[:200], body=body, url=url, priority=priority, source=source)
    return len(people)
