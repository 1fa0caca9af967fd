"""Seed the demo commune: deterministic (fixed random seed), all in one transaction, and skipped
when it is already there, so `make demo` can run any number of times."""

import math
import random
import secrets
from datetime import timedelta

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.text import fold
from demo import data, timeline
from demo.channels_seed import seed_channels
from demo.duty_seed import seed_duty
from demo.reports_seed import seed_reports
from demo.rollout import seed_rollout
from groups.models import CommunityGroup, GroupKind, GroupRole, Membership
from people.models import Household, Mandate, MandateRole, Person
from people.phones import normalize_phone
from places.models import Unit, UnitKind


def declared_households(code: str) -> int:
    """The total a residential group declares from its own list: the ten households seeded, and a
    few its leader has not registered yet (a generator of its own, so the rest of the seed is unchanged)."""
    return 10 + random.Random(code).choice([0, 0, 1, 1, 2])


class Seeder:
    def __init__(self) -> None:
        self.rng = random.Random(2019)
        self.phone_counter = 0
        self.people: list[Person] = []
        self.memberships: list[tuple[CommunityGroup, Person, str]] = []

    # -- people --------------------------------------------------------------------------
    def name(self, female: bool) -> str:
        family = self.rng.choice(data.FAMILY_NAMES)
        if female:
            return f"{family} {self.rng.choice(data.MIDDLE_NAMES_FEMALE)} {self.rng.choice(data.GIVEN_NAMES_FEMALE)}"
        return f"{family} {self.rng.choice(data.MIDDLE_NAMES_MALE)} {self.rng.choice(data.GIVEN_NAMES_MALE)}"

    def next_phone(self) -> str:
        self.phone_counter += 1
        return f"+8490{2000000 + self.phone_counter}"

    def person(
        self, full_name: str, household: Household | None, *, phone: str | None = "auto", smartphone=True
    ) -> Person:
        if phone == "auto":
            phone = self.next_phone() if smartphone else None
        person = Person(
            full_name=full_name,
            phone=normalize_phone(phone) if phone else None,
            household=household,
            has_smartphone=smartphone and bool(phone),
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(20),
            search_name=fold(full_name),
        )
        self.people.append(person)
        return person

    # -- structure -----------------------------------------------------------------------
    def units(
        self, commune: Unit, hamlet_names: list[str], groups_per_hamlet: int, *, declare: bool = True
    ) -> list[tuple[Unit, list[Unit]]]:
        tree = []
        for h_index, hamlet_name in enumerate(hamlet_names, start=1):
            hamlet = Unit.objects.create(
                code=f"{commune.code}.{h_index:02d}", name=f"Ấp {hamlet_name}", kind=UnitKind.HAMLET, parent=commune
            )
            groups = [
                Unit.objects.create(
                    code=f"{hamlet.code}.{g_index:02d}",
                    name=f"Tổ {g_index} ấp {hamlet_name}",
                    kind=UnitKind.RESIDENTIAL_GROUP,
                    parent=hamlet,
                    declared_households=declared_households(f"{hamlet.code}.{g_index:02d}") if declare else None,
                )
                for g_index in range(1, groups_per_hamlet + 1)
            ]
            tree.append((hamlet, groups))
        return tree

    def group(self, unit: Unit, kind: str, name: str) -> CommunityGroup:
        return CommunityGroup.objects.create(unit=unit, kind=kind, name=name)

    def populate_residential_group(self, rg: Unit, rg_group: CommunityGroup, hamlet_group: CommunityGroup) -> Person:
        """About ten households of two to four people; some elders reached through a relay,
        and about one household in ten not enrolled yet (so coverage is not 100%)."""
        leader = None
        for number in range(1, 11):
            household = Household.objects.create(
                residential_group=rg, address=f"Số {self.rng.randint(1, 300)} {self.rng.choice(data.ROADS)}"
            )
            enrolled = number == 1 or self.rng.random() > 0.1
            size = self.rng.choice([2, 2, 3, 3, 3, 4])
            adults = [self.person(self.name(female=i % 2 == 1), household) for i in range(size)]
            if self.rng.random() < 0.18:
                elder = self.person(self.name(female=self.rng.random() < 0.6), household, phone=None, smartphone=False)
                elder.relay = adults[0]
                if enrolled:
                    self.memberships.append((rg_group, elder, GroupRole.MEMBER))
            if not enrolled:
                continue
            joined = [p for p in adults if self.rng.random() < 0.8] or adults[:1]
            for member in joined:
                role = GroupRole.MEMBER
                if leader is None and number == 1:
                    leader, role = member, GroupRole.LEADER
                self.memberships.append((rg_group, member, role))
                if role == GroupRole.LEADER or self.rng.random() < 0.3:
                    self.memberships.append((hamlet_group, member, GroupRole.MEMBER))
        assert leader is not None
        return leader

    def flush_people(self) -> None:
        relays = {id(p): p.relay for p in self.people if p.relay is not None}
        for person in self.people:
            person.relay = None
        Person.objects.bulk_create(self.people, batch_size=1000)
        with_relay = []
        for person in self.people:
            if id(person) in relays:
                person.relay = relays[id(person)]
                with_relay.append(person)
        Person.objects.bulk_update(with_relay, ["relay"], batch_size=1000)
        Membership.objects.bulk_create(
            [Membership(group=g, person=p, role=r) for g, p, r in self.memberships],
            batch_size=1000,
            ignore_conflicts=True,
        )
        self.people, self.memberships = [], []


