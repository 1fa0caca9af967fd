from io import StringIO

from django.core.management import call_command

from places.divisions import Division, sync_divisions
from places.models import Tier, Unit, UnitKind


def test_importing_the_national_register_loads_34_provinces_and_3321_communes(db):
    out = StringIO()
    call_command("import_divisions", stdout=out)
    assert Unit.objects.filter(tier=Tier.PROVINCE).count() == 34
    assert Unit.objects.filter(tier=Tier.COMMUNE).count() == 3321
    assert "3355 created" in out.getvalue()
    cau_khoi = Unit.objects.get(code="25573")
    assert cau_khoi.parent is not None
    assert cau_khoi.name == "Xã Cầu Khởi" and cau_khoi.parent.name == "Tỉnh Tây Ninh"
    assert cau_khoi.path == "80/25573/"


def test_re_running_the_import_changes_nothing_and_says_so(db):
    call_command("import_divisions", stdout=StringIO())
    out = StringIO()
    call_command("import_divisions", stdout=out)
    assert "0 created, 0 renamed, 0 moved, 3355 unchanged" in out.getvalue()
    assert Unit.objects.count() == 3355


def test_a_renamed_commune_is_updated_in_place_and_reported(db):
    sync_divisions(
        [Division("80", "Tỉnh Tây Ninh", UnitKind.PROVINCE, None), Division("25573", "Xã Cũ", "commune", "80")]
    )
    original_pk = Unit.objects.get(code="25573").pk
    report = sync_divisions(
        [Division("80", "Tỉnh Tây Ninh", UnitKind.PROVINCE, None), Division("25573", "Xã Cầu Khởi", "commune", "80")]
    )
    assert report.renamed == ["25573 Xã Cũ → Xã Cầu Khởi"]
    commune = Unit.objects.get(code="25573")
    assert commune.pk == original_pk and commune.name == "Xã Cầu Khởi" and commune.search_name == "xa cau khoi"


def test_a_commune_moved_to_another_province_takes_its_local_units_along(world):
    report = sync_divisions(
        [
            Division("79", "Thành phố Hồ Chí Minh", UnitKind.CITY, None),
            Division("25573", "Xã Cầu Khởi", "commune", "79"),
        ]
    )
    assert report.moved == ["25573 Xã Cầu Khởi: 80 → 79"]
    world.rg.refresh_from_db()
    assert world.rg.path.startswith("79/25573/")
    assert world.rg.is_within(Unit.objects.get(code="79"))
