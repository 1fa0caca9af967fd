"""Issue 13, finding 7: officers' sessions end when idle and after a working day; an admin can
sign a person out everywhere; revoking a mandate does it too. Residents keep theirs."""

import time

from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from canhgiac.testing import signed_in
from people.middleware import SEEN, STARTED

QUEUE = "/reports/queue/"


def shift_session(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"started": STARTED, "seen": SEEN}[key]] = now - ago
    session.save()


def test_an_officer_idle_for_longer_than_the_timeout_is_signed_out(world, client, settings):
    settings.OFFICER_SESSION_IDLE_SECONDS = 1800
    signed_in(client, world.officer)
    assert client.get(QUEUE).status_code == 200
    shift_session(client, seen=1700)
    assert client.get(QUEUE).status_code == 200  # still inside the window, and the request renews it
    shift_session(client, seen=1801)
    response = client.get(QUEUE, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 302 and response["Location"].startswith(reverse("people:signin"))
    assert "_auth_user_id" not in client.session
    assert "Bạn đã bị đăng xuất" in client.get(response["Location"]).content.decode()


def test_an_officer_is_signed_out_after_the_absolute_timeout_even_when_active(world, client, settings):
    settings.OFFICER_SESSION_MAX_SECONDS = 12 * 3600
    signed_in(client, world.officer)
    client.get(QUEUE)
    shift_session(client, started=12 * 3600 + 1, seen=10)
    assert client.get(QUEUE).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_resident_stays_signed_in_on_their_phone(world, client, settings):
    signed_in(client, world.resident)
    client.get("/groups/")
    shift_session(client, started=3 * 24 * 3600, seen=2 * 24 * 3600)
    assert client.get("/groups/").status_code == 200


def test_an_admin_ends_every_session_of_a_person(world, settings):
    phone, laptop, admin = Client(), Client(), Client()
    signed_in(phone, world.officer)
    signed_in(laptop, world.officer)
    assert phone.get(QUEUE).status_code == laptop.get(QUEUE).status_code == 200
    signed_in(admin, world.admin)
    response = admin.post(
        reverse("admin:people_person_changelist"),
        {"action": "end_sessions", "_selected_action": [world.officer.pk]},
    )
    assert response.status_code == 302
    assert phone.get(QUEUE).status_code == laptop.get(QUEUE).status_code == 302
    assert AuditEvent.objects.filter(verb="person.sessions_ended", target_id=str(world.officer.pk)).exists()
    world.officer.refresh_from_db()
    signed_in(phone, world.officer)  # signing in again works
    assert phone.get(QUEUE).status_code == 200


def test_revoking_a_mandate_ends_the_officers_sessions(world, client):
    signed_in(client, world.officer)
    assert client.get(QUEUE).status_code == 200
    world.officer.mandates.get().delete()
    assert client.get(QUEUE).status_code == 302
    assert "_auth_user_id" not in client.session
