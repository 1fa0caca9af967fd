"""Every write about people: sign-in codes, accounts, households, relays, mandates."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.actions import record
from core.errors import ActionError, PermissionDenied
from people.models import Household, Mandate, Person, SigninCode
from people.permissions import can_manage_household, can_manage_unit
from people.phones import normalize_phone
from people.tasks import send_signin_code
from places.models import Tier, Unit


class SigninThrottled(ActionError):
    pass


def _code_hash(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def do_request_signin_code(raw_phone: str, *, ip: str | None = None, language: str = "vi") -> SigninCode:
    """Create a one-time code for a phone and queue its sending; rate-limited per phone and IP."""
    phone = normalize_phone(raw_phone)
    now = timezone.now()
    recent = SigninCode.objects.filter(phone=phone, created_at__gte=now - timedelta(hours=1))
    last = recent.order_by("-created_at").first()
    if last and (now - last.created_at).total_seconds() < settings.SIGNIN_CODE_RESEND_SECONDS:
        wait = settings.SIGNIN_CODE_RESEND_SECONDS - int((now - last.created_at).total_seconds())
        raise SigninThrottled(
            _("A code was just sent. You can ask for a new one in %(seconds)d seconds."),
            code="resend_too_soon",
            params={"seconds": wait},
        )
    if recent.count() >= settings.SIGNIN_CODES_PER_HOUR:
        raise SigninThrottled(_("Too many codes were sent to this number. Try again in an hour."), code="phone_limit")
    if ip and (
        SigninCode.objects.filter(requested_ip=ip, created_at__gte=now - timedelta(hours=1)).count()
        >= settings.SIGNIN_CODES_PER_IP_PER_HOUR
    ):
        raise SigninThrottled(_("Too many sign-in attempts from this network. Try again later."), code="ip_limit")

    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        signin_code = SigninCode.objects.create(
            phone=phone,
            code_hash=_code_hash(phone, code),
            requested_ip=ip,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.SIGNIN_CODE_TTL_SECONDS),
        )
        transaction.on_commit(lambda: send_signin_code.enqueue(phone, code, language))
    return signin_code


def check_signin_code(raw_phone: str, code: str) -> Person:
    """Consume a valid code for the phone and return its person, creating the account on first sign-in.

    A wrong code counts an attempt against the newest live code; too many attempts burn it.
    """
    phone = normalize_phone(raw_phone)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    now = timezone.now()
    expired = ActionError(_("This code has expired or was already used. Ask for a new code."), code="expired")
    # The wrong-attempt counter must survive the refusal, so errors are raised after the commit.
    error: ActionError | None = None
    with transaction.atomic():
        live = (
            SigninCode.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if live is None:
            error = expired
        elif live.attempts >= settings.SIGNIN_CODE_MAX_ATTEMPTS:
            error = ActionError(_("Too many wrong codes. Ask for a new code."), code="too_many_attempts")
        elif not hmac.compare_digest(live.code_hash, _code_hash(phone, code)):
            SigninCode.objects.filter(pk=live.pk).update(attempts=F("attempts") + 1)
            left = max(settings.SIGNIN_CODE_MAX_ATTEMPTS - live.attempts - 1, 0)
            error = ActionError(
                _("That code is not right. %(left)d tries left."), code="wrong_code", params={"left": left}
            )
        elif not SigninCode.objects.filter(pk=live.pk, used_at__isnull=True).update(used_at=now):
            error = expired
    if error is not None:
        raise error
    person, created = Person.objects.get_or_create(phone=phone, defaults={"full_name": ""})
    if created:
        person.set_unusable_password()
        person.save(update_fields=["password"])
    if not person.is_active:
        raise ActionError(_("This account is disabled. Contact your commune police."), code="inactive")
    return person


def do_update_profile(person: Person, *, full_name: str, language: str) -> Person:
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ActionError(_("Enter your full name."), code="required")
    person.full_name = full_name
    person.language = language if language in dict(settings.LANGUAGES) else "vi"
    person.save(update_fields=["full_name", "search_name", "language"])
    return person


def check_register_household(actor: Person, residential_group: Unit, address: str) -> Household:
    if residential_group.tier != Tier.RESIDENTIAL_GROUP:
        raise ActionError(_("A household belongs to a residential group."), code="not_residential_group")
    address = " ".join(address.split())
    if not address:
        raise ActionError(_("Enter the household's address."), code="required")
    probe = Household(residential_group=residential_group)
    if not can_manage_household(actor, probe):
        raise PermissionDenied
    with transaction.atomic():
        household = Household.objects.create(residential_group=residential_group, address=address, registered_by=actor)
        record(actor, "household.registered", household, unit=residential_group, address=address)
    return household


def check_add_household_member(
    actor: Person, household: Household, *, full_name: str, phone: str = "", has_smartphone: bool = True
) -> Person:
    if not can_manage_household(actor, household):
        raise PermissionDenied
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ActionError(_("Enter the member's full name."), code="required")
    e164 = normalize_phone(phone) if phone.strip() else None
    with transaction.atomic():
        if e164:
            person, created = Person.objects.get_or_create(phone=e164, defaults={"full_name": full_name})
            if not created and person.household_id and person.household_id != household.pk:
                raise ActionError(
                    _("%(phone)s is already a member of another household."),
                    code="other_household",
                    params={"phone": phone},
                )
        else:
            person = Person(full_name=full_name)
            person.set_unusable_password()
        if not person.full_name:
            person.full_name = full_name
        person.household = household
        person.has_smartphone = has_smartphone and bool(e164)
        person.save()
        record(actor, "household.member_added", household, unit=household.residential_group, person=person.pk)
    return person


def check_update_household(actor: Person, household: Household, *, address: str) -> Household:
    if not can_manage_household(actor, household):
        raise PermissionDenied
    address = " ".join(address.split())
    if not address:
        raise ActionError(_("Enter the household's address."), code="required")
    with transaction.atomic():
        old, household.address = household.address, address
        household.save(update_fields=["address"])
        record(actor, "household.updated", household, unit=household.residential_group, old=old, new=address)
    return household


def check_remove_household_member(actor: Person, person: Person) -> Person:
    """Take a person out of their household (moved away, recorded twice); the person stays known."""
    household = person.household
    if household is None:
        raise ActionError(_("This person is not in a household."), code="no_household")
    if not can_manage_household(actor, household):
        raise PermissionDenied
    with transaction.atomic():
        person.household = None
        person.save(update_fields=["household"])
        record(actor, "household.member_removed", household, unit=household.residential_group, person=person.pk)
    return person


def check_set_relay(actor: Person, person: Person, relay: Person | None) -> Person:
    """Link a member without a smartphone to the member who reads messages out to them."""
    manages = person.household is not None and can_manage_household(actor, person.household)
    if not manages and actor.pk != person.pk:
        raise PermissionDenied
    if relay is not None:
        if relay.pk == person.pk:
            raise ActionError(_("A person cannot be their own relay."), code="self_relay")
        if not relay.phone or not relay.has_smartphone:
            raise ActionError(_("The relay must have a smartphone and a phone number."), code="relay_unreachable")
        if relay.relay_id is not None:
            raise ActionError(_("The relay is reached through a relay themselves; choose someone else."), code="chain")
    with transaction.atomic():
        person.relay = relay
        person.save(update_fields=["relay"])
        unit = person.household.residential_group if person.household else None
        record(actor, "person.relay_set", person, unit=unit, relay=relay.pk if relay else None)
    return person


def check_set_smartphone(actor: Person, person: Person, has_smartphone: bool) -> Person:
    if person.household is None or not can_manage_household(actor, person.household):
        raise PermissionDenied
    person.has_smartphone = has_smartphone
    person.save(update_fields=["has_smartphone"])
    return person


def check_grant_mandate(actor: Person, person: Person, role: str, unit: Unit, title: str = "") -> Mandate:
    if not can_manage_unit(actor, unit):
        raise PermissionDenied
    if not person.phone:
        raise ActionError(_("An officer needs a phone number to sign in."), code="no_phone")
    with transaction.atomic():
        mandate, _created = Mandate.objects.get_or_create(
            person=person, role=role, unit=unit, defaults={"title": title, "granted_by": actor}
        )
        record(actor, "mandate.granted", mandate, unit=unit, role=role, person=person.pk)
    return mandate