def seed_commune(seeder: Seeder, commune: Unit, hamlet_names: list[str], groups_per_hamlet: int) -> dict:
    commune_group = None
    tree = seeder.units(commune, hamlet_names, groups_per_hamlet)
    leaders = {}
    hamlet_groups = []
    for hamlet, residential_groups in tree:
        hamlet_group = seeder.group(hamlet, GroupKind.HAMLET, f"Nhóm an ninh {hamlet.name}")
        hamlet_groups.append(hamlet_group)
        for rg in residential_groups:
            rg_group = seeder.group(rg, GroupKind.RESIDENTIAL_GROUP, f"Nhóm {rg.name}")
            leaders[rg.code] = seeder.populate_residential_group(rg, rg_group, hamlet_group)
    return {"tree": tree, "leaders": leaders, "hamlet_groups": hamlet_groups, "commune_group": commune_group}


def seed(stdout=None) -> bool:
    """Create the demo data; return False when it was already there."""
    commune = Unit.objects.get(code=data.COMMUNE_CODE)
    if commune.children.exists():
        return False
    neighbour = Unit.objects.get(code=data.NEIGHBOUR_CODE)
    province = Unit.objects.get(code=data.PROVINCE_CODE)
    seeder = Seeder()
    with transaction.atomic():
        commune.neighbours.add(neighbour)
        main = seed_commune(seeder, commune, data.HAMLETS, data.RESIDENTIAL_GROUPS_PER_HAMLET)
        for kind, name, size in data.THEMATIC_GROUPS:
            group = seeder.group(commune, kind, name)
            for index in range(size):
                worker = seeder.person(seeder.name(female=index % 3 == 0), None)
                seeder.memberships.append((group, worker, GroupRole.LEADER if index == 0 else GroupRole.MEMBER))
        seeder.flush_people()
        other = seed_commune(seeder, neighbour, data.NEIGHBOUR_HAMLETS, data.NEIGHBOUR_GROUPS_PER_HAMLET)
        seeder.flush_people()
        _personas(seeder, commune, neighbour, province, main, other)
        from bulletins.demo import seed_bulletins

        seed_bulletins(commune, neighbour, buffalo_at=timeline.moment(timeline.BUFFALO_FOUND) + timedelta(minutes=15))
        seed_reports(
            commune, neighbour, {key: phone for key, (phone, _name, _role) in data.PERSONAS.items() if key != "duty"}
        )
        seed_rollout(seeder, province)
        locate_units(commune)
        phones = {key: normalize_phone(phone) for key, (phone, _name, _role) in data.PERSONAS.items()}
        seed_duty(commune, phones)
        seed_channels(commune, phones)
    return True


