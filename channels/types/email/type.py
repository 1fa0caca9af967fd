import smtplib
from email.utils import make_msgid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from channels.base import OutboundMessage, SendResult, TransportError
from channels.registry import ChannelType

if TYPE_CHECKING:
    from channels.models import ChannelConfig


class EmailType(ChannelType):
    """Email over SMTP (Django's EMAIL_* settings). 5xx answers are permanent, the rest retried."""

    slug = "email"
    label = _("Email")
    needs_config = False
    rate_per_minute = 600

    def validate_address(self, address: str) -> str:
        address = address.strip().lower()
        validate_email(address)
        return address

    def send(self, config: "ChannelConfig | None", message: OutboundMessage) -> SendResult:
        message_id = make_msgid(domain="canhgiac")
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.address],
            headers={
                "Message-ID": message_id,
                "X-Canhgiac-Delivery": message.reference,
                **({"Importance": "high"} if message.urgent else {}),
            },
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        try:
            sent = mailers.default.send_messages([email])
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise TransportError(f"{code} {_decode(reply)}", permanent=code >= 500) from error
        except smtplib.SMTPResponseException as error:
            raise TransportError(
                f"{error.smtp_code} {_decode(error.smtp_error)}", permanent=error.smtp_code >= 500
            ) from error
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise TransportError(f"SMTP: {error}") from error
        if not sent:
            raise TransportError("the mail server accepted nothing")
        return SendResult(message_id)


TYPE = EmailType()


def _decode(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
