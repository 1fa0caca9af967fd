"""Filing a report in a Zalo or Telegram chat, and the chat side of a report's thread.

The channels app sends `message_received` for every message from a linked account (it never
imports reports); `on_message_received` takes it. A resident is led one question at a time —
kind → category → description (→ what the person did) → place, position or photo → who may know
→ confirmation — and the report is filed through `check_submit_report`, like the web form. Later
messages reach the report's thread; the police's answers go back through the same chat
(`do_send_chat_reply`, run by `reports.tasks.send_chat_reply`). See docs/channels.md.
"""

import logging
import re
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from channels import http
from channels.actions import do_forget_messages, do_record_channel_outcome
from channels.base import IncomingMessage, TransportError
from channels.models import ChannelConfig, ChannelIdentity
from channels.registry import get_type
from channels.text import nfc
from core.errors import ActionError
from core.text import fold
from delivery.actions import do_release_notice
from delivery.models import Notice
from places.models import Tier, Unit
from reports.actions.handling import check_post_message
from reports.actions.intake import Submission, check_submit_report, new_secret
from reports.categories import BY_CODE, CATEGORIES, Kind
from reports.checks import WARNING_MESSAGES, in_vietnam, mentions_appearance, sensitive_findings
from reports.models import (
    RECEIPT_ALPHABET,
    Channel,
    ChatStatus,
    Report,
    ReportConversation,
    ReportMessage,
    Step,
    Visibility,
    new_draft_key,
)
from reports.photos import clean_photo

logger = logging.getLogger(__name__)

CANCEL_WORDS = {"huy", "cancel", "thoi", "dung lai", "stop"}
SKIP_WORDS = {"bo qua", "skip", "khong"}
NEW_WORDS = {"bao moi", "tin bao moi", "new", "new report", "/start", "start", "bat dau"}
SEND_WORDS = ("gui", "dong y", "xac nhan", "ok", "yes", "send")
# Words residents use for each kind, folded (no diacritics), in both languages.
KIND_WORDS = {
    Kind.CRIME: ("toi pham", "to giac", "su viec", "crime"),
    Kind.SUSPICIOUS: ("kha nghi", "doi tuong", "suspicious"),
    Kind.PUBLIC_ORDER: ("trat tu", "an ninh", "public order"),
    Kind.LOST: ("mat", "danh roi", "lost"),
    Kind.FOUND: ("nhat", "nhat duoc", "found"),
}
VISIBILITY_WORDS = {
    Visibility.NAMED: ("ten", "ghi ten", "named", "name"),
    Visibility.CONFIDENTIAL: ("bao mat", "confidential"),
    Visibility.ANONYMOUS: ("an danh", "anonymous"),
}
RECEIPT_CODE = re.compile(rf"\bCG[\s-]?([{RECEIPT_ALPHABET}]{{4}})[\s-]?([{RECEIPT_ALPHABET}]{{4}})\b")
MAX_CHAT_IMAGES = 10
CHAT_REPLY_ATTEMPTS = 5


# The receiver ----------------------------------------------------------------------------------


def on_message_received(sender, config: ChannelConfig, identity: ChannelIdentity, message: IncomingMessage, **kwargs):
    """Connected to channels.signals.message_received: every message of a linked person is ours."""
    if identity.person is None:
        return False
    with translation.override(identity.person.language or "vi"):
        answer = handle_chat_message(config, identity, message)
    if answer:
        try:
            get_type(config.slug).reply(config, identity.provider_user_id, answer)
        except TransportError:
            release_held_notices(identity)
            raise
        do_record_channel_outcome(config)
    return True


def release_held_notices(identity: ChannelIdentity) -> None:
    """The chat could not take the answer: the notices kept in the reporter's inbox because the
    chat was telling them (the receipt, the police's messages) go to their channels after all."""
    conversation = ReportConversation.objects.filter(identity=identity, report__isnull=False).first()
    if conversation is None or conversation.report_id is None:
        return
    held = Notice.objects.filter(
        source_type=Report._meta.label_lower, source_id=str(conversation.report_id), inbox_only=True
    )
    for notice in held:
        do_release_notice(notice)


def handle_chat_message(config: ChannelConfig, identity: ChannelIdentity, message: IncomingMessage) -> str:
    """Advance the identity's conversation with this message; return the answer to send."""
    text = nfc(message.text or "").strip()
    photos = _photos_for_filing(identity, text)
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
            answer = _outside_a_draft(config, identity, conversation, message, text)
        else:
            answer = _advance(config, identity, conversation, message, text, photos)
    return "\n\n".join(part for part in (notice, answer) if part)


