"""The demo's 32 reports from the article, in realistic states, built through the real actions."""

from datetime import timedelta

from django.core.management import call_command

from people.models import Person
from reports.models import Report, UrgentAlert


def test_the_demo_holds_the_articles_32_reports_and_the_buffalo_returned_in_about_two_hours(db):
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Report.objects.count() == 32
    categories = set(Report.objects.values_list("category", flat=True))
    assert {"illegal_ads", "suspicious_gathering", "theft", "found_item", "found_animal", "lost_animal"} <= categories
    buffalo = Report.objects.get(category="found_animal")
    assert buffalo.status == "returned" and buffalo.returned_at is not None
    assert timedelta(hours=1, minutes=45) < buffalo.returned_at - buffalo.received_at < timedelta(hours=2, minutes=15)
    assert {s.unit.name for s in buffalo.shares.all()} == {"Xã Cầu Khởi", "Xã Dương Minh Châu"}
    owner_post = Report.objects.get(category="lost_animal")
    assert owner_post.reporter_pk is not None
    owner = Person.objects.get(pk=owner_post.reporter_pk)
    assert owner_post.status == "returned" and owner.phone == "+84901000007"
    assert Report.objects.filter(status__in=["received", "acknowledged", "verifying", "dispatched"]).count() >= 4
    assert UrgentAlert.objects.count() == 1
