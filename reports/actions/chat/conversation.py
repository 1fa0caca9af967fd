"""A resident's messages in a Zalo or Telegram chat: the receiver of `message_received`, the
draft kept between messages (ReportConversation), and follow-ups on a filed report.

The channels app sends `message_received` for every message from a linked account (it never
imports reports); `on_message_received` takes it, runs the dialogue (dialogue.py) on the stored
draft, files it when confirmed (filing.py) and answers in the chat.
"""

import re
from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from channels.actions import do_forget_messages, do_record_channel_outcome
from channels.base import IncomingMessage, TransportError
from channels.models import ChannelConfig, ChannelIdentity
from channels.registry import get_type
from channels.text import nfc
from core.errors import ActionError
from core.text import fold
from duty.actions import check_chat_acknowledge
from reports.actions.chat import dialogue
from reports.actions.chat.dialogue import CANCEL_WORDS, NEW_WORDS, Action, Draft
from reports.actions.chat.filing import file_conversation, photos_for_filing, unit_for
from reports.actions.chat.replies import release_held_notices
from reports.actions.handling import check_post_message
from reports.models import (
    RECEIPT_ALPHABET,
    Report,
    ReportConversation,
    Step,
    Visibility,
    new_draft_key,
    reports_made_by,
)

# A follow-up to a confidential report blanks that account's stored webhook messages of the last
# hour: the one being answered and any the queue held up; earlier ones were blanked in their turn.
FORGET_WINDOW = timedelta(hours=1)
RECEIPT_CODE = re.compile(rf"\bCG[\s-]?([{RECEIPT_ALPHABET}]{{4}})[\s-]?([{RECEIPT_ALPHABET}]{{4}})\b")


def on_message_received(sender, config: ChannelConfig, identity: ChannelIdentity, message: IncomingMessage, **kwargs):
    """Connected to channels.signals.message_received: every message of a linked person is ours."""
    if identity.person is None:
        return False
    with translation.override(identity.person.language or "vi"):
        # An officer answering "OK" to a duty alert acknowledges it (docs/reports.md).
        answer = check_chat_acknowledge(identity.person, message.text or "", config.slug)
        if not answer:
            answer = handle_chat_message(config, identity, message)
    if answer:
        try:
            get_type(config.slug).reply(config, identity.provider_user_id, answer)
        except TransportError:
            release_held_notices(identity)
            raise
        do_record_channel_outcome(config)
    return True


def handle_chat_message(config: ChannelConfig, identity: ChannelIdentity, message: IncomingMessage) -> str:
    """Advance the identity's conversation with this message; return the answer to send."""
    text = nfc(message.text or "").strip()
    photos = photos_for_filing(identity, text)
    # Abandoned drafts hold what residents typed: gone a day after they expired (their owner is
    # told of the expiry when writing within that day).
    ReportConversation.objects.filter(expires_at__lt=timezone.now() - timedelta(days=1)).delete()
    with transaction.atomic():
        # The account's row, always there, serialises its messages, even before a conversation exists.
        ChannelIdentity.objects.select_for_update().only("pk").get(pk=identity.pk)
        conversation = ReportConversation.objects.filter(identity=identity).select_related("report").first()
        now = timezone.now()
        notice = ""
        if conversation is not None and conversation.person_id != identity.person_id:
            conversation.delete()  # the account was linked to someone else since
            conversation = None
        if conversation is not None and conversation.step != Step.FILED and conversation.expires_at <= now:
            conversation.delete()
            conversation = None
            notice = _(
                "Your unfinished report was not sent: it expired after %(minutes)d minutes without an answer."
            ) % {"minutes": settings.REPORT_CHAT_IDLE_MINUTES}
        if conversation is None or conversation.step == Step.FILED:
            answer = outside_a_draft(config, identity, conversation, message, text)
        else:
            answer = continue_draft(config, identity, conversation, message, text, photos)
    return "\n\n".join(part for part in (notice, answer) if part)


# The draft, stored between messages --------------------------------------------------------------


def draft_of(conversation: ReportConversation) -> Draft:
    return Draft(
        step=conversation.step,
        kind=conversation.kind,
        category=conversation.category,
        description=conversation.description,
        behaviour=conversation.behaviour,
        place_text=conversation.place_text,
        latitude=conversation.latitude,
        longitude=conversation.longitude,
        image_urls=tuple(conversation.image_urls),
        visibility=conversation.visibility,
    )


def keep_draft(conversation: ReportConversation, draft: Draft) -> None:
    for name, value in asdict(draft).items():
        setattr(conversation, name, list(value) if name == "image_urls" else value)


