"""The police's answers to a reporter who filed in a chat, sent back through that chat.

An answer is a delivery like any other (docs/fanout.md, "Chat replies"): the reporter's notice
about the message carries a reply context (the chat's ChannelConfig and the reporter's provider
user id) and the text written for the chat, so the delivery engine's retries, backoff, receipts
and reach figures apply. Should the chat not take it — refused, outside Zalo's 7-day window,
unlinked — the engine sends the notice down the reporter's channels instead. The status the
officer sees on the message (`ReportMessage.chat_status`) follows the engine's attempts.
"""

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from channels.base import ReplyContext, TransportError
from channels.models import ChannelIdentity
from delivery.actions import do_release_notice
from delivery.models import ChatReply, Delivery, Notice
from reports.models import ChatStatus, Report, ReportConversation, ReportMessage


def chat_answer(report: Report, body: str) -> tuple[ReplyContext, str]:
    """Where and how the police's message `body` goes back to the chat the report came from."""
    identity_pk = report.chat_identity_pk
    assert identity_pk is not None
    identity = ChannelIdentity.objects.select_related("person").get(pk=identity_pk)
    with translation.override(identity.person.language if identity.person else "vi"):
        text = _("About your report %(code)s, the police write:\n%(body)s") % {
            "code": report.receipt_code,
            "body": body,
        }
    return ReplyContext(identity.config_id, identity.provider_user_id), text


def on_chat_reply_attempted(
    sender, delivery: Delivery, reply: ChatReply, error: TransportError | None, final: bool, **kwargs
) -> None:
    """Connected to delivery.signals.chat_reply_attempted: keep the officer's view of the message in step."""
    if error is None:
        status, text = ChatStatus.SENT, ""
    elif not final:
        status, text = ChatStatus.RETRYING, str(error)
    elif error.code == "outside_window":
        status, text = ChatStatus.OUTSIDE_WINDOW, ""
    else:
        status, text = ChatStatus.FAILED, str(error)
    holding = _messages_holding(delivery.notice)
    holding.update(chat_status=status, chat_error=text[:300], chat_attempts=delivery.attempts)


def _messages_holding(notice: Notice) -> QuerySet[ReportMessage]:
    """The message whose notice this is: by its plain id, or for a sealed notice (a confidential
    report's) among the messages of the report it names, each holding the notice id encrypted."""
    if not notice.is_sealed:
        return ReportMessage.objects.filter(held_notice_id=notice.pk)
    if notice.source_type != Report._meta.label_lower:
        return ReportMessage.objects.none()
    sealed = ReportMessage.objects.filter(report_id=int(notice.source_id)).exclude(sealed_held_notice="")
    return ReportMessage.objects.filter(pk__in=[m.pk for m in sealed if m.held_notice_pk == notice.pk])


def release_held_notices(identity: ChannelIdentity) -> None:
    """The chat could not take the answer: the notices kept in the reporter's inbox because the
    chat was telling them (the receipt) go to their channels after all. A confidential report's
    notices name it only sealed, so they are found among the reporter's held notices."""
    conversation = ReportConversation.objects.filter(identity=identity).first()
    report = conversation.followed_report if conversation is not None else None
    if report is None or (reporter_pk := report.reporter_pk) is None:
        return
    held = Notice.objects.filter(inbox_only=True, deliveries__person_id=reporter_pk).distinct()
    for notice in held:
        if (notice.source_type, notice.source_id) == (Report._meta.label_lower, str(report.pk)):
            do_release_notice(notice)
