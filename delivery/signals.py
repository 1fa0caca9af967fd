"""What the delivery engine tells the apps above it (docs/fanout.md).

`chat_reply_attempted` is sent after each attempt to send a chat reply (`ChatReply`): kwargs
`delivery`, `reply`, `error` (the `TransportError`, None when it was sent) and `final` (no
retry follows: sent, or given up and fallen back to the person's chain). The reports app keeps
the status the officer sees on a police message in step with it.
"""

from django.dispatch import Signal

chat_reply_attempted = Signal()
