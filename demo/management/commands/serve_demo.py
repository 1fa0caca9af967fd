"""`serve`, plus the local fake Zalo/Telegram/SMS providers the app is pointed at (docs/channels.md)."""

import sys

from channels.fake_providers import base_urls
from core.management.commands.serve import Command as ServeCommand
from core.management.commands.serve import SideShow


class Command(ServeCommand):
    help = "Serve like `serve`, with the fake Zalo/Telegram/SMS providers beside it and the app sending to them."

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
