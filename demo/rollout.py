"""The province's directive and four more Tây Ninh communes at different stages of rollout.

The 2019 article ends with the provincial steering committee ordering every residential group,
hamlet, mass organisation, people's patrol, civil-defence team and industrial-zone workforce to
have a group by the end of 2019. The demo follows the article's timeline (demo/timeline.py,
shifted as a whole to recent dates): the three pilot groups of June, the rest of the commune from
July to September, the neighbour from August, the directive of October due on 31 December and
the communes that answered it since, a complete, a half-done, a just-started and a not-started
one. It records the commune's mass organisations and the article's employer (its workforce groups
in several wards linked to it), assigns responsibilities and computes counters and compliance history from those dates
(steering_daily's back-fill). Called from demo.seed.seed().
"""

from datetime import timedelta

from django.utils import timezone

from demo import data, timeline
from groups.actions import check_link_organisation, check_save_organisation
from groups.models import CommunityGroup, GroupKind, GroupRole, Membership, OrganisationKind
from people.models import Household, Mandate, MandateRole
from places.models import Unit
from steering.actions import (
    check_assign_responsibility,
    check_issue_directive,
    do_backfill,
    do_backfill_compliance,
    do_daily,
    do_send_reminders,
)
from steering.models import Directive, TargetLevel

DIRECTIVE_TITLE = "Mỗi tổ dân cư, ấp, khu phố, đoàn thể, tổ tuần tra, dân phòng và khu công nghiệp lập nhóm"

# code, hamlet names, residential groups per hamlet, stage
COMMUNES = [
    ("25645", ["Long Hải", "Long Thới", "Hiệp Định", "Long Bình"], 4, "complete"),  # Phường Hòa Thành
    ("25516", ["Suối Ngô", "Tân Tiến", "Tân Trung", "Tân Đông"], 4, "half"),  # Xã Tân Châu (the article's Suối Ngô)
    ("25654", ["Rạch Sơn", "Bến Kéo", "Cẩm Bình"], 4, "half"),  # Phường Gò Dầu
    ("25486", ["Thạnh Hiệp", "Thạnh Lợi"], 3, "started"),  # Xã Tân Biên
    ("25708", ["Lộc Du", "Lộc Thành", "An Phú"], 2, "started"),  # Phường Trảng Bàng
    ("25585", ["Thanh Điền", "Thanh Hòa"], 2, "none"),  # Xã Châu Thành
]
HOUSEHOLDS_PER_GROUP = 10
REMINDED_DAYS_BEFORE = 45
# The article's workforce: Công ty CP Công trình đô thị Tây Ninh's workers, about 210, in groups by
# work area: 5 in the former Tây Ninh city (now these wards) and 3 in the former Hòa Thành.
EMPLOYER = "Công ty CP Công trình đô thị Tây Ninh"
WORKFORCE_AREAS = [
    ("25459", "khu vực Tân Ninh 1"),
    ("25459", "khu vực Tân Ninh 2"),
    ("25480", "khu vực Bình Minh"),
    ("25567", "khu vực Ninh Thạnh 1"),
    ("25567", "khu vực Ninh Thạnh 2"),
    ("25645", "khu vực Hòa Thành"),
    ("25630", "khu vực Long Hoa"),
    ("25633", "khu vực Thanh Điền"),
]
WORKERS_PER_AREA = 26
THEMATIC = [
    (GroupKind.PATROL, "Tổ tuần tra nhân dân {}"),
    (GroupKind.CIVIL_DEFENCE, "Đội dân phòng {}"),
    (GroupKind.MASS_ORGANISATION, "Hội Phụ nữ {}"),
    (GroupKind.WORKFORCE, "Công nhân khu công nghiệp {}"),
]


