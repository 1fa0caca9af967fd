from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["ActionError", "PermissionDenied", "ValidationError"]


class ActionError(ValidationError):
    """A write was refused for a reason the user can act on; the message is in their language."""
