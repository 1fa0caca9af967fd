"""Filing a report: by a resident, anonymously, by a relay, by an officer at the desk, by a client."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Protocol

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.actions import record
from channels.models import ChannelIdentity
from core.errors import ActionError, PermissionDenied
from core.hashing import is_keyed_hash, keyed_hash, keyed_hash_matches
from core.photos import clean_photos
from core.text import fold
from people.models import Person
from places.models import Tier, Unit
from reports import live
from reports.alerting import new_report_alert
from reports.categories import BY_CODE, Kind
from reports.checks import WARNING_MESSAGES, in_vietnam, mentions_appearance, sensitive_findings
from reports.models import RECEIPT_ALPHABET, IntakeChannel, Report, ReportPhoto, Visibility
from reports.notifications import notify_reporter
from reports.permissions import can_file_for, can_file_walk_in
from reports.triage import report_is_urgent, triage_report
from reports.workflow import compute_deadlines

OFFICER_CHANNELS = {IntakeChannel.WALK_IN, IntakeChannel.PHONE}
CLIENT_CHANNELS = {IntakeChannel.OPEN311, IntakeChannel.API}


@dataclass
class Submission:
    kind: str
    category: str
    description: str
    unit: Unit | None
    visibility: str
    behaviour: str = ""
    place_text: str = ""
    occurred_at: datetime | None = None
    latitude: Decimal | str | None = None
    longitude: Decimal | str | None = None
    intake_channel: str = IntakeChannel.WEB
    source: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_contact: str = ""
    on_behalf_of: Person | None = None
    confirm_warnings: bool = False
    idempotency_key: str | None = None
    secret: str | None = None
    photos: list = field(default_factory=list)
    evidence_links: list[str] = field(default_factory=list)
    chat_identity: ChannelIdentity | None = None  # the chat a report came from (not on anonymous ones)


@dataclass
class Filed:
    report: Report
    created: bool
    secret: str = ""  # shown once to an anonymous reporter; never stored in clear


class ClientSystem(Protocol):
    """What intake needs of another system's API key (api.models.ApiKey)."""

    pk: int
    name: str


def client_submission(
    intake_channel: str,
    client: ClientSystem | None,
    *,
    category: str,
    description: str,
    unit: Unit | None,
    visibility: str,
    behaviour: str = "",
    place_text: str = "",
    occurred_at: datetime | None = None,
    latitude: Decimal | str | None = None,
    longitude: Decimal | str | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_contact: str = "",
    confirm_warnings: bool = False,
    idempotency_key: str = "",
    secret: str | None = None,
) -> Submission:
    """A submission through the JSON API or Open311 (`intake_channel`), from fields their schemas validated.

    With a client system's key it comes in on `intake_channel`, names the key as its source, may carry the
    reporter's name and contacts, and its idempotency key is the client's own (two clients may use
    the same key). Without one (a person on the API) it comes in like the web form."""
    found = BY_CODE.get(category)
    if client is not None and idempotency_key:
        idempotency_key = f"{intake_channel}:{client.pk}:{idempotency_key}"
    return Submission(
        kind=found.kind if found else "",
        category=category,
        description=description,
        behaviour=behaviour,
        unit=unit,
        visibility=visibility,
        place_text=place_text,
        occurred_at=occurred_at,
        latitude=latitude,
        longitude=longitude,
        intake_channel=intake_channel if client is not None else IntakeChannel.WEB,
        source=f"{intake_channel}:{client.name}" if client is not None else "",
        reporter_name=reporter_name if client is not None else "",
        reporter_phone=reporter_phone if client is not None else "",
        reporter_contact=reporter_contact if client is not None else "",
        confirm_warnings=confirm_warnings,
        idempotency_key=idempotency_key or None,
        secret=secret,
    )


class WarningsNeedConfirmation(ActionError):
    """The text holds personal data or describes appearance: the author confirms or edits."""

    def __init__(self, codes: list[str]):
        self.codes = codes
        super().__init__([str(WARNING_MESSAGES[c]) for c in codes], code="warnings")


def new_secret() -> str:
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def normalize_secret(secret: str) -> str:
    return "".join(ch for ch in (secret or "").upper() if ch.isalnum())


def secret_matches(report: Report, secret: str) -> bool:
    """Whether `secret` is the report's follow-up secret: a keyed hash, compared in constant time.

    Reports filed before the keyed hash keep a PBKDF2 hash; it is checked the slow way once and
    replaced by the keyed hash when it matches (docs/security.md, finding 5)."""
    stored, normalized = report.secret_hash, normalize_secret(secret)
    if not stored or not normalized:
        return False
    if is_keyed_hash(stored):
        return keyed_hash_matches(normalized, stored)
    if not check_password(normalized, stored):
        return False
    report.secret_hash = keyed_hash(normalized)
    Report.objects.filter(pk=report.pk, secret_hash=stored).update(secret_hash=report.secret_hash)
    return True


