"""The project's test base: named personas in a small commune, built through the real actions.

    def test_it_…(world, client):
        signed_in(client, world.officer)

`world` holds a province with two neighbouring communes; the first has two hamlets with two
residential groups each, one group per residential group and hamlet, and households whose
members are the personas: resident, relay (for an elder without a smartphone), group leader,
commune officer, steering committee member and province officer.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from coverage.actions import (
    check_add_household_member,
    check_create_unit,
    check_declare_households,
    check_register_household,
    check_set_neighbours,
    check_set_relay,
)
from groups.actions import check_add_member, check_create_group
from groups.models import CommunityGroup, GroupKind, GroupRole
from people.actions import check_grant_mandate
from people.models import Household, MandateRole, Person
from places.divisions import Division, sync_divisions
from places.models import Unit, UnitKind

PROVINCE, COMMUNE, NEIGHBOUR, OTHER_PROVINCE, FAR_COMMUNE = "80", "25573", "25552", "79", "26734"


@dataclass
class World:
    admin: Person
    province: Unit
    commune: Unit
    neighbour: Unit
    far_commune: Unit
    hamlet: Unit
    other_hamlet: Unit
    rg: Unit
    rg2: Unit
    other_rg: Unit
    rg_group: CommunityGroup
    rg2_group: CommunityGroup
    hamlet_group: CommunityGroup
    household: Household
    resident: Person
    relay: Person
    elder: Person
    leader: Person
    officer: Person
    steering: Person
    province_officer: Person
    far_officer: Person
    stranger: Person


def create_divisions() -> None:
    sync_divisions(
        [
            Division(PROVINCE, "Tỉnh Tây Ninh", UnitKind.PROVINCE, None),
            Division(OTHER_PROVINCE, "Thành phố Hồ Chí Minh", UnitKind.CITY, None),
            Division(COMMUNE, "Xã Cầu Khởi", UnitKind.COMMUNE, PROVINCE),
            Division(NEIGHBOUR, "Xã Dương Minh Châu", UnitKind.COMMUNE, PROVINCE),
            Division(FAR_COMMUNE, "Phường Sài Gòn", UnitKind.WARD, OTHER_PROVINCE),
        ]
    )


def create_person(phone: str, name: str) -> Person:
    return Person.objects.create_user(phone, name)


def create_officer(admin: Person, phone: str, name: str, role: str, unit: Unit) -> Person:
    officer = Person.objects.create_user(phone, name, password="officer-password-1")
    check_grant_mandate(admin, officer, role, unit)
    TOTPDevice.objects.create(user=officer, name="test", confirmed=True)
    return officer


def build_world() -> World:
    create_divisions()
    admin = Person.objects.create_superuser("0909999999", "Quản trị viên", password="admin-password-1")
    TOTPDevice.objects.create(user=admin, name="test", confirmed=True)
    province, commune, neighbour, far = (Unit.objects.get(code=c) for c in (PROVINCE, COMMUNE, NEIGHBOUR, FAR_COMMUNE))
    check_set_neighbours(admin, commune, [neighbour])
    officer = create_officer(admin, "0901000004", "Đỗ Tuấn Kiệt", MandateRole.POLICE, commune)
    steering = create_officer(admin, "0901000006", "Võ Thị Hồng", MandateRole.STEERING, commune)
    province_officer = create_officer(admin, "0901000005", "Phạm Minh Đức", MandateRole.POLICE, province)
    far_officer = create_officer(admin, "0908000001", "Ngô Văn Xa", MandateRole.POLICE, far)

    hamlet = check_create_unit(officer, commune, name="Ấp Phước Hội", kind=UnitKind.HAMLET)
    other_hamlet = check_create_unit(officer, commune, name="Ấp Phước Lễ", kind=UnitKind.HAMLET)
    rg = check_create_unit(officer, hamlet, name="Tổ 1", kind=UnitKind.RESIDENTIAL_GROUP)
    rg2 = check_create_unit(officer, hamlet, name="Tổ 2", kind=UnitKind.RESIDENTIAL_GROUP)
    other_rg = check_create_unit(officer, other_hamlet, name="Tổ 1", kind=UnitKind.RESIDENTIAL_GROUP)

    household = check_register_household(officer, rg, "Số 12 đường Phước Ninh")
    leader_home = check_register_household(officer, rg, "Số 3 đường ĐT 781")
    check_declare_households(officer, rg, 2)  # Tổ 1 declares its households; Tổ 2 and the other hamlet have not
    resident = check_add_household_member(officer, household, full_name="Nguyễn Văn Thanh", phone="0901000001")
    relay = check_add_household_member(officer, household, full_name="Trần Thị Mai", phone="0901000002")
    elder = check_add_household_member(officer, household, full_name="Trần Thị Sáu", has_smartphone=False)
    check_set_relay(officer, elder, relay)
    leader = check_add_household_member(officer, leader_home, full_name="Lê Hoàng Tâm", phone="0901000003")

    rg_group = check_create_group(
        officer, rg, name="Nhóm Tổ 1 ấp Phước Hội", kind=GroupKind.RESIDENTIAL_GROUP, leader=leader
    )
    rg2_group = check_create_group(officer, rg2, name="Nhóm Tổ 2 ấp Phước Hội", kind=GroupKind.RESIDENTIAL_GROUP)
    hamlet_group = check_create_group(officer, hamlet, name="Nhóm ấp Phước Hội", kind=GroupKind.HAMLET)
    for person in (resident, relay, elder):
        check_add_member(leader, rg_group, person)
    check_add_member(officer, hamlet_group, officer, GroupRole.POLICE)
    stranger = create_person("0907000009", "Người Lạ")
    return World(
        admin=admin,
        province=province,
        commune=commune,
        neighbour=neighbour,
        far_commune=far,
        hamlet=hamlet,
        other_hamlet=other_hamlet,
        rg=rg,
        rg2=rg2,
        other_rg=other_rg,
        rg_group=rg_group,
        rg2_group=rg2_group,
        hamlet_group=hamlet_group,
        household=household,
        resident=resident,
        relay=relay,
        elder=elder,
        leader=leader,
        officer=officer,
        steering=steering,
        province_officer=province_officer,
        far_officer=far_officer,
        stranger=stranger,
    )


def create_directive(actor: Person, unit: Unit, requirements, *, days: int = 30, title: str = ""):
    """A directive due in `days`, issued through the real action (steering)."""
    from steering.actions import check_issue_directive

    return check_issue_directive(
        actor,
        unit,
        title=title or "Mỗi tổ dân cư, mỗi ấp phải lập nhóm",
        deadline=timezone.localdate() + timedelta(days=days),
        requirements=requirements,
    )


def signed_in(client: Client, person: Person) -> Client:
    """Sign the person in; officers also pass the authenticator step, as after a real sign-in."""
    client.force_login(person, backend="people.auth.PhoneCodeBackend")
    device = TOTPDevice.objects.filter(user=person, confirmed=True).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def give_email(person: Person, address: str) -> None:
    """The person asks for news by email first (then the web inbox), as on their channels page."""
    from delivery.actions import check_set_channels

    check_set_channels(person, person, [("email", address)])


@dataclass
class NeighbourWorld:
    """Additions for the lost & found journeys: a resident of the neighbouring commune in a group
    there, and a people's patrol in the first commune."""

    neighbour_hamlet: Unit
    neighbour_rg: Unit
    neighbour_group: CommunityGroup
    neighbour_resident: Person
    patrol: CommunityGroup


