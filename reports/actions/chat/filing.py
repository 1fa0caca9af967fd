"""Filing a confirmed chat draft as a report, through `check_submit_report` like the web form."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from channels import http
from channels.actions import do_forget_messages
from channels.base import TransportError
from channels.models import ChannelConfig, ChannelIdentity
from core.errors import ActionError
from core.photos import clean_photo
from places.models import Tier, Unit
from reports.actions.chat.dialogue import confirmation
from reports.actions.intake import Submission, check_submit_report, new_secret
from reports.models import IntakeChannel, ReportConversation, Step, Visibility

logger = logging.getLogger(__name__)


def unit_for(identity: ChannelIdentity, config: ChannelConfig) -> Unit | None:
    """Where the report is filed: the resident's residential group, as the web form preselects;
    else the commune the channel serves."""
    person = identity.person
    if person is not None and person.household is not None:
        return person.household.residential_group
    return config.unit if config.unit.tier >= Tier.COMMUNE else None


def intake_channel(config: ChannelConfig) -> str:
    return IntakeChannel.TELEGRAM if config.slug == "telegram" else IntakeChannel.ZALO


def photos_for_filing(identity: ChannelIdentity, text: str) -> list:
    """The draft's images, downloaded before the conversation is locked when this message files
    it (a download can take seconds; no lock is held meanwhile)."""
    draft = ReportConversation.objects.filter(identity=identity, step=Step.CONFIRM).only("image_urls").first()
    if draft is None or not draft.image_urls or confirmation(text) != "send":
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


def file_conversation(
    config: ChannelConfig, identity: ChannelIdentity, conversation: ReportConversation, photos: list
) -> str:
    """File the confirmed draft; return the answer (the receipt, or why it was refused)."""
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
        unit=unit_for(identity, config),
        visibility=conversation.visibility,
        intake_channel=intake_channel(config),
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
            else:
                conversation.step = Step.FILED
                conversation.follow(filed.report)
                conversation.expires_at = timezone.now() + timedelta(days=settings.REPORT_CHAT_FOLLOW_UP_DAYS)
                conversation.save()
            if conversation.visibility != Visibility.NAMED:
                # The webhook log would keep the conversation, and with it who filed: the report
                # holds what was said, its links to the account sealed or absent (docs/channels.md).
                do_forget_messages(identity, since=conversation.created_at - timedelta(hours=1))
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
