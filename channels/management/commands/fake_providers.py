"""Run the local fake of Zalo OAuth/OA/ZNS, Zalo Bot, Telegram and an SMS gateway (docs/channels.md)."""

import io
import time

from django.core.management.base import BaseCommand
from PIL import Image

from channels.fake_providers import FakeProviders, WebhookTarget


class Command(BaseCommand):
    help = "Serve fake Zalo, ZNS, Zalo Bot, Telegram and SMS gateway APIs locally, printing what they receive."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--app-url", default="http://127.0.0.1:8000", help="Where /_fake/say sends webhooks")
        parser.add_argument("--refresh-token", default="demo-refresh-token", help="A refresh token the fake accepts")
        parser.add_argument(
            "--seen-after",
            type=float,
            default=5.0,
            help="Seconds after which each OA message is reported seen and each ZNS message received (negative: never)",
        )

    def handle(self, *args, port, host, app_url, refresh_token, seen_after, **options):
        fake = FakeProviders(refresh_tokens=(refresh_token,), target=WebhookTarget(app_url=app_url))
        fake.seen_after = seen_after if seen_after >= 0 else None
        fake.start(host, port)
        photo = io.BytesIO()
        Image.new("RGB", (320, 240), (90, 120, 160)).save(photo, format="JPEG")
        demo_photo = fake.serve("demo.jpg", photo.getvalue())
        self.stdout.write(f"Fake providers at {fake.url}. Point Cảnh Giác at them with:")
        for name, value in fake.base_urls().items():
            self.stdout.write(f"  export {name}={value}")
        self.stdout.write(f"  SMS gateway URL for `channel add sms_gateway`: {fake.url}/sms/send")
        self.stdout.write(f"  A photo a resident can send (`image_url` of /_fake/say): {demo_photo}")
        self.stdout.write("Ctrl+C stops. Requests received:")
        shown = 0
        try:
            while True:
                time.sleep(0.5)
                with fake.lock:
                    new = fake.received[shown:]
                shown += len(new)
                for item in new:
                    body = item.json if item.json is not None else item.form
                    self.stdout.write(f"  {time.strftime('%H:%M:%S')} {item.route:<24} {body}")
        except KeyboardInterrupt:
            pass
        finally:
            fake.stop()
