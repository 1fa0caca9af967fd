from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from channels.base import OutboundMessage, SendResult
from channels.registry import ChannelType

if TYPE_CHECKING:
    from channels.models import ChannelConfig


class WebInboxType(ChannelType):
    """The member's inbox in the web app. The delivery row is the inbox item, so sending is
    already done when the row exists; it is the last link of every fallback chain."""

    slug = "web"
    label = _("Web inbox")
    needs_config = False
    needs_address = False
    rate_per_minute = None

    def send(self, config: "ChannelConfig | None", message: OutboundMessage) -> SendResult:
        return SendResult("")


TYPE = WebInboxType()