def continue_draft(
    config: ChannelConfig,
    identity: ChannelIdentity,
    conversation: ReportConversation,
    message: IncomingMessage,
    text: str,
    photos: list | None,
) -> str:
    turn = dialogue.advance(draft_of(conversation), text, message)
    if turn.action == Action.CANCEL:
        conversation.delete()
        return turn.answer
    keep_draft(conversation, turn.draft)
    if turn.action == Action.FILE:
        return file_conversation(config, identity, conversation, photos or [])
    now = timezone.now()
    conversation.updated_at = now
    conversation.expires_at = now + timedelta(minutes=settings.REPORT_CHAT_IDLE_MINUTES)
    conversation.save()
    return turn.answer


# Between drafts: follow-ups on a filed report, or a new conversation ----------------------------


def outside_a_draft(
    config: ChannelConfig,
    identity: ChannelIdentity,
    conversation: ReportConversation | None,
    message: IncomingMessage,
    text: str,
) -> str:
    folded = fold(text)
    if folded not in NEW_WORDS and folded not in CANCEL_WORDS:
        match = RECEIPT_CODE.search(text.upper())
        if match is not None:
            code = f"CG-{match.group(1)}-{match.group(2)}"
            assert identity.person is not None  # checked when the message came in
            report = Report.objects.filter(reports_made_by(identity.person.pk), receipt_code=code).first()
            if report is None:
                # Perhaps their anonymous report: never post a code that is not theirs anywhere,
                # it would link them to it.
                return _(
                    "No report filed in your name has the code %(code)s. An anonymous report is followed "
                    "with its code and secret at %(url)s."
                ) % {"code": code, "url": f"{settings.SITE_URL.rstrip('/')}/reports/follow/"}
            rest = (text[: match.start()] + text[match.end() :]).strip(" :,.-\n")
            return post_follow_up(identity, conversation, report, rest, message)
        if conversation is not None and follows(conversation):
            followed = conversation.followed_report
            assert followed is not None
            return post_follow_up(identity, conversation, followed, text, message)
    if unit_for(identity, config) is None:
        return _(
            "We do not know where you live, so reports cannot be filed here. Use %(url)s or call your commune police."
        ) % {"url": settings.SITE_URL}
    conversation = start(identity, conversation)
    draft, _notes, _got_place = dialogue.take_attachments(draft_of(conversation), message)
    keep_draft(conversation, draft)
    conversation.save()
    return dialogue.kind_prompt()


def start(identity: ChannelIdentity, previous: ReportConversation | None) -> ReportConversation:
    if previous is not None:
        previous.delete()
    now = timezone.now()
    return ReportConversation(
        identity=identity,
        person=identity.person,
        step=Step.KIND,
        draft_key=new_draft_key(),
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(minutes=settings.REPORT_CHAT_IDLE_MINUTES),
    )


def follows(conversation: ReportConversation) -> bool:
    """A filed report takes the resident's messages while it is open and the window lasts."""
    report = conversation.followed_report
    return report is not None and report.is_open and conversation.expires_at > timezone.now()


def post_follow_up(
    identity: ChannelIdentity,
    conversation: ReportConversation | None,
    report: Report,
    text: str,
    message: IncomingMessage,
) -> str:
    lines = [text] if text else []
    lines += [_("Photo: %(url)s") % {"url": a.url} for a in message.attachments if a.kind == "image"]
    if message.location:
        lines.append(
            _("Position: %(lat)s, %(lon)s") % {"lat": message.location.latitude, "lon": message.location.longitude}
        )
    if not lines:
        return _("Report %(code)s: %(status)s. Write your message to the police after the code.") % {
            "code": report.receipt_code,
            "status": report.get_status_display(),
        }
    try:
        check_post_message(report, "\n".join(lines), actor=identity.person, as_reporter=True)
    except ActionError as refusal:
        return " ".join(refusal.messages)
    if report.visibility == Visibility.CONFIDENTIAL:
        # As at filing: the report's thread keeps the words, the webhook log not who wrote them.
        do_forget_messages(identity, since=timezone.now() - FORGET_WINDOW)
    if report.chat_identity_pk is None and not report.is_anonymous:
        report.set_links(report.reporter_pk, report.filer_pk, identity.pk)
        report.save(update_fields=["chat_identity", "filed_by", "sealed_links", "reporter_key", "filer_key"])
    if conversation is not None and conversation.followed_report_id == report.pk:
        conversation.expires_at = timezone.now() + timedelta(days=settings.REPORT_CHAT_FOLLOW_UP_DAYS)
        conversation.save(update_fields=["expires_at"])
    return _("Sent to the police handling report %(code)s. To file another report, write “new”.") % {
        "code": report.receipt_code
    }
