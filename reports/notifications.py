"""Everything the reporter is told goes through `notify_reporter` (docs/reports.md).

It writes an item to the report's updates feed, shown on the reporter's report page (by
account, or by receipt code + secret for an anonymous reporter), and sends it to reporters with
an account through the delivery engine (`delivery.notify.notify`): their web inbox and whatever
channels they chose. Anonymous reporters stay feed-only: no address of theirs is stored. A
confidential reporter's notices are sealed (`delivery.models.Notice.sealed`): their subject, text,
link and source are stored encrypted, so their delivery rows do not name the report
(docs/privacy.md, "What a database dump shows").
"""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from channels.base import ReplyContext
from delivery.models import Notice
from delivery.notify import notify
from reports.models import Report, ReportUpdate, Visibility
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
        "shared_by_police": _("The commune police shared your post with the groups of %(units)s.") % {"units": detail},
        "match": _("The police confirmed that post %(code)s matches yours; they will help you get it back.")
        % {"code": detail},
        "on_scene": _("The police or the patrol sent to your report have arrived at the scene."),
        "deadline_extended": _("The police extended the time to decide on your report, until %(date)s.")
        % {"date": detail},
    }
    if event.startswith("status:"):
        status = Status(event.split(":", 1)[1])
        text = _("Status: %(status)s.") % {"status": status.label}
        return f"{text} {detail}".strip()
    return texts.get(event, detail)


def notify_reporter(
    report: Report,
    event: str,
    detail: str = "",
    *,
    told_in_chat: bool = False,
    chat_answer: tuple[ReplyContext, str] | None = None,
) -> Notice | None:
    """Tell the reporter (and the reporters of cases merged into this one) what happened.

    Written in Vietnamese, the language of receipt records; a reporter's own language is known
    only for accounts, and anonymous reporters have none. `told_in_chat`: the reporter of
    `report` is being told in the chat they filed it from, so their notice stays in their inbox
    instead of reaching that chat a second time (`delivery.actions.do_release_notice` sends it if
    the chat fails). `chat_answer`: (where, text) of the answer the reporter of `report` gets in
    that chat; their notice is delivered there as that text first, and down their channels if the
    chat cannot take it. Returns the notice to the reporter of `report`, if any."""
    # A report just received has no case merged into it yet.
    followers = [report] if event == "received" else [report, *report.merged_reports.all()]
    own_notice = None
    with translation.override("vi"):
        text = _event_text(report, event, detail)[:500]
        ReportUpdate.objects.bulk_create([ReportUpdate(report=r, event=event, text=text) for r in followers])
        for follower in followers:
            if (reporter_pk := follower.reporter_pk) is None:
                continue
            notice = notify(
                [reporter_pk],
                subject=_("Your report %(code)s") % {"code": follower.receipt_code},
                body=text,
                url=reverse("reports:detail", args=[follower.receipt_code]),
                source=follower,
                sealed=follower.visibility == Visibility.CONFIDENTIAL,
                inbox_only=told_in_chat and follower == report,
                **(_reply(chat_answer) if chat_answer and follower == report else {}),
            )
            if follower == report:
                own_notice = notice
    return own_notice


def _reply(chat_answer: tuple[ReplyContext, str]) -> dict:
    reply_to, text = chat_answer
    return {"reply_to": reply_to, "reply_text": text}