# Between drafts: follow-ups on a filed report, or a new conversation ----------------------------


def _outside_a_draft(
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
            report = Report.objects.filter(receipt_code=code, reporter=identity.person).first()
            if report is None:
                # Perhaps their anonymous report: never post a code that is not theirs anywhere,
                # it would link them to it.
                return _(
                    "No report filed in your name has the code %(code)s. An anonymous report is followed "
                    "with its code and secret at %(url)s."
                ) % {"code": code, "url": f"{settings.SITE_URL.rstrip('/')}/reports/follow/"}
            rest = (text[: match.start()] + text[match.end() :]).strip(" :,.-\n")
            return _post_follow_up(identity, conversation, report, rest, message)
        if conversation is not None and _follows(conversation):
            assert conversation.report is not None
            return _post_follow_up(identity, conversation, conversation.report, text, message)
    if _unit_for(identity, config) is None:
        return _(
            "We do not know where you live, so reports cannot be filed here. Use %(url)s or call your commune police."
        ) % {"url": settings.SITE_URL}
    conversation = _start(identity, conversation)
    _take_attachments(conversation, message)
    conversation.save()
    return _kind_prompt()


def _start(identity: ChannelIdentity, previous: ReportConversation | None) -> ReportConversation:
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


def _follows(conversation: ReportConversation) -> bool:
    """A filed report takes the resident's messages while it is open and the window lasts."""
    report = conversation.report
    return report is not None and report.is_open and conversation.expires_at > timezone.now()


def _post_follow_up(
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
    if report.chat_identity_id is None and not report.is_anonymous:
        Report.objects.filter(pk=report.pk).update(chat_identity=identity)
    if conversation is not None and conversation.report_id == report.pk:
        conversation.expires_at = timezone.now() + timedelta(days=settings.REPORT_CHAT_FOLLOW_UP_DAYS)
        conversation.save(update_fields=["expires_at"])
    return _("Sent to the police handling report %(code)s. To file another report, write “new”.") % {
        "code": report.receipt_code
    }


# The questions -----------------------------------------------------------------------------


def _numbered(options: list[tuple[str, str]]) -> str:
    return "\n".join(f"{number}. {label}" for number, (_value, label) in enumerate(options, start=1))


def _kind_options() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Kind.choices]


def _category_options(kind: str) -> list[tuple[str, str]]:
    return [(c.code, str(c.name)) for c in CATEGORIES if c.kind == kind]


def _visibility_options() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Visibility.choices]


def _kind_prompt() -> str:
    return "\n".join(
        [
            _("What do you want to report to the police? Answer with a number:"),
            _numbered(_kind_options()),
            _("Write “cancel” to stop at any time."),
        ]
    )


def _prompt(conversation: ReportConversation) -> str:
    step = conversation.step
    if step == Step.KIND:
        return _kind_prompt()
    if step == Step.CATEGORY:
        return "\n".join([_("Which of these is it?"), _numbered(_category_options(conversation.kind))])
    if step == Step.DESCRIPTION:
        if conversation.kind in (Kind.LOST, Kind.FOUND):
            return _("Describe it: what it is, how to recognise it, when and where.")
        return _("Tell us what happened: what, when, and who was involved.")
    if step == Step.BEHAVIOUR:
        return _("What did the person do that worried you? Describe their behaviour, not their looks.")
    if step == Step.LOCATION:
        return _(
            "Where did it happen? Send your location, a photo, or write the place. "
            "Write “skip” if you prefer not to say."
        )
    if step == Step.VISIBILITY:
        return "\n".join(
            [
                _("Who may know that you reported this?"),
                _numbered(_visibility_options()),
                _(
                    "If you choose anonymous, the police cannot answer you here: you follow the report "
                    "on the web with its code and secret."
                ),
            ]
        )
    if step == Step.CONFIRM:
        return _summary(conversation)
    return ""


