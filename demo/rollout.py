"""The province's directive and four more Tây Ninh communes at different stages of rollout.

The 2019 article ends with the provincial steering committee ordering every residential group,
hamlet, mass organisation, people's patrol, civil-defence team and industrial-zone workforce to
have a group. The demo issues that directive (120 days ago, due in 30 days), spreads the dates at
which the existing groups were formed over the months since, adds a complete, a half-done, a
just-started and a not-started commune, assigns responsibilities, and computes counters and
compliance history from those dates (steering_daily's back-fill). Called from demo.seed.seed().
"""

from datetime import timedelta

from django.utils import timezone

from demo import data
from groups.models import CommunityGroup, GroupKind, GroupRole, Membership
from people.models import Household, Mandate, MandateRole
from places.models import Unit
from steering.actions import (
    check_assign_responsibility,
    check_issue_directive,
    do_backfill,
    do_backfill_compliance,
    do_daily,
)
from steering.models import Directive, TargetLevel

DIRECTIVE_TITLE = "Mỗi tổ dân cư, ấp, khu phố, đoàn thể, tổ tuần tra, dân phòng và khu công nghiệp lập nhóm"
ISSUED_DAYS_AGO = 120
DUE_IN_DAYS = 30

# code, hamlet names, residential groups per hamlet, stage
COMMUNES = [
    ("25645", ["Long Hải", "Long Thới", "Hiệp Định"], 3, "complete"),  # Phường Hòa Thành
    ("25516", ["Suối Ngô", "Tân Tiến", "Tân Trung"], 3, "half"),  # Xã Tân Châu (the article's Suối Ngô)
    ("25486", ["Thạnh Hiệp", "Thạnh Lợi"], 3, "started"),  # Xã Tân Biên
    ("25585", ["Thanh Điền", "Thanh Hòa"], 2, "none"),  # Xã Châu Thành
]
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
    seeder.flush_people()
    Unit.objects.filter(path__startswith=province.path).update(created_at=now - timedelta(days=ISSUED_DAYS_AGO + 60))
    _spread_dates(province, now)

    officer = Mandate.objects.select_related("person").filter(unit=province).earliest("pk").person
    directive = check_issue_directive(
        officer,
        province,
        title=DIRECTIVE_TITLE,
        reference="BCĐ tỉnh Tây Ninh",
        deadline=timezone.localdate() + timedelta(days=DUE_IN_DAYS),
        requirements=[
            (TargetLevel.RESIDENTIAL_GROUP, GroupKind.RESIDENTIAL_GROUP),
            (TargetLevel.HAMLET, GroupKind.HAMLET),
            *[(TargetLevel.COMMUNE, kind) for kind, _name in THEMATIC],
        ],
        body="Từng tổ dân cư tự quản, từng ấp, khu phố, các đoàn thể, lực lượng tuần tra nhân dân, bảo vệ dân "
        "phố, số công nhân làm việc ở khu công nghiệp cư trú trên địa bàn phải lập nhóm.",
    )
    Directive.objects.filter(pk=directive.pk).update(issued_at=now - timedelta(days=ISSUED_DAYS_AGO))
    directive.refresh_from_db()

    commune = Unit.objects.get(code=data.COMMUNE_CODE)
    steering = Mandate.objects.get(unit=commune, role=MandateRole.STEERING).person
    police = Mandate.objects.get(unit=commune, role=MandateRole.POLICE).person
    for hamlet in commune.children.order_by("code")[:3]:
        check_assign_responsibility(police, steering, unit=hamlet, duty="Theo dõi các nhóm của ấp")
    patrol_duty = "Thành lập tổ tuần tra nhân dân và đội dân phòng"
    check_assign_responsibility(police, steering, unit=commune, duty=patrol_duty)

    do_backfill(province, days=ISSUED_DAYS_AGO + 30, step=10)
    do_backfill_compliance(directive, step=15)
    do_daily()


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
    tree = seeder.units(commune, hamlet_names, per_hamlet)
    for h_index, (hamlet, groups) in enumerate(tree):
        hamlet_group = None
        if stage in ("complete", "half", "started"):
            hamlet_group = seeder.group(hamlet, GroupKind.HAMLET, f"Nhóm an ninh {hamlet.name}")
        for g_index, rg in enumerate(groups):
            has_group = stage == "complete" or (stage == "half" and (h_index + g_index) % 2 == 0)
            rg_group = seeder.group(rg, GroupKind.RESIDENTIAL_GROUP, f"Nhóm {rg.name}") if has_group else None
            for number in range(1, 7):
                _household(seeder, rg, number, rg_group or (hamlet_group if number == 1 else None))
    thematic = {"complete": THEMATIC, "half": THEMATIC[:2], "started": [], "none": []}[stage]
    for kind, name in thematic:
        group = seeder.group(commune, kind, name.format(commune.name.removeprefix("Xã ").removeprefix("Phường ")))
        for index in range(12):
            worker = seeder.person(seeder.name(female=index % 2 == 0), None)
            seeder.memberships.append((group, worker, GroupRole.LEADER if index == 0 else GroupRole.MEMBER))


def _spread_dates(province: Unit, now) -> None:
    """Groups were formed over the months since the directive; members joined in the weeks after."""
    rng_groups = sorted(
        CommunityGroup.objects.filter(unit__path__startswith=province.path).select_related("unit"),
        key=lambda group: (data.COMMUNE_CODE not in group.unit.path, group.unit.path, group.pk),
    )
    total = len(rng_groups)
    for index, group in enumerate(rng_groups):
        # The pilot commune first, then the others, so the curve rises the way the rollout did.
        group.created_at = now - timedelta(
            days=ISSUED_DAYS_AGO + 20 - int((ISSUED_DAYS_AGO + 15) * index / max(total, 1))
        )
    CommunityGroup.objects.bulk_update(rng_groups, ["created_at"], batch_size=1000)
    created = {group.pk: group.created_at for group in rng_groups}
    memberships = list(Membership.objects.filter(group__unit__path__startswith=province.path).only("pk", "group_id"))
    for membership in memberships:
        start = created[membership.group_id]
        membership.joined_at = min(now, start + timedelta(days=membership.pk % 30, hours=membership.pk % 24))
    Membership.objects.bulk_update(memberships, ["joined_at"], batch_size=2000)
    Household.objects.filter(residential_group__path__startswith=province.path).update(
        registered_at=now - timedelta(days=ISSUED_DAYS_AGO + 30)
    )
