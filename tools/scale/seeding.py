"""The commune the multi-process test runs on, seeded in SQL."""

import secrets
from dataclasses import dataclass


def token() -> str:
    return secrets.token_hex(16)


@dataclass
class World:
    commune_id: int
    group_code: str  # where reports are filed
    officer_cookies: dict[str, str]
    resident_cookies: list[dict[str, str]]
    members: int
    zalo: set[str]  # the Zalo user ids, Telegram chat ids and SMS phones (as the gateway gets them)
    telegram: set[str]
    sms: set[str]


def session_cookie(person, *, verified: bool = False) -> str:
    """A signed-in session, as after a real sign-in (an officer's with the authenticator step passed)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.plugins.otp_totp.models import TOTPDevice

    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = "people.auth.PhoneCodeBackend"
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    if verified:
        device = TOTPDevice.objects.create(user=person, name="Authenticator", confirmed=True)
        session["otp_device_id"] = device.persistent_id
    session.save()
    return str(session.session_key)


def seed(members: int, zalo: int, telegram: int, sms: int, fake_url: str, residents: int) -> World:
    """One commune: `members` people in groups of 25 (one in ten also in a second group, so the
    audience has duplicates to collapse), the first `zalo + telegram + sms` of them living in
    households of the commune and reached on those channels; a police officer; residents who file."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from channels.models import ChannelConfig, ChannelIdentity
    from delivery.models import Endpoint, Route
    from groups.models import CommunityGroup, GroupKind
    from people.models import Household, Mandate, MandateRole, Person
    from places.models import Unit, UnitKind

    now = timezone.now()
    providers = zalo + telegram + sms
    with transaction.atomic():
        province = Unit.objects.create(code="80", name="Tỉnh Tây Ninh", kind=UnitKind.PROVINCE)
        commune = Unit.objects.create(code="25573", name="Xã Phước Ninh", kind=UnitKind.COMMUNE, parent=province)
        hamlet = Unit.objects.create(code="25573-01", name="Ấp Phước Hội", kind=UnitKind.HAMLET, parent=commune)
        group_unit = Unit.objects.create(
            code="25573-01-01", name="Tổ 1", kind=UnitKind.RESIDENTIAL_GROUP, parent=hamlet
        )
        configs = {}
        for slug, values, hidden in (
            ("zalo_oa", {"app_id": "scale"}, {"app_secret": "s", "access_token": "access-scale", "refresh_token": "r"}),
            ("telegram", {}, {"bot_token": "7001:scale", "webhook_secret": "scale-webhook-secret"}),
            ("sms_gateway", {"url": f"{fake_url}/sms/send", "phone_format": "84"}, {}),
        ):
            # Each account's limit well above what two workers send: this test is about crashes,
            # not pace (`python -m bench send` measures that). Per minute, as Zalo meters an OA: a
            # one-second window would put back every send a loaded machine starts late in it.
            config = ChannelConfig(unit=commune, slug=slug, settings={**values, "rate_per_minute": 100_000})
            config.secrets = hidden
            config.save()
            configs[slug] = config

        group_count = (members + 24) // 25
        CommunityGroup.objects.bulk_create(
            (
                CommunityGroup(unit=commune, kind=GroupKind.RESIDENTIAL_GROUP, name=f"Tổ {i}")
                for i in range(group_count)
            ),
            batch_size=5000,
        )
        first_group = CommunityGroup.objects.order_by("pk").values_list("pk", flat=True)[0]
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO people_person (password, is_superuser, full_name, has_smartphone, language,
                                           is_staff, is_active, date_joined, search_name)
                SELECT '!', false, 'Thanh vien ' || i, true, 'vi', false, true, %s, 'thanh vien ' || i
                FROM generate_series(1, %s) AS i
                """,
                [now, members],
            )
            cursor.execute("SELECT MIN(id), MAX(id) FROM people_person")
            first, last = cursor.fetchone()
            assert last - first + 1 == members, "the members' ids are not contiguous"
            cursor.execute(
                """
                INSERT INTO groups_membership (group_id, person_id, role, status, joined_at)
                SELECT %s + (id - %s) / 25, id, 'member', 'active', %s FROM people_person
                """,
                [first_group, first, now],
            )
            cursor.execute(
                """
                INSERT INTO groups_membership (group_id, person_id, role, status, joined_at)
                SELECT %s + ((id - %s) / 25 + 1) %% %s, id, 'member', 'active', %s
                FROM people_person WHERE (id - %s) %% 10 = 0
                """,
                [first_group, first, group_count, now, first],
            )
        homes = Household.objects.bulk_create(
            Household(residential_group=group_unit, address=f"Số {i} ấp Phước Hội") for i in range((providers + 3) // 4)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE people_person SET household_id = (%s::bigint[])[(id - %s) / 4 + 1] WHERE id < %s",
                [[home.pk for home in homes], first, first + providers],
            )
        # The channels interleaved over the first members (sent in id order), so whatever a killed
        # worker holds is a mix of all three.
        counts = {"zalo_oa": zalo, "telegram": telegram, "sms_gateway": sms}
        spread = sorted((k / n, slug) for slug, n in counts.items() for k in range(n))
        address = {"zalo_oa": lambda i: str(10**9 + i), "telegram": lambda i: str(7 * 10**8 + i)}
        addresses: dict[str, list[tuple[int, str]]] = {slug: [] for slug in counts}
        for offset, (_rank, slug) in enumerate(spread):
            addresses[slug].append((first + offset, address.get(slug, lambda i: f"0906{i:06d}")(offset)))
        for slug, pairs in addresses.items():
            Endpoint.objects.bulk_create(Endpoint(person_id=pk, channel=slug, address=a) for pk, a in pairs)
            Route.objects.bulk_create(Route(person_id=pk, first_channel=slug) for pk, _address in pairs)
            if slug != "sms_gateway":
                ChannelIdentity.objects.bulk_create(
                    ChannelIdentity(config=configs[slug], provider_user_id=a, person_id=pk, linked_at=now)
                    for pk, a in pairs
                )

        officer = Person.objects.create_user("0908000000", "Công an xã Phước Ninh")
        Mandate.objects.create(person=officer, unit=commune, role=MandateRole.POLICE)
        people = [Person.objects.create_user(f"09070{i:05d}", f"Cư dân {i}") for i in range(residents)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    csrf = settings.CSRF_COOKIE_NAME
    return World(
        commune_id=commune.pk,
        group_code=group_unit.code,
        officer_cookies={settings.SESSION_COOKIE_NAME: session_cookie(officer, verified=True), csrf: token()},
        resident_cookies=[{settings.SESSION_COOKIE_NAME: session_cookie(p), csrf: token()} for p in people],
        members=members,
        zalo={a for _pk, a in addresses["zalo_oa"]},
        telegram={a for _pk, a in addresses["telegram"]},
        sms={"84" + a[1:] for _pk, a in addresses["sms_gateway"]},
    )