def _summary(conversation: ReportConversation) -> str:
    category = BY_CODE.get(conversation.category)
    lines = [
        _("Please check your report:"),
        _("Kind: %(kind)s") % {"kind": Kind(conversation.kind).label},
        _("Category: %(category)s") % {"category": category.name if category else conversation.category},
        _("What happened: %(text)s") % {"text": conversation.description},
    ]
    if conversation.behaviour:
        lines.append(_("What the person did: %(text)s") % {"text": conversation.behaviour})
    if conversation.place_text:
        lines.append(_("Where: %(place)s") % {"place": conversation.place_text})
    if conversation.latitude is not None:
        lines.append(_("Position: %(lat)s, %(lon)s") % {"lat": conversation.latitude, "lon": conversation.longitude})
    if conversation.image_urls:
        lines.append(_("Photos: %(count)d") % {"count": len(conversation.image_urls)})
    lines.append(_("Who knows: %(visibility)s") % {"visibility": Visibility(conversation.visibility).label})
    text = " ".join((conversation.description, conversation.behaviour, conversation.place_text))
    warnings = sensitive_findings(text)
    if conversation.kind == Kind.SUSPICIOUS and mentions_appearance(text):
        warnings.append("appearance")
    lines += [str(WARNING_MESSAGES[code]) for code in warnings]
    lines.append("1. " + _("Send") + "\n2. " + _("Cancel"))
    return "\n".join(lines)


def _choose(answer: str, options: list[tuple[str, str]], words: dict | None = None) -> str | None:
    """The option picked by its number ("2", "2.", "số 2") or by words of its label; None when unclear."""
    folded = fold(answer).strip(" .!?")
    if not folded:
        return None
    number = re.fullmatch(r"(?:so\s*)?(\d{1,2})\.?", folded)
    if number:
        index = int(number.group(1)) - 1
        return options[index][0] if 0 <= index < len(options) else None
    hits = set()
    for value, label in options:
        folded_label = fold(label)
        aliases = (words or {}).get(value, ())
        if (
            folded == folded_label
            or (len(folded) >= 4 and folded in folded_label)
            or any(re.search(rf"\b{re.escape(alias)}\b", folded) for alias in aliases)
        ):
            hits.add(value)
    return hits.pop() if len(hits) == 1 else None


def _not_understood(answer: str) -> str:
    return _("Sorry, “%(answer)s” is not one of the choices. Answer with one of the numbers.") % {"answer": answer[:60]}


# Advancing a draft -----------------------------------------------------------------------------


def _take_attachments(conversation: ReportConversation, message: IncomingMessage) -> tuple[list[str], bool]:
    """Images and a position sent at any step go into the draft. Returns what to tell the sender,
    and whether a place (a photo or a position) came with this message."""
    notes, got_place = [], False
    images = [a.url for a in message.attachments if a.kind == "image"]
    if images:
        conversation.image_urls = (list(conversation.image_urls) + images)[:MAX_CHAT_IMAGES]
        notes.append(_("Photo received."))
        got_place = True
    if message.location is not None:
        latitude = Decimal(str(message.location.latitude)).quantize(Decimal("0.000001"))
        longitude = Decimal(str(message.location.longitude)).quantize(Decimal("0.000001"))
        if in_vietnam(latitude, longitude):
            conversation.latitude, conversation.longitude = latitude, longitude
            notes.append(_("Location received."))
            got_place = True
        else:
            notes.append(_("This position is outside Vietnam; it was not kept."))
    return notes, got_place


