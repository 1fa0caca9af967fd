"""Configure channels from the command line (automated deployments): `channel add`, `channel list`,
`channel set-webhook`, `channel poll`, `channel purge-events`. Same validation as the admin (channels.actions)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localtime

from channels import actions
from channels.base import TransportError
from channels.models import ChannelConfig
from channels.registry import configurable_types, get_type, normalize_slug
from channels.types.zalo_bot.client import ZaloBotClient
from core.errors import ActionError
from places.models import Unit


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    values = {}
    for assignment in assignments:
        name, separator, value = assignment.partition("=")
        if not separator or not name:
            raise CommandError(f"--set takes name=value, got {assignment!r}")
        values[name.strip()] = value
    return values


class Command(BaseCommand):
    help = "Add and list messaging channels; register bot webhooks; poll the Zalo Bot without a webhook."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        add = commands.add_parser("add", help="Add a channel for a province or commune and print its webhook URL")
        add.add_argument(
            "slug", type=normalize_slug, choices=sorted(configurable_types()), help="zalo_oa or zalo-oa: the same type"
        )
        add.add_argument("--unit", required=True, help="Code of the province or commune")
        add.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE")
        add.add_argument("--disabled", action="store_true")
        commands.add_parser("list", help="Channels with their status and last error")
        hook = commands.add_parser("set-webhook", help="Tell a Zalo Bot or Telegram bot where to send updates")
        hook.add_argument("channel_id", type=int)
        poll = commands.add_parser("poll", help="Fetch Zalo Bot updates with getUpdates instead of a webhook")
        poll.add_argument("channel_id", type=int)
        poll.add_argument("--once", action="store_true", help="Stop when no update is waiting")
        purge = commands.add_parser(
            "purge-events", help="Delete processed webhook events older than CHANNEL_EVENT_RETENTION_DAYS"
        )
        purge.add_argument("--days", type=int, help="Retention in days instead of the setting")

    def handle(self, *args, action, **options):
        getattr(self, action.replace("-", "_"))(**options)

    def add(self, *, slug, unit, assignments, disabled, **options):
        found = Unit.objects.filter(code=unit).first()
        if found is None:
            raise CommandError(f"no unit with code {unit!r}")
        try:
            config = actions.check_add_channel(None, found, slug, parse_assignments(assignments), enabled=not disabled)
        except ActionError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Added channel {config.pk}: {config.channel_label} for {found} ({found.code}).")
        url = actions.webhook_url(config)
        if url:
            self.stdout.write(f"Webhook URL: {url}")

    def purge_events(self, *, days, **options):
        deleted = actions.do_purge_inbound_events(days=days)
        self.stdout.write(f"Deleted {deleted} processed webhook events.")

    def list(self, **options):
        configs = ChannelConfig.objects.select_related("unit").order_by("unit__path", "slug")
        if not configs:
            self.stdout.write("No channels configured.")
        for config in configs:
            status = "enabled" if config.enabled else "disabled"
            health = f"ok {localtime(config.last_ok_at):%Y-%m-%d %H:%M}" if config.last_ok_at else "never used"
            line = f"{config.pk:>4}  {config.slug:<12} {config.unit.code:<8} {config.unit}  [{status}, {health}]"
            if config.last_error:
                at = f"{localtime(config.last_error_at):%Y-%m-%d %H:%M}" if config.last_error_at else ""
                line += f"\n      last error {at}: {config.last_error}"
            self.stdout.write(line)

    def _config(self, channel_id: int, slugs: tuple[str, ...]) -> ChannelConfig:
        config = ChannelConfig.objects.filter(pk=channel_id, slug__in=slugs).first()
        if config is None:
            raise CommandError(f"no {' or '.join(slugs)} channel with id {channel_id}")
        return config

    def set_webhook(self, *, channel_id, **options):
        config = self._config(channel_id, ("zalo_bot", "telegram"))
        client = get_type(config.slug).client(config)  # type: ignore[attr-defined]
        url = actions.webhook_url(config)
        try:
            client.set_webhook(url, config.secrets["webhook_secret"])
        except TransportError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Webhook of channel {config.pk} set to {url}")

    def poll(self, *, channel_id, once, **options):
        config = self._config(channel_id, ("zalo_bot",))
        client = ZaloBotClient(config.secrets["bot_token"])
        channel_type = get_type(config.slug)
        stored = 0
        while True:
            try:
                update = client.get_update(timeout=40)
            except TransportError as error:
                raise CommandError(str(error)) from None
            if update is None:
                if once:
                    break
                continue
            _event, created = actions.do_store_inbound_event(config, channel_type.parse(update), update)
            stored += created
        self.stdout.write(f"Stored {stored} update(s).")
