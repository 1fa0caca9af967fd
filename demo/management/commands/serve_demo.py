"""`serve`, plus the local fake Zalo/Telegram/SMS providers the app is pointed at (docs/channels.md)."""

import sys

from django.conf import settings

from channels.fake_providers import base_urls
from channels.types.webpush.keys import generate_private_key
from core.management.commands.serve import Command as ServeCommand
from core.management.commands.serve import SideShow


class Command(ServeCommand):
    help = "Serve like `serve`, with the fake Zalo/Telegram/SMS providers beside it and the app sending to them."
    quiet_by_default = True  # the sign-in codes printed in this terminal must stand out

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--fake-providers", type=int, default=8025, metavar="PORT", help="Port of the fake providers (8025)"
        )

    def side_shows(self, env: dict[str, str], *, port: int, **options) -> list[SideShow]:
        fake_providers = options["fake_providers"]
        # The fake providers are a side show: if they stop (their port taken, say), the app goes on,
        # and messages to Zalo, Telegram and SMS are retried and fall back to the inbox.
        env.update(base_urls(f"http://127.0.0.1:{fake_providers}"))
        env.update(webpush_settings(env))
        fake = [sys.executable, "manage.py", "fake_providers", "--port", str(fake_providers)]
        return [
            SideShow(
                [*fake, "--app-url", f"http://127.0.0.1:{port}"],
                started=(
                    f"Zalo, Telegram and SMS go to the fake providers at http://127.0.0.1:{fake_providers}/ "
                    "(their requests are printed here; docs/channels.md)."
                ),
                stopped=(
                    f"The fake providers stopped (is port {fake_providers} taken?); Cảnh Giác goes on without "
                    "them: Zalo, Telegram and SMS messages are retried, then fall back to the web inbox."
                ),
            )
        ]


def webpush_settings(env: dict[str, str]) -> dict[str, str]:
    """Web Push works in the demo without setup: a VAPID key made once and kept in var/ (unless
    WEBPUSH_VAPID_PRIVATE_KEY is set), and subscriptions at the fake push service accepted.
    `env` is the environment the web server and workers are started with."""
    extra = {}
    if not settings.WEBPUSH_VAPID_PRIVATE_KEY:
        path = settings.VAR_DIR / "webpush_vapid_key"
        if not path.exists():
            path.write_text(generate_private_key())
            path.chmod(0o600)
        extra["WEBPUSH_VAPID_PRIVATE_KEY"] = path.read_text().strip()
    if "WEBPUSH_ENDPOINT_HOSTS" not in env:
        extra["WEBPUSH_ENDPOINT_HOSTS"] = ",".join([*settings.WEBPUSH_ENDPOINT_HOSTS, "127.0.0.1"])
    return extra
