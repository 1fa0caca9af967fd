from django.utils.translation import gettext_lazy as _

from delivery.channels.base import Channel, OutboundMessage


class WebInbox(Channel):
    """The member's inbox in the web app. The delivery row is the inbox item, so sending is
    already done when the row exists; it is the last link of every fallback chain."""

    slug = "web"
    label = _("Web inbox")
    needs_address = False

    def send(self, message: OutboundMessage) -> str:
        return ""
