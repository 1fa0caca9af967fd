"""Every write about people: sign-in codes, accounts, profiles, mandates.

Households, their members and relays are registered by officers and residential-group leaders:
those writes depend on group roles and live in coverage/actions.py."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.actions import record
from core.errors import ActionError, PermissionDenied
from core.http import client_network
from people.models import NOTICE_VERSION, Consent, ConsentMethod, Mandate, Person, SigninCode
from people.permissions import can_manage_unit
from people.phones import normalize_phone
from people.tasks import send_signin_code
from places.models import Unit


class SigninThrottled(ActionError):
    pass


def _code_hash(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def network_wait(codes: QuerySet[SigninCode], budget: int, now) -> int:
    """Seconds a network (one address, or one /24 or /64) must still wait before its next code.

    Within its hourly budget, none. Past it, an increasing back-off instead of a wall: the
    n-th code over the budget waits SIGNIN_CODE_RESEND_SECONDS × 2^n after the network's last
    code, at most SIGNIN_BACKOFF_MAX_SECONDS. A flood slows to a trickle, and people on the same
    network who are already members are not counted here at all (see do_request_signin_code).
    """
    recent = codes.filter(created_at__gte=now - timedelta(hours=1))
    count = recent.count()
    if count < budget:
        return 0
    last = recent.order_by("-created_at").values_list("created_at", flat=True).first()
    wait = min(settings.SIGNIN_CODE_RESEND_SECONDS * 2 ** min(count - budget, 16), settings.SIGNIN_BACKOFF_MAX_SECONDS)
    return max(0, wait - int((now - last).total_seconds())) if last else 0


def do_request_signin_code(raw_phone: str, *, ip: str | None = None, language: str = "vi") -> SigninCode:
    """Create a one-time code for a phone and queue its sending (docs/signin.md, "Limits").

    Per phone: one code per SIGNIN_CODE_RESEND_SECONDS, SIGNIN_CODES_PER_HOUR an hour. Per client
    address and per its /24 or /64: an hourly budget, then an increasing back-off; these count
    only codes for phones without an active account, so a flood of new numbers from a town's
    shared address never keeps the town's members from signing in.
    """
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
    network = client_network(ip)
    member = Person.objects.filter(phone=phone, is_active=True).exists()
    if ip and not member:
        newcomers = SigninCode.objects.filter(for_member=False)
        wait = max(
            network_wait(newcomers.filter(requested_ip=ip), settings.SIGNIN_CODES_PER_IP_PER_HOUR, now),
            network_wait(newcomers.filter(requested_network=network), settings.SIGNIN_CODES_PER_NETWORK_PER_HOUR, now),
        )
        if wait:
            raise SigninThrottled(
                _("Too many sign-in attempts from this network. Try again in %(seconds)d seconds."),
                code="ip_limit",
                params={"seconds": wait},
            )

    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        signin_code = SigninCode.objects.create(
            phone=phone,
            code_hash=_code_hash(phone, code),
            requested_ip=ip,
            requested_network=network,
            for_member=member,
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


def do_set_large_text(person: Person, large_text: bool) -> Person:
    """The person's display mode, kept on them so every page and every device shows it."""
    person.large_text = large_text
    person.save(update_fields=["large_text"])
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


def current_consent(person: Person) -> Consent | None:
    return person.consents.filter(withdrawn_at__isnull=True, notice_version=NOTICE_VERSION).first()


def do_record_consent(person: Person, *, method: str, recorded_by: Person | None = None) -> Consent:
    """Record that the person agreed to the current notice (once: an existing one is kept)."""
    if method not in ConsentMethod.values:
        raise ActionError(_("Say how the person agreed."), code="consent_method")
    existing = current_consent(person)
    if existing is not None:
        return existing
    with transaction.atomic():
        consent = Consent.objects.create(
            person=person, notice_version=NOTICE_VERSION, method=method, recorded_by=recorded_by or person
        )
        record(recorded_by or person, "consent.given", person, method=method, notice_version=NOTICE_VERSION)
    return consent


def can_act_for(actor: Person, person: Person) -> bool:
    """The person themselves, or the relay who reads messages out to them."""
    return actor.is_authenticated and (
        actor.pk == person.pk or (person.relay_id is not None and person.relay_id == actor.pk)
    )


def check_record_consent(actor: Person, person: Person) -> Consent:
    """Consent given online by the person, or by their relay for a member without a smartphone."""
    if not can_act_for(actor, person):
        raise PermissionDenied
    method = ConsentMethod.ONLINE if actor.pk == person.pk else ConsentMethod.RELAY
    return do_record_consent(person, method=method, recorded_by=actor)


def check_withdraw_consent(actor: Person, person: Person) -> int:
    """Withdraw the person's consent (kept, marked withdrawn); the number withdrawn."""
    if not can_act_for(actor, person):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        count = person.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now, withdrawn_by=actor)
        if count:
            record(actor, "consent.withdrawn", person)
    return count


def do_end_sessions(actor: Person | None, person: Person, *, reason: str = "") -> None:
    """Sign the person out everywhere: every session they have stops matching their auth hash."""
    Person.objects.filter(pk=person.pk).update(session_generation=F("session_generation") + 1)
    person.refresh_from_db(fields=["session_generation"])
    record(actor, "person.sessions_ended", person, reason=reason)


def check_end_sessions(actor: Person, person: Person, *, reason: str = "") -> None:
    if not (actor.is_authenticated and actor.is_superuser):
        raise PermissionDenied
    do_end_sessions(actor, person, reason=reason)
