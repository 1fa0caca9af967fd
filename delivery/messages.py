"""What a delivery says on an outbound channel, in the receiver's language."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from channels.base import OutboundMessage, ReplyContext
from delivery.models import Delivery, Priority


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def render_message(delivery: Delivery, address: str) -> OutboundMessage:
    notice = delivery.notice
    receiver = delivery.relay or delivery.person
    on_behalf_of = delivery.person.full_name if delivery.relay_id else ""
    link = absolute(reverse("delivery:open", args=[delivery.pk]))
    with translation.override(receiver.language):
        subject = notice.subject
        lead = ""
        if on_behalf_of:
            lead = translation.gettext("Please read this to %(name)s, then confirm in Cảnh Giác.") % {
                "name": on_behalf_of
            }
            subject = translation.gettext("Read to %(name)s: %(subject)s") % {"name": on_behalf_of, "subject": subject}
        if notice.priority == Priority.URGENT:
            subject = translation.gettext("[URGENT] %(subject)s") % {"subject": subject}
        footer = translation.gettext("Open in Cảnh Giác: %(link)s") % {"link": link}
    text = "\n\n".join(part for part in (lead, notice.body, footer) if part)
    html_parts = [
        f"<p><strong>{escape(lead)}</strong></p>" if lead else "",
        notice.body_html or f"<p>{escape(notice.body)}</p>",
    ]
    html_parts.append(f'<p><a href="{escape(link)}">{escape(footer)}</a></p>')
    return OutboundMessage(
        address=address,
        recipient_name=receiver.full_name,
        subject=subject[:250],
        text=text,
        html="".join(html_parts),
        url=link,
        urgent=notice.priority == Priority.URGENT,
        on_behalf_of=on_behalf_of,
        reference=f"delivery-{delivery.pk}",
        recipient_id=receiver.pk,
        ack_url=absolute(notice.ack_url),
    )


def render_reply(delivery: Delivery, text: str, reply_to: ReplyContext) -> OutboundMessage:
    """A chat reply says its own text, as written for the chat, without the notice's subject or link."""
    return OutboundMessage(
        address="",
        recipient_name=delivery.person.full_name,
        subject="",
        text=text,
        html="",
        url="",
        urgent=delivery.notice.priority == Priority.URGENT,
        reference=f"delivery-{delivery.pk}",
        recipient_id=delivery.person_id,
        reply_to=reply_to,
    )
