"""Where other apps plug into inbound traffic without channels importing them (docs/channels.md).

`message_received` is sent for every message from a linked person; a receiver that takes over the
conversation (the report conversations, after the reports app lands) returns True.
`delivery_receipt_received` is sent when a provider confirms a message reached the phone; the
delivery engine marks its delivery delivered. `messages_seen` is sent when a provider says the
recipient opened messages (Zalo OA "seen"); the delivery engine marks them read.
`identity_linked` is sent when a chat account is linked to a person or unlinked (person None),
inside that transaction; `identity_reachability_changed` when an account unfollowed, blocked,
followed again or wrote. The delivery app keeps the person's addresses in step with both.
"""

from django.dispatch import Signal

message_received = Signal()  # kwargs: config, identity, message (IncomingMessage)
delivery_receipt_received = Signal()  # kwargs: config, receipt (DeliveryReceipt)
messages_seen = Signal()  # kwargs: config, seen (SeenReceipt)
identity_linked = Signal()  # kwargs: identity (ChannelIdentity), person (Person or None)
identity_reachability_changed = Signal()  # kwargs: identity (ChannelIdentity)
