"""Channel types: small classes in a registry, all behind one send contract (docs/fanout.md).

Adding a channel is one module with a `Channel` subclass and one entry in the
`DELIVERY_CHANNEL_TYPES` setting.
"""

from delivery.channels.base import Channel, OutboundMessage, TransportError, channel_types, get_channel

__all__ = ["Channel", "OutboundMessage", "TransportError", "channel_types", "get_channel"]
