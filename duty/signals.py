"""What the duty app tells the apps above it.

`alert_acknowledged` is sent when an officer acknowledges a duty alert (kwargs `alert`, `person`,
`via`), after its transaction committed."""

from django.dispatch import Signal

alert_acknowledged = Signal()
