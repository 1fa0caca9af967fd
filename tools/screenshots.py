#!/usr/bin/env python
"""Phone (390×844) and desk (1366×768) screenshots of every main page, into docs/screenshots/.

    .venv/bin/python tools/screenshots.py [http://127.0.0.1:8000]   (a server running the demo data)

Run it against a database seeded by `manage.py seed_demo` (`make demo` in another terminal). Each
page is taken as the persona who uses it; files are named `<page>-phone.png` and `<page>-desk.png`.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhgiac.settings")
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SIZES = {"phone": (390, 844), "desk": (1366, 768)}


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


def main_pages() -> list[tuple[str | None, str, str]]:
    """(persona phone, path, name) of every main page of the demo."""
    from bulletins.models import Bulletin
    from demo import data
    from groups.models import CommunityGroup, GroupRole

    leader_group = CommunityGroup.objects.filter(memberships__person__phone="+84901000003").filter(
        memberships__role=GroupRole.LEADER
    )
    buffalo = Bulletin.objects.filter(reshared_post__isnull=False).first()
    resident, relay, leader, officer, province, steering = (
        "+84901000001",
        "+84901000002",
        "+84901000003",
        "+84901000004",
        "+84901000005",
        "+84901000006",
    )
    commune = data.COMMUNE_CODE
    return [
        (None, "/signin/", "signin"),
        (relay, "/inbox/", "inbox"),
        (resident, "/bulletins/", "bulletins"),
        (officer, f"/bulletins/{buffalo.pk}/" if buffalo else "/bulletins/", "bulletin-reach"),
        (officer, "/bulletins/new/", "compose"),
        (resident, "/groups/", "groups"),
        (leader, f"/groups/{leader_group.first().pk}/" if leader_group.exists() else "/groups/", "group"),
        (resident, "/reports/new/", "report-new"),
        (officer, "/reports/queue/", "queue"),
        (officer, f"/units/{commune}/", "unit-commune"),
        (leader, f"/units/{commune}.01.01/", "unit-residential-group"),
        (steering, f"/steering/u/{commune}/", "dashboard-commune"),
        (province, f"/steering/u/{data.PROVINCE_CODE}/", "dashboard-province"),
        (province, f"/steering/u/{data.PROVINCE_CODE}/map/", "map"),
        (steering, "/steering/mine/", "steering-mine"),
        (resident, "/me/", "profile"),
    ]


def main(base: str) -> None:
    import django

    django.setup()
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from core.browser import launch
    from people.models import Person

    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for phone, path, name in main_pages():
            person = Person.objects.get(phone=phone) if phone else None
            for size, (width, height) in SIZES.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, device_scale_factor=1, locale="vi-VN"
                )
                if person is not None:
                    context.add_cookies(
                        [{"name": settings.SESSION_COOKIE_NAME, "value": session_for(person), "url": base}]
                    )
                page = context.new_page()
                page.goto(base + path, wait_until="networkidle")
                target = out / f"{name}-{size}.png"
                page.screenshot(path=str(target), full_page=size == "phone")
                context.close()
                print(target.relative_to(ROOT))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
