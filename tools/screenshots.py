#!/usr/bin/env python
"""Screenshots of the inbox and bulletin pages on a phone-sized Chromium, for a human to look at.

    .venv/bin/python tools/screenshots.py http://127.0.0.1:8000   (a server running the demo data)

Writes PNGs to docs/screenshots/tmp/. Run it against a database seeded by `manage.py seed_demo`.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhgiac.settings")
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def session_for(person) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.plugins.otp_totp.models import TOTPDevice

    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = "people.auth.PhoneCodeBackend"
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    device = TOTPDevice.objects.filter(user=person, confirmed=True).first()
    if device is not None:
        session["otp_device_id"] = device.persistent_id
    session.save()
    return str(session.session_key)


def main(base: str) -> None:
    import django

    django.setup()
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from bulletins.models import Bulletin
    from people.models import Person

    out = ROOT / "docs" / "screenshots" / "tmp"
    out.mkdir(parents=True, exist_ok=True)
    relay = Person.objects.get(phone="+84901000002")
    officer = Person.objects.get(phone="+84901000004")
    buffalo = Bulletin.objects.filter(reshared_post__isnull=False).first()
    fire = Bulletin.objects.filter(category="fire").first()
    shots = [
        (relay, "/inbox/", "inbox-relay"),
        (relay, f"/bulletins/{fire.pk}/" if fire else "/bulletins/", "bulletin-member"),
        (officer, f"/bulletins/{buffalo.pk}/" if buffalo else "/bulletins/", "bulletin-reach"),
        (officer, "/bulletins/new/?template=1", "compose"),
        (officer, "/bulletins/", "bulletins-officer"),
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox", "--disable-background-networking"]
        )
        for person, path, name in shots:
            context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="vi-VN")
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_for(person), "url": base}])
            page = context.new_page()
            page.goto(base + path)
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            context.close()
            print(out / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
