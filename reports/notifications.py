"""Everything the reporter is told goes through `notify_reporter` (docs/reports.md).

Today it writes an item to the report's updates feed, shown on the reporter's report page
(by account, or by receipt code + secret for an anonymous reporter). When the delivery engine
lands it will also route through
`delivery.notify.notify(recipients, *, subject, body, url="", priority="normal", source=None)`,
to the channel the report came from; anonymous reporters stay feed-only, since no address of
theirs is stored.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from reports.models import Report, ReportUpdate
from reports.workflow import Status


def _event_text(report: Report, event: str, detail: str) -> str:
    texts = {
        "received": _("We received your report. Keep the receipt code %(code)s.") % {"code": report.receipt_code},
        "message": _("The police sent you a message."),
        "merged": _(
            "Your report was joined to case %(code)s, which covers the same incident. You keep following it here."
        )
        % {"code": detail},
        "shared": _("The steering committee shared your post with the groups of %(units)s.") % {"units": detail},
        "match": _("A post may match yours: %(code)s.") % {"code": detail},
        "deadline_extended": _("The police extended the time to decide on your report, until %(date)s.")
        % {"date": detail},
    }
    if event.startswith("status:"):
        status = Status(event.split(":", 1)[1])
        text = _("Status: %(status)s.") % {"status": status.label}
        return f"{text} {detail}".strip()
    return texts.get(event, detail)


def notify_reporter(report: Report, event: str, detail: str = "") -> None:
    """Tell the reporter (and the reporters of cases merged into this one) what happened.

    Written in Vietnamese, the language of receipt records; a reporter's own language is known
    only for accounts, and anonymous reporters have none."""
    followers = [report, *report.merged_reports.all()]
    with translation.override("vi"):
        ReportUpdate.objects.bulk_create(
            [ReportUpdate(report=r, event=event, text=_event_text(report, event, detail)[:500]) for r in followers]
        )