def _coordinates(sub: Submission) -> tuple[Decimal | None, Decimal | None]:
    if sub.latitude in (None, "") and sub.longitude in (None, ""):
        return None, None
    try:
        lat = Decimal(str(sub.latitude)).quantize(Decimal("0.000001"))
        lon = Decimal(str(sub.longitude)).quantize(Decimal("0.000001"))
    except (InvalidOperation, TypeError, ValueError):
        raise ActionError({"latitude": [_("Enter the position as two numbers: latitude and longitude.")]}) from None
    if not in_vietnam(lat, lon):
        raise ActionError({"latitude": [_("This position is outside Vietnam.")]}, code="outside_vietnam")
    return lat, lon


def validate_submission(actor, sub: Submission) -> tuple[Decimal | None, Decimal | None]:
    errors: dict[str, list[str]] = {}
    category = BY_CODE.get(sub.category)
    if sub.kind not in Kind.values:
        errors["kind"] = [_("Choose what kind of report this is.")]
    elif category is None or category.kind != sub.kind:
        errors["category"] = [_("Choose a category that fits the kind of report.")]
    description = sub.description.strip()
    if not description:
        errors["description"] = [_("Tell us what happened.")]
    elif len(description) > settings.REPORT_MAX_TEXT:
        errors["description"] = [_("Keep it under %(n)d characters.") % {"n": settings.REPORT_MAX_TEXT}]
    if sub.kind == Kind.SUSPICIOUS and not sub.behaviour.strip():
        errors["behaviour"] = [_("Describe what the person did that worried you: their behaviour, not their looks.")]
    if sub.visibility not in Visibility.values:
        errors["visibility"] = [_("Choose how you want to appear.")]
    if sub.unit is None:
        errors["unit"] = [_("Choose where it happened.")]
    elif sub.unit.tier < Tier.COMMUNE:
        errors["unit"] = [_("Choose a commune, hamlet or residential group.")]
    if sub.occurred_at and sub.occurred_at > timezone.now() + timedelta(minutes=10):
        errors["occurred_at"] = [_("The time it happened cannot be in the future.")]
    if errors:
        raise ActionError(errors, code="invalid")
    lat, lon = _coordinates(sub)
    _check_who(actor, sub)
    if not sub.confirm_warnings:
        text = " ".join((sub.description, sub.behaviour, sub.place_text))
        codes = sensitive_findings(text)
        if sub.kind == Kind.SUSPICIOUS and mentions_appearance(text):
            codes.append("appearance")
        if codes:
            raise WarningsNeedConfirmation(codes)
    return lat, lon


def _check_who(actor, sub: Submission) -> None:
    signed_in = actor is not None and actor.is_authenticated
    if sub.intake_channel in OFFICER_CHANNELS:
        if not signed_in or sub.unit is None or not can_file_walk_in(actor, sub.unit):
            raise PermissionDenied
        if sub.visibility != Visibility.ANONYMOUS and not sub.reporter_name.strip():
            raise ActionError({"reporter_name": [_("Enter the name of the person reporting.")]})
    elif sub.on_behalf_of is not None:
        if not signed_in or not can_file_for(actor, sub.on_behalf_of):
            raise PermissionDenied
        if sub.visibility == Visibility.ANONYMOUS:
            raise ActionError({"visibility": [_("A report filed for a relative is filed by name or confidentially.")]})
    elif sub.intake_channel not in CLIENT_CHANNELS and not signed_in and sub.visibility != Visibility.ANONYMOUS:
        raise ActionError({"visibility": [_("Sign in to report by name or confidentially, or report anonymously.")]})
    elif (
        sub.intake_channel in CLIENT_CHANNELS
        and sub.visibility != Visibility.ANONYMOUS
        and not (signed_in or sub.reporter_name.strip() or sub.reporter_phone.strip())
    ):
        raise ActionError({"visibility": [_("Give the reporter's name or phone, or report anonymously.")]})


def search_text_for(report: Report) -> str:
    category = BY_CODE.get(report.category)
    names = []
    if category:
        with translation.override("vi"):
            names.append(str(category.name))
        with translation.override("en"):
            names.append(str(category.name))
    parts = [report.receipt_code, *names, report.description, report.behaviour, report.place_text, report.unit.name]
    return fold(" ".join(parts))


