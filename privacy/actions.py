"""A person's request to be deleted, executed at once for everything the law lets go (docs/privacy.md).

The account is anonymised rather than removed (the audit log refers to it and is kept). What the
police must keep stays: reports that are still open (under investigation or handling) keep the
reporter; the consent history is kept as proof of what was agreed.
"""

from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.actions import record
from bulletins.models import Post
from channels.models import ChannelIdentity
from core.errors import ActionError
from delivery.integrity import lock_out_fan_outs
from delivery.models import Delivery, Endpoint, Notice
from groups.models import JoinRequest, Membership
from people.models import Person
from reports.models import Report, reports_filed_by, reports_made_by
from reports.retention import unlink_reporters
from reports.workflow import OPEN_STATUSES


@dataclass
class Erasure:
    reports_anonymised: int
    reports_kept_open: int
    memberships: int
    posts: int
    deliveries: int
    channels: int


def kept_reports(person: Person):
    """Reports the police must keep as they are: those still open that this person filed."""
    return Report.objects.filter(reports_made_by(person.pk), status__in=OPEN_STATUSES)


def do_erase_person(person: Person) -> Erasure:
    if person.mandates.exists() or person.is_staff:
        raise ActionError(
            _("Officers' and staff accounts are closed by the administrator when the mandate ends."), code="officer"
        )
    with transaction.atomic():
        # Before anything is read: a bulletin being published to this person commits first and
        # its row is deleted below; one published after this commits no longer selects them.
        lock_out_fan_outs()
        closed = Report.objects.filter(reports_made_by(person.pk)).exclude(status__in=OPEN_STATUSES)
        filed = Report.objects.filter(reports_filed_by(person.pk)).exclude(status__in=OPEN_STATUSES)
        # Sealed notices (about their confidential reports) were theirs alone: they go with the deliveries.
        sealed = list(Notice.objects.filter(deliveries__person=person).exclude(sealed="").values_list("pk", flat=True))
        erasure = Erasure(
            reports_anonymised=unlink_reporters(closed | filed),
            reports_kept_open=kept_reports(person).count(),
            memberships=Membership.objects.filter(person=person).delete()[0],
            posts=Post.objects.filter(author=person).delete()[0],
            deliveries=Delivery.objects.filter(person=person).delete()[0],
            channels=Endpoint.objects.filter(person=person).delete()[0]
            + ChannelIdentity.objects.filter(person=person).update(person=None, linked_at=None),
        )
        Notice.objects.filter(pk__in=sealed).delete()
        JoinRequest.objects.filter(person=person).delete()
        person.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=timezone.now(), withdrawn_by=person)
        Person.objects.filter(relay=person).update(relay=None)
        # The elders they read to keep their notices, addressed to themselves from now on.
        Delivery.objects.filter(relay=person).update(relay=None)
        person.full_name = ""
        person.phone = None
        person.household = None
        person.relay = None
        person.has_smartphone = False
        # Every open session ends with this: the backend loads active people only, and the session's
        # hash of the password no longer matches (no scan of the session table in the request).
        person.is_active = False
        person.set_unusable_password()
        person.save()
        record(person, "person.erased", person, **asdict(erasure))
    return erasure