def _advance(
    config: ChannelConfig,
    identity: ChannelIdentity,
    conversation: ReportConversation,
    message: IncomingMessage,
    text: str,
    photos: list | None,
) -> str:
    folded = fold(text)
    if folded in CANCEL_WORDS:
        conversation.delete()
        return _("Cancelled: nothing was sent to the police. Write to us again to start a new report.")
    notes, got_place = _take_attachments(conversation, message)
    step = conversation.step
    error = ""
    if folded in SKIP_WORDS:
        if step == Step.LOCATION:
            conversation.step = Step.VISIBILITY
        else:
            error = _("This question cannot be skipped.")
    elif step == Step.KIND and text:
        kind = _choose(text, _kind_options(), KIND_WORDS)
        if kind is None:
            error = _not_understood(text)
        else:
            conversation.kind, conversation.step = kind, Step.CATEGORY
    elif step == Step.CATEGORY and text:
        keywords = {c.code: tuple(fold(k) for k in c.keywords) for c in CATEGORIES}
        category = _choose(text, _category_options(conversation.kind), keywords)
        if category is None:
            error = _not_understood(text)
        else:
            conversation.category, conversation.step = category, Step.DESCRIPTION
    elif step in (Step.DESCRIPTION, Step.BEHAVIOUR) and text:
        if len(text) > settings.REPORT_MAX_TEXT:
            error = _("Keep it under %(n)d characters.") % {"n": settings.REPORT_MAX_TEXT}
        elif step == Step.DESCRIPTION:
            conversation.description = text
            conversation.step = Step.BEHAVIOUR if conversation.kind == Kind.SUSPICIOUS else Step.LOCATION
        else:
            conversation.behaviour, conversation.step = text, Step.LOCATION
    elif step == Step.LOCATION and (text or got_place):
        conversation.place_text = text[:300]
        conversation.step = Step.VISIBILITY
    elif step == Step.VISIBILITY and text:
        visibility = _choose(text, _visibility_options(), VISIBILITY_WORDS)
        if visibility is None:
            error = _not_understood(text)
        else:
            conversation.visibility, conversation.step = visibility, Step.CONFIRM
    elif step == Step.CONFIRM and text:
        choice = _confirmation(text)
        if choice == "cancel":
            conversation.delete()
            return _("Cancelled: nothing was sent to the police. Write to us again to start a new report.")
        if choice == "send":
            return _file(config, identity, conversation, photos or [])
        error = _not_understood(text)
    now = timezone.now()
    conversation.updated_at = now
    conversation.expires_at = now + timedelta(minutes=settings.REPORT_CHAT_IDLE_MINUTES)
    conversation.save()
    return "\n".join(filter(None, [*notes, error, _prompt(conversation)]))


def _confirmation(text: str) -> str | None:
    return _choose(text, [("send", _("Send")), ("cancel", _("Cancel"))], {"send": SEND_WORDS})


# Filing ------------------------------------------------------------------------------------------


def _unit_for(identity: ChannelIdentity, config: ChannelConfig) -> Unit | None:
    """Where the report is filed: the resident's residential group, as the web form preselects;
    else the commune the channel serves."""
    person = identity.person
    if person is not None and person.household is not None:
        return person.household.residential_group
    return config.unit if config.unit.tier >= Tier.COMMUNE else None


def _channel(config: ChannelConfig) -> str:
    return Channel.TELEGRAM if config.slug == "telegram" else Channel.ZALO


def _photos_for_filing(identity: ChannelIdentity, text: str) -> list:
    """The draft's images, downloaded before the conversation is locked when this message files
    it (a download can take seconds; no lock is held meanwhile)."""
    draft = ReportConversation.objects.filter(identity=identity, step=Step.CONFIRM).only("image_urls").first()
    if draft is None or not draft.image_urls or _confirmation(text) != "send":
        return []
    return [download_image(url) for url in draft.image_urls[: settings.REPORT_MAX_PHOTOS]]


def download_image(url: str) -> ContentFile | None:
    """An image sent in a chat, checked as a photo upload is (size, content), or None when it
    cannot be fetched or read: its link is then kept on the report instead.

    Telegram sends file ids whose URL needs the bot token (`telegram-file:…`): kept as links."""
    try:
        content, _type = http.download(
            "chat-image",
            url,
            max_bytes=settings.REPORT_MAX_PHOTO_BYTES,
            content_types=("image/jpeg", "image/png", "image/webp"),
        )
        photo = ContentFile(content, name="chat-photo.jpg")
        clean_photo(photo)
    except (TransportError, ActionError) as error:
        logger.info("chat image not kept as a photo: %s", error)
        return None
    photo.seek(0)
    return photo


