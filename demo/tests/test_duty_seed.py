"""The demo commune's duty roster: someone on duty every hour, whose Telegram and Zalo are linked to
the fake providers, so a report filed in the demo shows up there with its receipt code."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from canhgiac.testing import create_report
from delivery.engine import drain
from demo import data
from demo.channels_seed import DEMO_REFRESH_TOKEN
from duty.queries import on_duty_ids
from people.models import Person
from places.models import Unit


def persona(key: str) -> Person:
    return Person.objects.get(phone="+84" + data.PERSONAS[key][0][1:])


def test_every_hour_of_the_coming_weeks_has_the_deputy_on_duty_even_when_the_demo_is_seeded_again(db):
    call_command("seed_demo", stdout=StringIO())
    commune = Unit.objects.get(code=data.COMMUNE_CODE)
    duty = persona("duty")
    now = timezone.now()
    for hour in range(0, 24 * 28, 5):
        assert on_duty_ids(commune, now + timedelta(hours=hour)) == [duty.pk], hour
    call_command("seed_demo", stdout=StringIO())
    assert on_duty_ids(commune, now + timedelta(days=29)) == [duty.pk]


def test_a_report_filed_in_the_demo_reaches_the_duty_officers_telegram_and_zalo_at_the_fake(db, fake):
    fake.live_refresh_tokens.add(DEMO_REFRESH_TOKEN)
    call_command("seed_demo", stdout=StringIO())
    hamlet = Unit.objects.get(code=data.COMMUNE_CODE).children.order_by("code")[0]
    report = create_report(
        persona("resident"), hamlet, category="assault", description="Có người cầm dao đang đánh nhau ở chợ"
    ).report
    drain(budget_seconds=10)
    telegram = [c.json["text"] for c in fake.received if c.route == "telegram.sendMessage"]
    assert any(report.receipt_code in text for text in telegram)
    zalo = [c.json for c in fake.calls("oa.message") if c.json["recipient"] == {"user_id": "7005"}]
    assert any(report.receipt_code in item["message"]["text"] for item in zalo)