def seed_rollout(seeder, province: Unit) -> None:
    if Directive.objects.filter(unit=province, title=DIRECTIVE_TITLE).exists():
        return
    now = timezone.now()
    for code, hamlets, per_hamlet, stage in COMMUNES:
        _seed_commune(seeder, Unit.objects.get(code=code), hamlets, per_hamlet, stage)
    for code, area in WORKFORCE_AREAS:
        group = seeder.group(Unit.objects.get(code=code), GroupKind.WORKFORCE, f"Công nhân {EMPLOYER} — {area}")
        for index in range(WORKERS_PER_AREA):
            worker = seeder.person(seeder.name(female=index % 4 == 0), None)
            seeder.memberships.append((group, worker, GroupRole.LEADER if index == 0 else GroupRole.MEMBER))
    seeder.flush_people()
    pilot = timeline.moment(timeline.PILOT_LAUNCH)
    Unit.objects.filter(path__startswith=province.path).update(created_at=pilot - timedelta(days=60))
    _spread_dates(province, now)

    officer = Mandate.objects.select_related("person").filter(unit=province).earliest("pk").person
    directive = check_issue_directive(
        officer,
        province,
        title=DIRECTIVE_TITLE,
        reference="BCĐ tỉnh Tây Ninh",
        deadline=timeline.on(timeline.DIRECTIVE_DEADLINE),
        remind_days=[REMINDED_DAYS_BEFORE, 30, 7, 1],
        requirements=[
            (TargetLevel.RESIDENTIAL_GROUP, GroupKind.RESIDENTIAL_GROUP),
            (TargetLevel.HAMLET, GroupKind.HAMLET),
            *[(TargetLevel.COMMUNE, kind) for kind, _name in THEMATIC],
        ],
        body="Từng tổ dân cư tự quản, từng ấp, khu phố, các đoàn thể, lực lượng tuần tra nhân dân, bảo vệ dân "
        "phố, số công nhân làm việc ở khu công nghiệp cư trú trên địa bàn phải lập nhóm.",
    )
    Directive.objects.filter(pk=directive.pk).update(issued_at=timeline.moment(timeline.DIRECTIVE_ISSUED))
    directive.refresh_from_db()

    commune = Unit.objects.get(code=data.COMMUNE_CODE)
    steering = Mandate.objects.get(unit=commune, role=MandateRole.STEERING).person
    police = Mandate.objects.get(unit=commune, role=MandateRole.POLICE).person
    for hamlet in commune.children.order_by("code")[:3]:
        check_assign_responsibility(police, steering, unit=hamlet, duty="Theo dõi các nhóm của ấp")
    patrol_duty = "Thành lập tổ tuần tra nhân dân và đội dân phòng"
    check_assign_responsibility(police, steering, unit=commune, duty=patrol_duty)
    _seed_organisations(commune, police)
    _seed_employer(province, officer)

    do_backfill(province, days=(now - pilot).days + 10, step=10)
    do_backfill_compliance(directive, step=5)
    do_daily()
    # The first reminder went out on 16 Nov 2019, 45 days before the deadline: sent as on that day.
    do_send_reminders(today=directive.deadline - timedelta(days=REMINDED_DAYS_BEFORE), directives=[directive])


# The article's launch "phân công cụ thể trách nhiệm, nghĩa vụ của các tổ chức, đoàn thể tham gia":
# name, kind, contact (a persona's phone, or a name and number of someone not using the app), what for, duty.
ORGANISATIONS = [
    (
        "Hội Liên hiệp Phụ nữ xã Cầu Khởi",
        OrganisationKind.WOMEN,
        ("", data.PERSONAS["relay"][0]),
        "Ấp Phước Lễ",
        "Vận động hội viên, hộ gia đình vào nhóm; con cháu đọc tin cho người lớn tuổi",
    ),
    (
        "Hội Nông dân xã Cầu Khởi",
        OrganisationKind.FARMERS,
        ("", data.PERSONAS["leader"][0]),
        "Ấp Phước Hội",
        "Báo tin trộm cắp, gia súc đi lạc lên nhóm ấp",
    ),
    (
        "Đoàn Thanh niên xã Cầu Khởi",
        OrganisationKind.YOUTH,
        ("Nguyễn Minh Trí (Bí thư Đoàn xã)", "0913456789"),
        None,
        "Hướng dẫn người lớn tuổi cài đặt, sử dụng ứng dụng",
    ),
    (
        "Hội Cựu chiến binh xã Cầu Khởi",
        OrganisationKind.VETERANS,
        ("Trần Văn Hùng", "0913456790"),
        None,
        "Phối hợp tổ tuần tra nhân dân tuần tra ban đêm",
    ),
    (
        "Ủy ban Mặt trận Tổ quốc Việt Nam xã Cầu Khởi",
        OrganisationKind.FATHERLAND_FRONT,
        ("", ""),
        None,
        "Tuyên truyền, vận động toàn dân tham gia tố giác tội phạm",
    ),
]


def _seed_organisations(commune: Unit, police) -> None:
    """The commune's mass organisations, each given its part by the steering committee."""
    for name, kind, (contact_name, phone), hamlet_name, duty in ORGANISATIONS:
        organisation = check_save_organisation(
            police, commune, name=name, kind=kind, contact_name=contact_name, contact_phone=phone
        )
        target = commune.children.get(name=hamlet_name) if hamlet_name else commune
        check_assign_responsibility(police, organisation=organisation, unit=target, duty=duty)


def _seed_employer(province: Unit, officer) -> None:
    """The article's employer, its workforce groups linked to it wherever they sit; its contact the
    leader of the first work area's group."""
    groups = list(
        CommunityGroup.objects.filter(name__startswith=f"Công nhân {EMPLOYER} — ").select_related("unit").order_by("pk")
    )
    leader = Membership.objects.select_related("person").get(group=groups[0], role=GroupRole.LEADER).person
    employer = check_save_organisation(
        officer, province, name=EMPLOYER, kind=OrganisationKind.EMPLOYER, contact_phone=leader.phone or ""
    )
    for group in groups:
        check_link_organisation(officer, group, employer)


def _household(seeder, rg: Unit, number: int, group: CommunityGroup | None) -> None:
    household = Household.objects.create(residential_group=rg, address=f"Số {number * 7} đường liên ấp, {rg.name}")
    size = seeder.rng.choice([2, 3, 3, 4])
    people = [seeder.person(seeder.name(female=i % 2 == 1), household) for i in range(size)]
    if group is not None and seeder.rng.random() > 0.15:
        for index, person in enumerate(people):
            if index == 0 or seeder.rng.random() < 0.7:
                seeder.memberships.append((group, person, GroupRole.MEMBER))


