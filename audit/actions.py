from typing import Any

from django.db import models

from audit.models import AuditEvent


def record(actor, verb: str, target: models.Model, *, unit=None, reason: str = "", **data: Any) -> AuditEvent:
    """Append one audit event. Call inside the transaction of the change it records."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        unit=unit,
        reason=reason,
        data=data,
    )


def history(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))


def record_job(verb: str, **data: Any) -> AuditEvent:
    """Append an event of a scheduled job (no actor, no single target), e.g. a retention sweep."""
    return AuditEvent.objects.create(actor=None, verb=verb, target_type="job", target_id=verb.split(".")[0], data=data)
