"""The one public entry point for notifications from other apps (docs/fanout.md).

    from delivery.notify import notify
    notify(Person.objects.filter(...), subject="…", body="…", url="/reports/12/", priority="urgent", source=report)

Recipients are a Person queryset (fanned out in one INSERT … SELECT) or an iterable of person
ids (in batches). Every notice goes through the same engine: one delivery per person however
many times they are listed, relays for members without a smartphone, each member's channel
chain, retries, rate limits and quiet hours. `reply_to` (a `channels.base.ReplyContext`)
answers the one recipient first in the chat they wrote from, with `reply_text`. `channel` sends
on that channel first (recipients must have an address there); `parallel_of` marks a copy of
another notice on one more channel (shown once in the inbox, no fallback); `ack_url` is where one
tap acknowledges it (duty alerts, docs/reports.md). `sealed` stores its subject, text, links and
source encrypted: a notice to a confidential reporter about their report (docs/privacy.md).
"""

from collections.abc import Iterable
from typing import Any

from django.db import models

from channels.base import ReplyContext
from delivery.actions import do_create_notice
from delivery.models import Notice, Priority
from people.models import Person


def notify(
    recipients: models.QuerySet[Any, Any] | Iterable[int],
    *,
    subject: str,
    body: str,
    url: str = "",
    priority: str = Priority.NORMAL,
    source: models.Model | None = None,
    sender: Person | None = None,
    body_html: str = "",
    inbox_only: bool = False,
    reply_to: ReplyContext | None = None,
    reply_text: str = "",
    channel: str = "",
    parallel_of: Notice | None = None,
    ack_url: str = "",
    sealed: bool = False,
) -> Notice:
    return do_create_notice(
        recipients,
        subject=subject,
        body=body,
        body_html=body_html,
        url=url,
        priority=priority,
        source=source,
        sender=sender,
        inbox_only=inbox_only,
        reply_to=reply_to,
        reply_text=reply_text,
        channel=channel,
        parallel_of=parallel_of,
        ack_url=ack_url,
        sealed=sealed,
    )
