import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from audit.models import AuditEvent
from core.errors import ActionError
from coverage.models import ImportStatus
from places.imports import import_units
from places.models import Tier, Unit


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8-sig")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_CSV = """loai,ten,thuoc
ấp,Ấp Phước Long,
tổ dân cư,Tổ 1,Ấp Phước Long
tổ,Tổ 2,ấp phuoc long
tổ,Tổ 3,Ấp Phước Hội
"""


def test_a_csv_creates_hamlets_and_groups_under_their_parents(world):
    result = import_units(world.officer, world.commune, "units.csv", csv_bytes(GOOD_CSV))
    assert result.ok and len(result.created) == 4
    long_hamlet = Unit.objects.get(name="Ấp Phước Long")
    assert sorted(long_hamlet.children.values_list("name", flat=True)) == ["Tổ 1", "Tổ 2"]
    assert Unit.objects.get(name="Tổ 3").parent == world.hamlet
    assert AuditEvent.objects.filter(verb="unit.imported").count() == 1


def test_an_xlsx_file_with_english_headers_works_too(world):
    content = xlsx_bytes(
        [["kind", "name", "parent", "code"], ["hamlet", "Ấp Phước Tân", "", "PT"], ["to", "Tổ 1", "PT", ""]]
    )
    result = import_units(world.officer, world.commune, "units.xlsx", content)
    assert result.ok
    assert Unit.objects.get(code="PT").children.get().tier == Tier.RESIDENTIAL_GROUP


def test_a_file_with_bad_rows_names_each_row_and_saves_nothing(world):
    before = Unit.objects.count()
    content = csv_bytes(
        "loai,ten,thuoc\n"
        "ấp,Ấp Mới,\n"  # row 2: fine
        "chợ,Chợ Phước Ninh,\n"  # row 3: unknown kind
        "tổ,Tổ 1,Ấp Không Có\n"  # row 4: unknown parent
        "tổ,Tổ 1,Ấp Phước Hội\n"  # row 5: already exists there
        "tổ,,Ấp Mới\n"  # row 6: no name
        "tổ,Tổ 5,Ấp Mới\n"  # row 7: fine
        "tổ,Tổ 5,Ấp Mới\n"  # row 8: duplicate of row 7
    )
    result = import_units(world.officer, world.commune, "units.csv", content)
    assert [number for number, _reason in result.errors] == [3, 4, 5, 6, 8]
    reasons = dict(result.errors)
    assert "Chợ Phước Ninh" not in reasons[3] and "chợ" in reasons[3]
    assert "Ấp Không Có" in reasons[4]
    assert "row 7" in reasons[8]
    assert result.created == [] and Unit.objects.count() == before


def test_a_file_without_the_required_columns_is_refused_as_a_whole(world):
    with pytest.raises(ActionError, match="Row 1"):
        import_units(world.officer, world.commune, "units.csv", csv_bytes("name\nẤp X\n"))


def test_a_file_that_is_not_utf8_or_not_xlsx_gets_a_clear_message(world):
    with pytest.raises(ActionError, match="UTF-8"):
        import_units(world.officer, world.commune, "units.csv", "loai,ten\nấp,Ấp Phước\n".encode("utf-16"))
    with pytest.raises(ActionError, match="xlsx"):
        import_units(world.officer, world.commune, "units.xlsx", b"PK\x03\x04 not really a zip")


def test_an_upload_runs_as_a_task_and_its_page_lists_the_bad_rows(world, client, django_capture_on_commit_callbacks):
    from canhgiac.testing import signed_in

    signed_in(client, world.officer)
    upload = io.BytesIO(csv_bytes("loai,ten,thuoc\nấp,Ấp Mới,\ntổ,Tổ 1,Ấp Không Có\n"))
    upload.name = "units.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/units/{world.commune.code}/imports/", {"file": upload})
    assert response.status_code == 302
    job = world.commune.imports.get()
    assert job.status == ImportStatus.REJECTED
    page = client.get(response.url).content.decode()
    assert "Ấp Không Có" in page and "<td>3</td>" in page
    assert not Unit.objects.filter(name="Ấp Mới").exists()


def test_the_file_declares_household_totals_and_updates_those_of_existing_groups(world):
    content = csv_bytes("loai,ten,thuoc,so_ho\nấp,Ấp Phước Bình,,\ntổ,Tổ 1,Ấp Phước Bình,42\ntổ,Tổ 2,Ấp Phước Hội,17\n")
    result = import_units(world.officer, world.commune, "units.csv", content)
    assert result.ok, result.errors
    assert [(u.name, u.declared_households) for u in result.created] == [("Ấp Phước Bình", None), ("Tổ 1", 42)]
    world.rg2.refresh_from_db()
    assert world.rg2.declared_households == 17 and result.declared == [world.rg2]


def test_a_household_total_on_a_hamlet_or_not_a_number_is_a_bad_row(world):
    content = csv_bytes("loai,ten,thuoc,so_ho\nấp,Ấp Phước Bình,,30\ntổ,Tổ 9,Ấp Phước Hội,nhiều\n")
    result = import_units(world.officer, world.commune, "units.csv", content)
    assert [number for number, _reason in result.errors] == [2, 3]
    world.rg2.refresh_from_db()
    assert world.rg2.declared_households is None


def test_the_file_places_new_units_and_existing_ones_in_either_column_style(world):
    content = csv_bytes(
        "loai,ten,thuoc,vi_do,kinh_do,toa_do\n"
        'ấp,Ấp Phước Bình,,"11,2905","106,0562",\n'
        'tổ,Tổ 1,Ấp Phước Bình,,,"11.2911, 106.0570"\n'
        f"tổ,{world.rg2.name},{world.rg2.parent.name},11.3,106.1,\n"
    )
    result = import_units(world.officer, world.commune, "units.csv", content)
    assert result.ok, result.errors
    assert [(u.name, u.latitude, u.longitude) for u in result.created] == [
        ("Ấp Phước Bình", 11.2905, 106.0562),
        ("Tổ 1", 11.2911, 106.057),
    ]
    world.rg2.refresh_from_db()
    assert (world.rg2.latitude, world.rg2.longitude) == (11.3, 106.1) and result.declared == [world.rg2]
    assert world.rg2.declared_households is None  # a place alone leaves the household total as it was


def test_a_place_outside_viet_nam_half_given_or_not_numbers_is_a_bad_row_with_its_reason(world):
    content = csv_bytes(
        "loai,ten,thuoc,vi_do,kinh_do\n"
        "ấp,Ấp A,,106.0562,11.2905\n"
        "ấp,Ấp B,,11.29,\n"
        "ấp,Ấp C,,bắc,nam\n"
        "ấp,Ấp D,,48.85,2.35\n"
    )
    result = import_units(world.officer, world.commune, "units.csv", content)
    reasons = dict(result.errors)
    assert sorted(reasons) == [2, 3, 4, 5]
    assert "swapped" in reasons[2] and "swapped" not in reasons[5]
    assert "both" in reasons[3] and "not numbers" in reasons[4]
    assert not Unit.objects.filter(name__in=["Ấp A", "Ấp B", "Ấp C", "Ấp D"]).exists()
    with translation.override("vi"):
        vietnamese = dict(import_units(world.officer, world.commune, "units.csv", content).errors)
    assert vietnamese[2] == (
        "vị trí 106.0562, 11.2905 không nằm trong lãnh thổ Việt Nam — có vẻ vĩ độ và kinh độ bị đổi chỗ"
    )
