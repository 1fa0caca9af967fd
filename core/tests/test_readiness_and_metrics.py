"""/readyz and /metrics as a load balancer and Prometheus call them: plain HTTP, no cookies."""

import httpx
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from canhgiac.testing import build_world
from delivery.models import Delivery, DeliveryStatus
from delivery.notify import notify
from people.models import Person


def get(url: str, **options) -> httpx.Response:
    """A plain GET, patient as a scraper is: a loaded test machine may take a few seconds."""
    return httpx.get(url, timeout=30, **options)


def test_readyz_answers_200_when_database_queue_and_migrations_are_ready(live_server, transactional_db):
    response = get(f"{live_server.url}/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] and body["database"]["ok"] and body["queue"]["ok"]
    assert body["migrations"] == {"ok": True, "pending": 0}


def test_readyz_is_not_ready_while_a_migration_is_unapplied_and_names_no_error_to_the_public(
    live_server, transactional_db
):
    recorder = MigrationRecorder(connection)
    forgotten = recorder.migration_qs.get(app="reports", name="0001_initial")
    forgotten.delete()
    try:
        response = get(f"{live_server.url}/readyz")
    finally:
        recorder.record_applied("reports", "0001_initial")

    assert response.status_code == 503
    assert response.json()["migrations"] == {"ok": False}


def test_metrics_show_waiting_deliveries_by_lane_and_last_days_deliveries_by_channel(
    live_server, transactional_db, settings
):
    world = build_world()
    three = Person.objects.filter(pk__in=[world.resident.pk, world.leader.pk, world.officer.pk])
    notify(three, subject="Cảnh báo", body="Trộm chó ban đêm")  # sent at once: the web inbox
    waiting = notify(three, subject="Cảnh báo", body="Lừa đảo qua điện thoại")
    Delivery.objects.filter(notice=waiting).update(status=DeliveryStatus.QUEUED)

    get(f"{live_server.url}/healthz")
    text = get(f"{live_server.url}/metrics").text

    assert 'canhgiac_deliveries_waiting{lane="normal"} 3.0' in text
    assert 'canhgiac_deliveries_waiting{lane="urgent"} 0.0' in text
    assert 'canhgiac_deliveries_last_day{channel="web",status="delivered"} 3.0' in text
    assert 'canhgiac_deliveries_last_day{channel="web",status="queued"} 3.0' in text
    assert 'canhgiac_request_seconds_count{method="GET",view="core:healthz"}' in text


def test_metrics_are_refused_to_other_addresses_unless_they_carry_the_token(live_server, transactional_db, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    settings.METRICS_TOKEN = "scrape-secret"

    assert get(f"{live_server.url}/metrics").status_code == 403
    wrong = get(f"{live_server.url}/metrics", headers={"Authorization": "Bearer guess"})
    right = get(f"{live_server.url}/metrics", headers={"Authorization": "Bearer scrape-secret"})
    assert wrong.status_code == 403 and right.status_code == 200
