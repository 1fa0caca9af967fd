"""The demo province: one directive, communes at every stage of rollout, history to draw."""

from io import StringIO

from django.core.management import call_command

from demo import data
from groups.models import Organisation
from places.models import Unit
from steering import compliance
from steering.models import ComplianceSnapshot, Counter, Directive, Reminder, Responsibility


def test_the_demo_province_has_a_directive_and_communes_at_different_stages(db):
    call_command("seed_demo", stdout=StringIO())
    directive = Directive.objects.get()
    province = Unit.objects.get(code=data.PROVINCE_CODE)
    rows = {
        row.unit.name: row.overall for row in compliance.matrix(directive, province, compliance.evaluate(directive))
    }
    assert rows["Phường Hòa Thành"].met == rows["Phường Hòa Thành"].total  # complete
    assert 0 < rows["Xã Tân Châu"].met < rows["Xã Tân Châu"].total  # half way
    assert 0 < rows["Xã Tân Biên"].met < rows["Xã Tân Châu"].met  # just started
    assert rows["Xã Châu Thành"].met == 0 and rows["Xã Châu Thành"].total > 0  # not started
    # The pilot: every residential group and hamlet, its workers' groups and the people's patrol the
    # police dispatch reports to; no civil defence or mass organisation group yet.
    assert (rows["Xã Cầu Khởi"].met, rows["Xã Cầu Khởi"].total) == (60 + 6 + 1 + 1, 60 + 6 + 4)

    # Counters and compliance have months of history, and whoever answers for a lagging commune is reminded.
    assert Counter.objects.filter(unit=province, metric="members.total").count() > 10
    assert ComplianceSnapshot.objects.values("day").distinct().count() > 5
    assert Responsibility.objects.filter(ended_at__isnull=True, person__isnull=False).count() == 4
    # The commune's mass organisations have their parts; the employer its 8 groups in 6 wards and communes.
    assert Responsibility.objects.filter(ended_at__isnull=True, organisation__isnull=False).count() == 5
    employer = Organisation.objects.get(kind="employer")
    assert employer.groups.count() == 8 and employer.groups.values("unit").distinct().count() == 6
    assert employer.contact is not None
    relay = Organisation.objects.get(name="Hội Liên hiệp Phụ nữ xã Cầu Khởi").contact
    assert relay is not None and relay.phone == "+84" + data.PERSONAS["relay"][0][1:]
    assert Reminder.objects.filter(recipient__phone="+84" + data.PERSONAS["steering"][0][1:]).exists()

    call_command("seed_demo", stdout=StringIO())
    assert Directive.objects.count() == 1
