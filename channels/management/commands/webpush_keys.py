"""Print a new VAPID key pair for Web Push (docs/channels.md, "Web Push")."""

from django.core.management.base import BaseCommand

from channels.types.webpush.keys import generate_private_key, public_key, public_key_of, vapid_from


class Command(BaseCommand):
    help = "Generate a VAPID key pair for Web Push: put the private key in WEBPUSH_VAPID_PRIVATE_KEY."

    def add_arguments(self, parser):
        parser.add_argument("--public", action="store_true", help="Print the public key of the configured private key")

    def handle(self, *args, public: bool, **options):
        if public:
            key = public_key()
            if not key:
                self.stderr.write("WEBPUSH_VAPID_PRIVATE_KEY is not set.")
                raise SystemExit(1)
            self.stdout.write(key)
            return
        private = generate_private_key()
        self.stdout.write(f"WEBPUSH_VAPID_PRIVATE_KEY={private}")
        self.stdout.write(f"# public key (browsers subscribe with it): {public_key_of(vapid_from(private))}")
