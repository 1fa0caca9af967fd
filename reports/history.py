"""A case's history in words: each audit event of a report told as a sentence in the reader's
language, naming the new status, the assignee, the new deadline (reports.queries.case_history)."""

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.models import Side
from reports.workflow import Status

# Reasons the system itself writes into the log when it shows an identity.
SYSTEM_REASONS = {
    "case page (named report)": gettext_lazy("shown on the case page of a named report"),
    "receipt record": gettext_lazy("printed on the receipt record"),
}

SIMPLE = {
    "report.received": gettext_lazy("Report received"),
    "report.identity_viewed": gettext_lazy("Reporter's identity viewed"),
    "report.dispatch_acknowledged": gettext_lazy("Dispatch acknowledged by the patrol"),
    "report.on_scene": gettext_lazy("Patrol on the scene"),
    "report.dispatch_outcome": gettext_lazy("Outcome reported from the scene"),
    "report.filed_from_post": gettext_lazy("Filed from a group post"),
    "report.merge_received": gettext_lazy("A duplicate report was merged into this case"),
    "report.reminder_created": gettext_lazy("Deadline reminder sent"),
}


def status_label(value: str) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return value


def _date(value: str | None) -> str:
    if not value:
        return ""
    return formats.date_format(timezone.localtime(datetime.fromisoformat(value)), "d/m/Y")


def describe(verb: str, data: dict, names: dict[int, str]) -> str:
    """One event as a sentence; `names` maps the person ids the events mention to their names."""
    if verb in SIMPLE:
        return str(SIMPLE[verb])
    if verb == "report.status_changed":
        text = _("Status changed: %(old)s → %(new)s") % {
            "old": status_label(data.get("from", "")),
            "new": status_label(data.get("to", "")),
        }
        if data.get("forwarded_to"):
            text += " (" + data["forwarded_to"] + ")"
        return text
    if verb == "report.reopened":
        return _("Case reopened: %(new)s") % {"new": status_label(data.get("to", ""))}
    if verb == "report.assigned":
        if data.get("assignee"):
            return _("Assigned to %(name)s") % {"name": names.get(data["assignee"], "?")}
        if data.get("patrol"):
            return _("Assigned to a people's patrol")
        return _("Assignment removed")
    if verb == "report.deadline_extended":
        return _("Decision deadline extended to %(date)s") % {"date": _date(data.get("new"))}
    if verb == "report.message":
        if data.get("side") == Side.REPORTER:
            return _("Message from the reporter")
        return _("Message to the reporter")
    if verb == "report.merged":
        return _("Merged into case %(code)s") % {"code": data.get("into", "")}
    if verb == "report.match_confirmed":
        return _("Matched with report %(code)s") % {"code": data.get("counterpart", "")}
    if verb == "report.shared":
        return _("Shared with %(count)d neighbouring commune(s)") % {"count": len(data.get("units", []))}
    return verb


def reason_text(reason: str) -> str:
    return str(SYSTEM_REASONS.get(reason, reason))