def _existing(sub: Submission, actor) -> Filed | None:
    if not sub.idempotency_key:
        return None
    report = Report.objects.filter(idempotency_key=sub.idempotency_key).first()
    if report is None:
        return None
    signed_in = actor is not None and actor.is_authenticated
    if not signed_in and report.intake_channel in CLIENT_CHANNELS and sub.source and report.source == sub.source:
        return Filed(report, created=False)
    if report.visibility == Visibility.ANONYMOUS and report.filed_by_id is None:
        same = bool(sub.secret) and secret_matches(report, sub.secret or "")
        return Filed(report, created=False, secret=sub.secret or "") if same else _key_taken()
    if signed_in and actor.pk in (report.reporter_pk, report.filer_pk):
        return Filed(report, created=False)
    return _key_taken()


def _key_taken():
    raise ActionError(_("This submission key was already used for another report."), code="idempotency_conflict")


def check_submit_report(actor, sub: Submission) -> Filed:
    """File a report. A retry with the same idempotency key returns the first report unchanged."""
    if (found := _existing(sub, actor)) is not None:
        return found
    lat, lon = validate_submission(actor, sub)
    photos = clean_photos(sub.photos)
    signed_in = actor is not None and actor.is_authenticated
    anonymous = sub.visibility == Visibility.ANONYMOUS
    officer_filed = sub.intake_channel in OFFICER_CHANNELS
    intake_channel = IntakeChannel.RELAY if sub.on_behalf_of is not None else sub.intake_channel
    secret = ""
    report = Report(
        kind=sub.kind,
        category=sub.category,
        description=sub.description.strip(),
        behaviour=sub.behaviour.strip(),
        place_text=sub.place_text.strip(),
        occurred_at=sub.occurred_at,
        unit=sub.unit,
        latitude=lat,
        longitude=lon,
        visibility=sub.visibility,
        intake_channel=intake_channel,
        source=sub.source,
        idempotency_key=sub.idempotency_key or None,
        evidence_links=[link[:500] for link in sub.evidence_links][:20],
    )
    if anonymous:
        secret = sub.secret or new_secret()
        report.secret_hash = keyed_hash(normalize_secret(secret))
        report.filed_by = actor if officer_filed else None
    else:
        reporter = sub.on_behalf_of or (actor if signed_in and not officer_filed else None)
        filer = actor if signed_in and (officer_filed or sub.on_behalf_of) else None
        report.set_links(
            reporter.pk if reporter else None,
            filer.pk if filer else None,
            sub.chat_identity.pk if sub.chat_identity else None,
        )
        report.reporter_name = sub.reporter_name.strip()[:150]
        report.reporter_phone = sub.reporter_phone.strip()[:20]
        report.reporter_contact = sub.reporter_contact.strip()[:300]
    triage = triage_report(report)
    report.triage_urgency, report.triage_reasons, report.triage_category = (
        triage.urgency,
        triage.reasons,
        triage.suggested_category,
    )
    deadlines = compute_deadlines(report.kind, report.received_at)
    report.forward_due_at, report.decision_due_at = deadlines.forward_due_at, deadlines.decision_due_at
    report.search_text = search_text_for(report)
    # Read before the transaction: on SQLite it holds the one write lock every filing waits for.
    alert = None if officer_filed else new_report_alert(report)  # an officer filing at the station has it
    try:
        with transaction.atomic():
            report.save()
            for photo in photos:
                ReportPhoto.objects.create(
                    report=report, image=photo.content, width=photo.width, height=photo.height, size=photo.content.size
                )
            # An anonymous or confidential reporter's submission is recorded without an actor: the
            # log must not become the link that the report itself does not store (or keeps sealed).
            record(
                actor if (signed_in and (report.visibility == Visibility.NAMED or officer_filed)) else None,
                "report.received",
                report,
                unit=report.unit,
                kind=report.kind,
                category=report.category,
                visibility=report.visibility,
                intake_channel=report.intake_channel,
                photos=len(photos),
            )
            # Filed in a chat: the chat's answer carries the receipt code, so the notice stays in the inbox.
            notify_reporter(report, "received", told_in_chat=report.chat_identity_pk is not None)
            if alert is not None:
                alert.raise_alert()
            transaction.on_commit(lambda: _after_receipt(report))
    except IntegrityError:
        if sub.idempotency_key and Report.objects.filter(idempotency_key=sub.idempotency_key).exists():
            found = _existing(sub, actor)
            assert found is not None
            return found
        raise
    return Filed(report, created=True, secret=secret)


def do_give_open311_token(report: Report) -> Report:
    """The token an Open311 client follows its request by (docs/open311.md); a retry keeps the first."""
    if not report.open311_token:
        report.open311_token = secrets.token_hex(12)
        Report.objects.filter(pk=report.pk).update(open311_token=report.open311_token)
    return report


def _after_receipt(report: Report) -> None:
    from reports.tasks import schedule_reminders

    live.publish(
        "report.new",
        unit_path=report.unit.path,
        kind=report.kind,
        code=report.receipt_code,
        urgent=report_is_urgent(report),
    )
    schedule_reminders(report)
