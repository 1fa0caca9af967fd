import json
from io import StringIO

from django.core.management import call_command

from demo import data


def stats_of(code: str) -> dict:
    out = StringIO()
    call_command("stats", "--json", "--unit", code, stdout=out)
    return json.loads(out.getvalue())


def test_the_demo_commune_has_the_articles_structure_and_is_safe_to_reseed(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo data created." in out.getvalue()
    for key, (phone, _name, _role) in data.PERSONAS.items():
        assert f"{key:<10} {phone}" in out.getvalue()

    commune = stats_of(data.COMMUNE_CODE)
    by_kind = commune["groups"]["by_kind"]
    # The article's groups ("60 tổ, 6 ấp, 1 họ đạo Cao Đài, 2 công nhân…"); the "…" leaves room for
    # the people's patrol that reports are dispatched to.
    assert {kind: by_kind[kind] for kind in ("residential_group", "hamlet", "congregation", "workforce")} == {
        "residential_group": 60,
        "hamlet": 6,
        "congregation": 1,
        "workforce": 2,
    }
    assert commune["units"] == {"commune": 1, "hamlet": 6, "residential_group": 60}
    assert 1350 <= commune["members"] <= 1650  # "khoảng 1.500 thành viên"
    assert 80 <= commune["coverage_percent"] < 100
    neighbour = stats_of(data.NEIGHBOUR_CODE)
    assert neighbour["groups"]["total"] > 0

    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "already present" in again.getvalue()
    assert stats_of(data.COMMUNE_CODE) == commune


def test_demo_officers_can_read_their_authenticator_code(db):
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_totp", data.PERSONAS["officer"][0], stdout=out)
    assert out.getvalue().strip().isdigit() and len(out.getvalue().strip()) == 6


def test_the_demo_residents_bulletins_go_out_through_the_fake_zalo_even_after_a_restart(db, fake):
    from delivery.engine import drain
    from delivery.models import Delivery, DeliveryStatus
    from delivery.notify import notify
    from demo.channels_seed import DEMO_REFRESH_TOKEN
    from people.models import Person

    fake.live_refresh_tokens.add(DEMO_REFRESH_TOKEN)  # what `fake_providers` accepts at start
    call_command("seed_demo", stdout=StringIO())
    resident = Person.objects.get(phone="+84" + data.PERSONAS["resident"][0][1:])

    def bulletin() -> Delivery:
        notice = notify([resident.pk], subject="Cảnh báo trộm chó", body="Đêm qua ở ấp Phước Hội.")
        drain(budget_seconds=10)
        return Delivery.objects.get(notice=notice, person=resident)

    first = bulletin()
    assert (first.channel, first.status) == ("zalo_oa", DeliveryStatus.DELIVERED)
    assert fake.calls("oa.message")[-1].json["recipient"] == {"user_id": "7001"}

    # `make demo` again: a new fake knows only the demo token, which the previous run used up.
    fake.live_refresh_tokens.clear()
    fake.live_refresh_tokens.add(DEMO_REFRESH_TOKEN)
    fake.expired_access_tokens.update(fake.issued_access_tokens)
    call_command("seed_demo", stdout=StringIO())
    again = bulletin()
    assert (again.channel, again.status) == ("zalo_oa", DeliveryStatus.DELIVERED)