def extend_with_neighbour(world: World) -> NeighbourWorld:
    neighbour_officer = create_officer(world.admin, "0901000008", "Trần Quốc Bảo", MandateRole.POLICE, world.neighbour)
    hamlet = check_create_unit(neighbour_officer, world.neighbour, name="Ấp Phước Lợi", kind=UnitKind.HAMLET)
    rg = check_create_unit(neighbour_officer, hamlet, name="Tổ 1", kind=UnitKind.RESIDENTIAL_GROUP)
    home = check_register_household(neighbour_officer, rg, "Số 8 ấp Phước Lợi")
    resident = check_add_household_member(neighbour_officer, home, full_name="Lê Hoàng An", phone="0901000007")
    group = check_create_group(neighbour_officer, rg, name="Nhóm Tổ 1 ấp Phước Lợi", kind=GroupKind.RESIDENTIAL_GROUP)
    check_add_member(neighbour_officer, group, resident)
    patrol = check_create_group(world.officer, world.commune, name="Tổ tuần tra nhân dân", kind=GroupKind.PATROL)
    return NeighbourWorld(
        neighbour_hamlet=hamlet, neighbour_rg=rg, neighbour_group=group, neighbour_resident=resident, patrol=patrol
    )


def create_report(actor: Person | None, unit: Unit, **fields):
    """File a report through the real intake action; returns reports.actions.Filed."""
    from reports.actions import Submission, check_submit_report

    defaults: dict[str, Any] = {
        "kind": "crime",
        "category": "theft",
        "description": "Mất trộm chó lúc 2 giờ sáng",
        "visibility": "confidential",
        "confirm_warnings": True,
    }
    defaults.update(fields)
    return check_submit_report(actor, Submission(unit=unit, **defaults))


def photo_upload(name: str = "anh.png") -> SimpleUploadedFile:
    """A tiny real PNG, as a phone would upload it."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def queries_of(read: Callable[[], object]) -> int:
    """How many SQL queries one read makes (Zulip's `queries_captured`)."""
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured.captured_queries)


def query_counts_for_2_and_50_rows(add_row: Callable[[int], object], read: Callable[[], object]) -> tuple[int, int]:
    """Builds 2 rows and reads the list, then 48 more and reads it again: the two query counts.

    Each count is of a second read, so caches filled by the first one (content types,
    translations, the session that writing the rows may have pushed out) are not counted."""
    for number in range(2):
        add_row(number)
    read()
    small = queries_of(read)
    for number in range(2, 50):
        add_row(number)
    read()
    return small, queries_of(read)
