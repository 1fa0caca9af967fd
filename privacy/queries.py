"""Everything Cảnh Giác holds about one person, as they may download it (docs/privacy.md).

What others wrote about them is not included (a confidential report's police notes, other
members' posts); what they filed, joined, received and did is. Anonymous reports are not
theirs to download: nothing links them to the person.
"""

from typing import Any

from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEvent
from bulletins.models import Post
from channels.models import ChannelIdentity
from delivery.models import Delivery, Endpoint
from groups.models import Membership
from people.models import Person
from reports.models import Report, ReportMessage, Side, Visibility, reports_filed_by, reports_made_by

RECENT = 500  # the newest deliveries and audit events; older ones stay listed as a count


def _when(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def personal_data(person: Person) -> dict[str, Any]:
    household = person.household
    reports = (
        Report.objects.filter(reports_made_by(person.pk) | reports_filed_by(person.pk))
        .select_related("unit")
        .order_by("-received_at")
    )
    # A confidential reporter's messages carry no author (reports/actions/handling.py): theirs by the report.
    messages = ReportMessage.objects.filter(report__in=reports, side=Side.REPORTER).filter(
        Q(author=person) | Q(author__isnull=True, report__visibility=Visibility.CONFIDENTIAL)
    )
    deliveries = Delivery.objects.filter(person=person).select_related("notice").order_by("-created_at")
    actions = AuditEvent.objects.filter(actor=person).order_by("-at")
    return {
        "exported_at": _when(timezone.now()),
        "profile": {
            "full_name": person.full_name,
            "phone": person.phone or "",
            "language": person.language,
            "has_smartphone": person.has_smartphone,
            "joined": _when(person.date_joined),
            "household": household.address if household else "",
            "residential_group": str(household.residential_group) if household else "",
            "relay": person.relay.full_name if person.relay else "",
            "relays_for": [p.full_name for p in person.relayed_for.all()],
        },
        "consents": [
            {
                "notice_version": c.notice_version,
                "method": c.get_method_display(),
                "recorded_by": c.recorded_by.full_name if c.recorded_by else "",
                "given_at": _when(c.given_at),
                "withdrawn_at": _when(c.withdrawn_at),
            }
            for c in person.consents.select_related("recorded_by")
        ],
        "mandates": [
            {"role": m.get_role_display(), "unit": str(m.unit), "title": m.title}
            for m in person.mandates.select_related("unit")
        ],
        "groups": [
            {
                "group": str(m.group),
                "role": m.get_role_display(),
                "status": m.get_status_display(),
                "joined_at": _when(m.joined_at),
                "ended_at": _when(m.ended_at),
            }
            for m in Membership.objects.filter(person=person).select_related("group")
        ],
        "channels": [{"channel": e.channel, "address": e.address} for e in Endpoint.objects.filter(person=person)],
        "linked_chat_accounts": [
            {"channel": i.config.slug, "name": i.display_name, "linked_at": _when(i.linked_at)}
            for i in ChannelIdentity.objects.filter(person=person).select_related("config")
        ],
        "reports": [
            {
                "receipt_code": r.receipt_code,
                "kind": r.get_kind_display(),
                "category": str(r.category_name),
                "status": r.get_status_display(),
                "visibility": r.get_visibility_display(),
                "received_at": _when(r.received_at),
                "place": str(r.unit),
                "description": r.description,
                "filed_for_someone_else": r.filer_pk == person.pk and r.reporter_pk != person.pk,
            }
            for r in reports
        ],
        "report_messages": [
            {"report": m.report.receipt_code, "at": _when(m.created_at), "text": m.body}
            for m in messages.select_related("report")
        ],
        "group_posts": [
            {"group": str(p.group), "at": _when(p.created_at), "text": p.text}
            for p in Post.objects.filter(author=person).select_related("group")
        ],
        "messages_received": {
            "count": deliveries.count(),
            "newest": [
                {
                    "subject": d.notice.subject,
                    "at": _when(d.created_at),
                    "channel": d.channel,
                    "read_at": _when(d.read_at),
                }
                for d in deliveries[:RECENT]
            ],
        },
        "what_i_did": {
            "count": actions.count(),
            "newest": [{"at": _when(e.at), "action": e.verb} for e in actions[:RECENT]],
        },
    }