def _file(config: ChannelConfig, identity: ChannelIdentity, conversation: ReportConversation, photos: list) -> str:
    person = identity.person
    assert person is not None
    anonymous = conversation.visibility == Visibility.ANONYMOUS
    downloaded = dict(zip(conversation.image_urls, photos, strict=False))
    files = [photo for photo in downloaded.values() if photo is not None]
    links = [url for url in conversation.image_urls if downloaded.get(url) is None]
    secret = new_secret() if anonymous else ""
    submission = Submission(
        kind=conversation.kind,
        category=conversation.category,
        description=conversation.description,
        behaviour=conversation.behaviour,
        place_text=conversation.place_text,
        latitude=conversation.latitude,
        longitude=conversation.longitude,
        unit=_unit_for(identity, config),
        visibility=conversation.visibility,
        channel=_channel(config),
        source=config.slug,
        confirm_warnings=True,  # the summary showed the warnings before "Send"
        idempotency_key=conversation.draft_key,
        secret=secret or None,
        photos=files,
        evidence_links=links,
        chat_identity=None if anonymous else identity,
    )
    try:
        with transaction.atomic():
            # An anonymous report is filed by nobody: no account is passed, none is stored.
            filed = check_submit_report(None if anonymous else person, submission)
            if anonymous:
                conversation.delete()
                do_forget_messages(identity, since=conversation.created_at - timedelta(hours=1))
            else:
                conversation.step, conversation.report = Step.FILED, filed.report
                conversation.expires_at = timezone.now() + timedelta(days=settings.REPORT_CHAT_FOLLOW_UP_DAYS)
                conversation.save()
    except ActionError as refusal:
        return "\n".join([*refusal.messages, _("Write “cancel” to stop.")])
    code = filed.report.receipt_code
    if anonymous:
        return _(
            "Thank you. The police received your anonymous report. Receipt code: %(code)s, secret: "
            "%(secret)s. Keep both: with them you follow the report at %(url)s. Nothing links this report "
            "to you, so the police cannot answer you in this chat."
        ) % {"code": code, "secret": filed.secret, "url": f"{settings.SITE_URL.rstrip('/')}/reports/follow/"}
    return _(
        "Thank you. The police received your report. Receipt code: %(code)s. What you write here in "
        "the next %(days)d days goes to the police handling it; write “new” to file another report."
    ) % {"code": code, "days": settings.REPORT_CHAT_FOLLOW_UP_DAYS}


# The police's answer, back through the chat ----------------------------------------------------


def do_send_chat_reply(message_id: int) -> str:
    """Send a message on a report to the chat the reporter filed it from; return the new status.

    Zalo OA reaches a user only within 7 days of their last message (`reply_window`); outside it
    the message is not sent by chat, and the reporter still has the delivery engine's notice and
    the updates feed (docs/channels.md)."""
    message = ReportMessage.objects.select_related("report__chat_identity__config__unit", "report__reporter").get(
        pk=message_id
    )
    if message.chat_status not in (ChatStatus.QUEUED, ChatStatus.RETRYING):
        return message.chat_status
    report = message.report
    identity = report.chat_identity
    if identity is None or identity.person_id is None or identity.person_id != report.reporter_id:
        return _set_chat_status(message, ChatStatus.FAILED, "the chat account is no longer linked to the reporter")
    config = identity.config
    try:
        channel_type = get_type(config.slug)
    except LookupError:
        return _set_chat_status(message, ChatStatus.FAILED, f"channel type {config.slug} is disabled")
    if not config.enabled:
        return _set_chat_status(message, ChatStatus.FAILED, "the channel is disabled")
    window = channel_type.reply_window
    if window is not None and (identity.last_seen_at is None or identity.last_seen_at < timezone.now() - window):
        return _set_chat_status(message, ChatStatus.OUTSIDE_WINDOW, "")
    with translation.override(report.reporter.language if report.reporter else "vi"):
        text = _("About your report %(code)s, the police write:\n%(body)s") % {
            "code": report.receipt_code,
            "body": message.body,
        }
    attempts = message.chat_attempts + 1
    try:
        channel_type.reply(config, identity.provider_user_id, text)
    except TransportError as error:
        do_record_channel_outcome(config, error)
        from django.tasks import default_task_backend

        from reports.tasks import send_chat_reply

        if error.permanent or attempts >= CHAT_REPLY_ATTEMPTS or not default_task_backend.supports_defer:
            return _set_chat_status(message, ChatStatus.FAILED, str(error), attempts)
        status = _set_chat_status(message, ChatStatus.RETRYING, str(error), attempts)
        backoff = timezone.now() + timedelta(minutes=2**attempts)
        run_after = max(backoff, error.retry_after) if error.retry_after else backoff
        send_chat_reply.using(run_after=run_after).enqueue(message.pk)
        return status
    do_record_channel_outcome(config)
    return _set_chat_status(message, ChatStatus.SENT, "", attempts)


def _set_chat_status(message: ReportMessage, status: str, error: str, attempts: int | None = None) -> str:
    fields: dict[str, str | int] = {"chat_status": status, "chat_error": error[:300]}
    if attempts is not None:
        fields["chat_attempts"] = attempts
    ReportMessage.objects.filter(pk=message.pk).update(**fields)
    # Not said in the chat: the notice kept in the reporter's inbox goes down their channels.
    if status in (ChatStatus.FAILED, ChatStatus.OUTSIDE_WINDOW) and message.held_notice is not None:
        do_release_notice(message.held_notice)
    return status