def _seed_commune(seeder, commune: Unit, hamlet_names: list[str], per_hamlet: int, stage: str) -> None:
    if commune.children.exists():
        return
    # Communes well into the rollout have their groups' household totals; the others not yet.
    tree = seeder.units(commune, hamlet_names, per_hamlet, declare=stage in ("complete", "half"))
    for h_index, (hamlet, groups) in enumerate(tree):
        hamlet_group = None
        if stage in ("complete", "half", "started"):
            hamlet_group = seeder.group(hamlet, GroupKind.HAMLET, f"Nhóm an ninh {hamlet.name}")
        for g_index, rg in enumerate(groups):
            has_group = stage == "complete" or (stage == "half" and (h_index + g_index) % 2 == 0)
            rg_group = seeder.group(rg, GroupKind.RESIDENTIAL_GROUP, f"Nhóm {rg.name}") if has_group else None
            for number in range(1, HOUSEHOLDS_PER_GROUP + 1):
                _household(seeder, rg, number, rg_group or (hamlet_group if number == 1 else None))
    thematic = {"complete": THEMATIC, "half": THEMATIC[:2], "started": [], "none": []}[stage]
    for kind, name in thematic:
        group = seeder.group(commune, kind, name.format(commune.name.removeprefix("Xã ").removeprefix("Phường ")))
        for index in range(28):
            worker = seeder.person(seeder.name(female=index % 2 == 0), None)
            seeder.memberships.append((group, worker, GroupRole.LEADER if index == 0 else GroupRole.MEMBER))


def _spread_dates(province: Unit, now) -> None:
    """Date every group and membership by the article's timeline: the pilot groups first, then the
    rest of the pilot commune, the neighbour, and the communes that answered the directive."""
    pilot_commune = Unit.objects.get(code=data.COMMUNE_CODE)
    neighbour = Unit.objects.get(code=data.NEIGHBOUR_CODE)
    groups = list(CommunityGroup.objects.filter(unit__path__startswith=province.path).select_related("unit"))
    pilot_paths = [f"{pilot_commune.path}{pilot_commune.code}.01/{pilot_commune.code}.01.{n:02d}/" for n in (1, 2, 3)]
    pilot_groups = [group for group in groups if group.unit.path in pilot_paths]
    assert len(pilot_groups) == timeline.PILOT_GROUPS

    def spread(chosen: list[CommunityGroup], start, end) -> None:
        chosen.sort(key=lambda group: (group.unit.path, group.pk))
        for index, group in enumerate(chosen):
            group.created_at = start + (end - start) * index / max(len(chosen), 1)

    spread(pilot_groups, timeline.moment(timeline.PILOT_LAUNCH), timeline.moment(timeline.PILOT_LAUNCH))
    in_commune = [g for g in groups if g.unit.path.startswith(pilot_commune.path) and g not in pilot_groups]
    spread(in_commune, timeline.moment(timeline.COMMUNE_WIDE), timeline.moment(timeline.COMMUNE_DONE))
    in_neighbour = [g for g in groups if g.unit.path.startswith(neighbour.path)]
    spread(in_neighbour, timeline.moment(timeline.NEIGHBOUR_START), timeline.moment(timeline.COMMUNE_DONE))
    elsewhere = [g for g in groups if g not in pilot_groups and g not in in_commune and g not in in_neighbour]
    # The complete commune answered first, so the curve after the directive rises the way the rollout did.
    order = {code: index for index, (code, *_rest) in enumerate(COMMUNES)}
    elsewhere.sort(key=lambda g: (order.get(g.unit.ancestor_codes()[1], 99), g.unit.path, g.pk))
    issued = timeline.moment(timeline.DIRECTIVE_ISSUED)
    for index, group in enumerate(elsewhere):
        group.created_at = issued + (now - timedelta(days=1) - issued) * index / max(len(elsewhere), 1)
    CommunityGroup.objects.bulk_update(groups, ["created_at"], batch_size=1000)
    created = {group.pk: group.created_at for group in groups}
    memberships = list(Membership.objects.filter(group__unit__path__startswith=province.path).only("pk", "group_id"))
    for membership in memberships:
        start = created[membership.group_id]
        membership.joined_at = min(now, start + timedelta(days=membership.pk % 30, hours=membership.pk % 24))
    Membership.objects.bulk_update(memberships, ["joined_at"], batch_size=2000)
    # Households were listed door to door shortly before their commune's groups were formed.
    households = Household.objects.filter(residential_group__path__startswith=province.path)
    households.update(registered_at=issued - timedelta(days=5))
    households.filter(residential_group__path__startswith=neighbour.path).update(
        registered_at=timeline.moment(timeline.NEIGHBOUR_START) - timedelta(days=5)
    )
    households.filter(residential_group__path__startswith=pilot_commune.path).update(
        registered_at=timeline.moment(timeline.PILOT_LAUNCH) - timedelta(days=10)
    )
