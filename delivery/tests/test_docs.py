"""docs/fanout.md stays true: every delivery setting, channel type and command is in it."""

from pathlib import Path

from django.conf import settings

from channels.registry import channel_types

DOC = (Path(settings.BASE_DIR) / "docs" / "fanout.md").read_text()


def test_every_delivery_setting_is_documented():
    names = [name for name in dir(settings) if name.startswith(("DELIVERY_", "BULLETIN_"))]
    assert names
    assert [name for name in names if f"`{name}`" not in DOC] == []


def test_every_channel_type_is_documented():
    for slug, channel in channel_types().items():
        assert f"`{slug}`" in DOC and type(channel).__name__ in DOC


def test_every_management_command_is_documented():
    for app in ("delivery", "bulletins"):
        commands = Path(settings.BASE_DIR, app, "management", "commands").glob("[a-z]*.py")
        for command in commands:
            assert f"`{command.stem}" in DOC, command.stem


def test_the_notify_signature_in_the_docs_matches_the_code():
    import inspect

    from delivery.notify import notify

    parameters = inspect.signature(notify).parameters
    for name in ("recipients", "subject", "body", "url", "priority", "source"):
        assert name in parameters and f"{name}" in DOC
    assert parameters["url"].default == "" and parameters["priority"].default == "normal"