def locate_units(commune: Unit) -> None:
    """Positions for the maps' labels: the communes the demo fills, Cầu Khởi's hamlets, and its
    residential groups in a ring around their hamlet (about 300 m)."""
    located = Unit.objects.filter(code__in=data.UNIT_POSITIONS).only("pk", "code")
    for unit in located:
        unit.latitude, unit.longitude = data.UNIT_POSITIONS[unit.code]
    Unit.objects.bulk_update(located, ["latitude", "longitude"])
    hamlets = list(commune.children.order_by("code"))
    groups = list(Unit.objects.filter(parent__in=hamlets).order_by("code"))
    for hamlet, (lat, lng) in zip(hamlets, data.HAMLET_POSITIONS, strict=False):
        hamlet.latitude, hamlet.longitude = lat, lng
        own = [group for group in groups if group.parent_id == hamlet.pk]
        for index, group in enumerate(own):
            angle = 2 * math.pi * index / max(len(own), 1)
            group.latitude = round(lat + 0.003 * math.sin(angle), 6)
            group.longitude = round(lng + 0.003 * math.cos(angle), 6)
    Unit.objects.bulk_update(hamlets + groups, ["latitude", "longitude"])


def _personas(seeder: Seeder, commune: Unit, neighbour: Unit, province: Unit, main: dict, other: dict) -> None:
    phones = {key: normalize_phone(phone) for key, (phone, _name, _role) in data.PERSONAS.items()}
    names = {key: name for key, (_phone, name, _role) in data.PERSONAS.items()}
    tree = main["tree"]
    _hoi_hamlet, hoi_groups = tree[0]
    le_hamlet, le_groups = tree[1]

    def group_of(unit: Unit) -> CommunityGroup:
        return CommunityGroup.objects.get(unit=unit)

    # The leader of Tổ 1 ấp Phước Hội becomes Lê Hoàng Tâm, who found the buffalo.
    leader = main["leaders"][hoi_groups[0].code]
    leader.full_name, leader.phone = names["leader"], phones["leader"]
    leader.save()

    resident_home = Household.objects.create(residential_group=le_groups[0], address="Số 12 đường Phước Ninh")
    resident = Person.objects.create_user(phones["resident"], names["resident"], household=resident_home)
    wife = Person.objects.create_user("+84902999001", "Huỳnh Thị Lan", household=resident_home)
    Membership.objects.create(group=group_of(le_groups[0]), person=resident)
    Membership.objects.create(group=group_of(le_hamlet), person=resident)
    Membership.objects.create(group=group_of(le_groups[0]), person=wife)

    relay_home = Household.objects.create(residential_group=hoi_groups[1], address="Số 45 đường ĐT 781")
    relay = Person.objects.create_user(phones["relay"], names["relay"], household=relay_home)
    grandmother = Person(full_name="Trần Thị Sáu", household=relay_home, has_smartphone=False, relay=relay)
    grandmother.set_unusable_password()
    grandmother.save()
    Membership.objects.create(group=group_of(hoi_groups[1]), person=relay)
    Membership.objects.create(group=group_of(hoi_groups[1]), person=grandmother)

    _n_hamlet, n_groups = other["tree"][0]
    neighbour_home = Household.objects.create(residential_group=n_groups[0], address="Số 8 đường Suối Đá")
    neighbour_resident = Person.objects.create_user(phones["neighbour"], names["neighbour"], household=neighbour_home)
    Membership.objects.create(group=group_of(n_groups[0]), person=neighbour_resident)

    officers = [
        ("officer", MandateRole.POLICE, commune, "Trưởng Công an xã"),
        ("steering", MandateRole.STEERING, commune, "Thành viên Ban điều hành"),
        ("province", MandateRole.POLICE, province, "Phòng Xây dựng phong trào BVANTQ"),
    ]
    for key, role, unit, title in officers:
        officer = Person.objects.create_user(phones[key], names[key], password=data.OFFICER_PASSWORD)
        Mandate.objects.create(person=officer, role=role, unit=unit, title=title)
        TOTPDevice.objects.create(user=officer, name="demo", key=data.OFFICER_TOTP_KEY, confirmed=True)
        if key == "officer":
            for hamlet_group in main["hamlet_groups"]:
                Membership.objects.create(group=hamlet_group, person=officer, role=GroupRole.POLICE)
        if key == "steering":
            for hamlet_group in main["hamlet_groups"]:
                Membership.objects.create(group=hamlet_group, person=officer, role=GroupRole.STEERING)
