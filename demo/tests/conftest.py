"""The local fake providers, for the demo's channels."""

from channels.conftest import fake  # noqa: F401
