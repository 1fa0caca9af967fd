"""The JSON API (OpenAPI at /api/openapi.json, docs at /api/docs). Same actions as the pages.

Authentication: a signed-in session (residents, officers; CSRF token required on writes), or an
API key as `Authorization: Bearer …` for other systems filing reports; a police key
(`create_api_key --police`) also reads and acts on the queue of its unit and the units below,
as an officer of that unit would, and every call with it is audited. Anonymous reporters need
no authentication: they file without it and follow with receipt code + secret in a POST body.
A report's representation never carries the reporter's identity; the handling police read it
from /reports/{code}/identity, which is audited (docs/reports.md).
"""

import json
from datetime import datetime
from decimal import Decimal
from functools import wraps
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.renderers import JSONRenderer
from ninja.responses import Status as Reply
from ninja.security import HttpBearer, SessionAuth, django_auth

from api.actions import do_record_key_use
from api.models import ApiKey
from groups.models import CommunityGroup
from people.models import Person
from places.models import Unit
from reports import actions, queries
from reports.categories import CATEGORIES
from reports.models import IntakeChannel, Report, reports_made_by
from reports.permissions import can_work_report, has_queue, is_own_report
from reports.throttle import follow_blocked, note_follow_failure
from reports.triage import stored_triage
from reports.workflow import Status, allowed_next


class Utf8JSONRenderer(JSONRenderer):
    """Vietnamese text as UTF-8, not escaped as `\\uXXXX`: a resident's description takes 0.6 of
    the bytes (161 against 262 for the benchmark's), and reads as written in logs and checks."""

    json_dumps_params = {"ensure_ascii": False}


def utf8_schema(view):
    """The schema view answers through Django's JsonResponse, not the renderer: its Vietnamese
    (the title, every category's name) is written out as UTF-8 here too."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.get("Content-Type", "").startswith("application/json"):
            response.content = json.dumps(json.loads(response.content), ensure_ascii=False).encode()
        return response

    return wrapped


api = NinjaAPI(
    renderer=Utf8JSONRenderer(),
    docs_decorator=utf8_schema,
    title="Cảnh Giác API",
    version="1",
    description="Reports and the police workflow. See docs/api.md.",
    urls_namespace="api",
)


class KeyAuth(HttpBearer):
    def authenticate(self, request, token):
        key = ApiKey.find(token)
        if key is not None:
            request.api_key = key
        return key


def _no_auth(request):
    return True


class SessionWhenSent(SessionAuth):
    """The signed-in person when the request carries a session cookie, which must pass the CSRF
    check (403 otherwise: a cross-site post riding on it). A request without one (a plain HTTP
    client with a key or nothing) is simply not this method, so the next one is tried instead of
    answering 403 "CSRF check Failed" to a client that never had a cookie."""

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super().__call__(request)


class FilingKeyAuth(KeyAuth):
    """A key when one is given; a wrong or revoked key is refused (401), never filed as anonymous."""

    def authenticate(self, request, token):
        key = super().authenticate(request, token)
        if key is None:
            raise HttpError(401, _("Unknown or revoked API key."))
        return key


# Filing: a police or client key, a resident's session (CSRF-checked), or the open door.
FILING_AUTH = [FilingKeyAuth(), SessionWhenSent(), _no_auth]


# The officers' endpoints: a police key (tried first, so a Bearer call needs no CSRF token) or a session.
POLICE_AUTH = [KeyAuth(), django_auth]


def caller(request) -> Person:
    """Who acts: the signed-in person, or the police key's account. A key without --police acts on nothing."""
    api_key = getattr(request, "api_key", None)
    if api_key is None:
        return request.user
    if api_key.person is None:
        raise PermissionDenied
    return api_key.person


def audit_key_use(request, operation: str, *codes: str) -> None:
    """Record a call made with an API key: which key, which operation, which reports."""
    api_key = getattr(request, "api_key", None)
    if api_key is not None:
        do_record_key_use(api_key, operation, codes=list(codes))


def _holds_null_character(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Schema):
        return _holds_null_character(value.model_dump())
    if isinstance(value, dict):
        return any(_holds_null_character(item) for item in [*value.keys(), *value.values()])
    if isinstance(value, list | tuple):
        return any(_holds_null_character(item) for item in value)
    return False


def refuse_null_characters(operation):
    """Text with a NUL character is refused with a 400, as Django's forms refuse it: PostgreSQL
    cannot store it, and a query or audit record carrying it failed with a 500 (found by
    api/tests/test_schema.py on PostgreSQL)."""

    @wraps(operation)
    def checked(request, *args, **kwargs):
        if _holds_null_character(list(kwargs.values())):
            raise ValidationError(_("Null characters are not allowed."), code="null_characters_not_allowed")
        return operation(request, *args, **kwargs)

    return checked


api.add_decorator(refuse_null_characters)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    fields = exc.message_dict if hasattr(exc, "error_dict") else {}
    return api.create_response(request, {"detail": " ".join(exc.messages), "errors": fields}, status=400)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("Sign in, or send a valid API key.")}, status=401)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


class ErrorOut(Schema):
    """401 (no or unknown credentials), 403 (not allowed, or a session write without its CSRF
    token), 404 (no such report, or not one the caller may see)."""

    detail: str


class InvalidOut(Schema):
    """400: the input is well-formed but the action refuses it, field by field where it can."""

    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


class MalformedOut(Schema):
    """422: the body or a parameter does not match the operation's schema."""

    detail: list[dict[str, Any]]


ERROR_SCHEMAS: dict[int, type[Schema]] = {
    400: InvalidOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: MalformedOut,
}


def answers(success: dict[int, object], *errors: int) -> dict[int, object]:
    """An operation's responses: its successes and the errors it can answer, so /api/openapi.json
    declares every status a client may meet (checked by api/tests/test_schema.py)."""
    return {**success, **{code: ERROR_SCHEMAS[code] for code in errors}}


READ = (400, 401, 403, 404)
WRITE = (400, 401, 403, 404, 422)


class CategoryOut(Schema):
    code: str
    kind: str
    name: str
    description: str


class ReportIn(Schema):
    category: str
    description: str
    unit_code: str
    visibility: str = "confidential"
    behaviour: str = ""
    place_text: str = ""
    occurred_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_contact: str = ""
    secret: str | None = None
    confirm_warnings: bool = False


class TriageOut(Schema):
    urgency: Literal["urgent", "normal"]
    reasons: list[str] = Field(description='The words or rules that made it urgent, e.g. "weapon: dao".')
    suggested_category: str = Field(description="A category code (GET /api/categories).")


class ReportOut(Schema):
    receipt_code: str
    kind: str
    category: str
    category_name: str
    status: str
    status_label: str
    visibility: str
    intake_channel: str
    unit_code: str
    unit_name: str
    description: str
    behaviour: str
    place_text: str
    latitude: Decimal | None
    longitude: Decimal | None
    occurred_at: datetime | None
    received_at: datetime
    forward_due_at: datetime | None
    decision_due_at: datetime | None
    merged_into: str | None
    assignee: str | None
    next_statuses: list[str]
    triage: TriageOut | None = Field(description="Triage of the resident's text, for the police only (docs/reports.md)")


class FiledOut(Schema):
    created: bool
    report: ReportOut
    secret: str = ""


class MessageOut(Schema):
    side: str
    body: str
    created_at: datetime


class UpdateOut(Schema):
    event: str
    text: str
    created_at: datetime


class FollowIn(Schema):
    secret: str
    message: str = ""


class FollowOut(Schema):
    report: ReportOut
    case_status: str
    updates: list[UpdateOut]
    messages: list[MessageOut]


class IdentityOut(Schema):
    name: str
    phone: str
    contact: str
    filed_by: str
    intake_channel: str


class TransitionIn(Schema):
    status: str
    reason: str = ""
    forwarded_to: str = ""
    returned_to: str = ""
    assignee_id: int | None = None
    patrol_id: int | None = None


class AssignIn(Schema):
    assignee_id: int | None = None
    patrol_id: int | None = None


class MessageIn(Schema):
    body: str


class MergeIn(Schema):
    into: str
    reason: str = ""


class DuplicateOut(Schema):
    receipt_code: str
    score: float
    status: str
    description: str


class AlertIn(Schema):
    unit_code: str
    text: str
    hours: int = 6
    confirm_warnings: bool = False


class AlertOut(Schema):
    id: int
    unit_code: str
    text: str
    expires_at: datetime


def report_out(report: Report, viewer=None) -> dict:
    """A report as the API shows it: the same fields for every caller, never the identity."""
    staff = viewer is not None and viewer.is_authenticated and can_work_report(viewer, report)
    return {
        "receipt_code": report.receipt_code,
        "kind": report.kind,
        "category": report.category,
        "category_name": str(report.category_name),
        "status": report.status,
        "status_label": str(Status(report.status).label),
        "visibility": report.visibility,
        "intake_channel": report.intake_channel,
        "unit_code": report.unit.code,
        "unit_name": report.unit.name,
        "description": report.description,
        "behaviour": report.behaviour,
        "place_text": report.place_text,
        "latitude": report.latitude,
        "longitude": report.longitude,
        "occurred_at": report.occurred_at,
        "received_at": report.received_at,
        "forward_due_at": report.forward_due_at,
        "decision_due_at": report.decision_due_at,
        "merged_into": report.merged_into.receipt_code if report.merged_into is not None else None,
        "assignee": report.assignee.full_name if staff and report.assignee is not None else None,
        "next_statuses": allowed_next(report.kind, report.status) if staff else [],
        "triage": triage_out(report) if staff else None,
    }


def triage_out(report: Report) -> dict:
    triage = stored_triage(report)
    return {"urgency": triage.urgency, "reasons": triage.reasons, "suggested_category": triage.suggested_category}


@api.get("/categories", response=list[CategoryOut], auth=None, tags=["reports"])
def list_categories(request):
    return [
        {"code": c.code, "kind": c.kind, "name": str(c.name), "description": str(c.description)} for c in CATEGORIES
    ]


@api.post(
    "/reports",
    response=answers({200: FiledOut, 201: FiledOut}, 400, 401, 403, 422),
    auth=FILING_AUTH,
    tags=["reports"],
)
def file_report(request, payload: ReportIn):
    """File a report. Send an `Idempotency-Key` header: a retry with the same key returns the first
    report (200) instead of creating a second one (201)."""
    unit = Unit.objects.filter(code=payload.unit_code).first()
    if unit is None:
        raise ValidationError({"unit_code": [_("Unknown unit.")]})
    # Only a session that passed django_auth (with its CSRF check) files as the signed-in person;
    # a request that fell through to the open door files anonymously, whatever its cookies say.
    person = request.auth if isinstance(request.auth, Person) else None
    sub = actions.client_submission(
        IntakeChannel.API,
        getattr(request, "api_key", None),
        category=payload.category,
        description=payload.description,
        unit=unit,
        visibility=payload.visibility,
        behaviour=payload.behaviour,
        place_text=payload.place_text,
        occurred_at=payload.occurred_at,
        latitude=payload.latitude,
        longitude=payload.longitude,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
        reporter_contact=payload.reporter_contact,
        confirm_warnings=payload.confirm_warnings,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        secret=payload.secret,
    )
    filed = actions.check_submit_report(person, sub)
    status = 201 if filed.created else 200
    return Reply(status, {"created": filed.created, "report": report_out(filed.report, person), "secret": filed.secret})


@api.get("/reports", response=answers({200: list[ReportOut]}, 400, 401, 403), auth=POLICE_AUTH, tags=["police"])
def queue(
    request,
    q: str = "",
    status: str = "",
    category: str = "",
    due: str = "",
    assignee: str = "",
):
    """The caller's work queue (police: every kind in their units; steering: lost & found)."""
    person = caller(request)
    if not has_queue(person):
        raise PermissionDenied
    params = {"q": q, "status": status, "category": category, "due": due, "assignee": assignee}
    _form, reports = queries.filtered_queue(person, params)
    listed = list(reports)
    audit_key_use(request, "GET /api/reports", *(r.receipt_code for r in listed))
    return [report_out(r, person) for r in listed]


@api.get("/reports/mine", response=answers({200: list[ReportOut]}, 401), auth=django_auth, tags=["reports"])
def mine(request):
    reports = Report.objects.filter(reports_made_by(request.user.pk)).select_related("unit", "merged_into")
    return [report_out(r, request.user) for r in reports]


@api.get("/reports/{code}", response=answers({200: ReportOut}, *READ), auth=POLICE_AUTH, tags=["reports"])
def get_report(request, code: str):
    audit_key_use(request, "GET /api/reports/{code}", code)
    person = caller(request)
    return report_out(actions.access_report(person, code), person)


@api.post("/reports/{code}/follow", response=answers({200: FollowOut}, 400, 404, 422), auth=None, tags=["reports"])
def follow(request, code: str, payload: FollowIn):
    """The anonymous reporter's view, with receipt code + secret; optionally sends a message."""
    ip = request.META.get("REMOTE_ADDR")
    report = None if follow_blocked(ip) else actions.access_report_by_secret(code, payload.secret)
    if report is None:
        note_follow_failure(ip)
        raise Http404
    if payload.message.strip():
        actions.check_post_message(report, payload.message, actor=None, as_reporter=True)
    case = queries.case_of(report)
    return {
        "report": report_out(report),
        "case_status": case.status,
        "updates": list(report.updates.all()[:50]),
        "messages": list(report.messages.all()),
    }


@api.get(
    "/reports/{code}/identity",
    response=answers({200: IdentityOut, 204: None}, *READ),
    auth=POLICE_AUTH,
    tags=["police"],
)
def identity(request, code: str, reason: str = ""):
    """Who reported: only for the handling police (and the reporter). Every call is audited."""
    audit_key_use(request, "GET /api/reports/{code}/identity", code)
    person = caller(request)
    report = actions.access_report(person, code)
    found = actions.access_identity(person, report, reason=reason)
    if found is None:
        return Reply(204, None)
    return Reply(200, found.__dict__)


@api.post("/reports/{code}/transitions", response=answers({200: ReportOut}, *WRITE), auth=POLICE_AUTH, tags=["police"])
def transition(request, code: str, payload: TransitionIn):
    audit_key_use(request, "POST /api/reports/{code}/transitions", code)
    person = caller(request)
    report = actions.access_report(person, code)
    report = actions.check_transition(
        person,
        report,
        payload.status,
        reason=payload.reason,
        forwarded_to=payload.forwarded_to,
        returned_to=payload.returned_to,
        assignee=Person.objects.filter(pk=payload.assignee_id).first() if payload.assignee_id else None,
        patrol=CommunityGroup.objects.filter(pk=payload.patrol_id).first() if payload.patrol_id else None,
    )
    return report_out(report, person)


@api.post("/reports/{code}/assign", response=answers({200: ReportOut}, *WRITE), auth=POLICE_AUTH, tags=["police"])
def assign(request, code: str, payload: AssignIn):
    """Send an officer or a patrol without changing the status; they get the case on their phones."""
    audit_key_use(request, "POST /api/reports/{code}/assign", code)
    person = caller(request)
    report = actions.access_report(person, code)
    report = actions.check_assign(
        person,
        report,
        assignee=Person.objects.filter(pk=payload.assignee_id).first() if payload.assignee_id else None,
        patrol=CommunityGroup.objects.filter(pk=payload.patrol_id).first() if payload.patrol_id else None,
    )
    return report_out(report, person)


@api.get(
    "/reports/{code}/messages", response=answers({200: list[MessageOut]}, *READ), auth=POLICE_AUTH, tags=["reports"]
)
def list_messages(request, code: str):
    audit_key_use(request, "GET /api/reports/{code}/messages", code)
    report = actions.access_report(caller(request), code)
    return list(report.messages.all())


@api.post("/reports/{code}/messages", response=answers({201: MessageOut}, *WRITE), auth=POLICE_AUTH, tags=["reports"])
def post_message(request, code: str, payload: MessageIn):
    audit_key_use(request, "POST /api/reports/{code}/messages", code)
    person = caller(request)
    report = actions.access_report(person, code)
    message = actions.check_post_message(report, payload.body, actor=person, as_reporter=is_own_report(person, report))
    return Reply(201, message)


@api.get(
    "/reports/{code}/duplicates", response=answers({200: list[DuplicateOut]}, *READ), auth=POLICE_AUTH, tags=["police"]
)
def duplicates(request, code: str):
    audit_key_use(request, "GET /api/reports/{code}/duplicates", code)
    person = caller(request)
    report = actions.access_report(person, code)
    if not can_work_report(person, report):
        raise PermissionDenied
    return [
        {"receipt_code": r.receipt_code, "score": score, "status": r.status, "description": r.description}
        for r, score in queries.suggest_duplicates(report)
    ]


@api.post("/reports/{code}/merge", response=answers({200: ReportOut}, *WRITE), auth=POLICE_AUTH, tags=["police"])
def merge(request, code: str, payload: MergeIn):
    audit_key_use(request, "POST /api/reports/{code}/merge", code, payload.into)
    person = caller(request)
    duplicate = actions.access_report(person, code)
    primary = actions.access_report(person, payload.into)
    return report_out(actions.check_merge(person, duplicate, primary, payload.reason), person)


@api.post("/alerts", response=answers({201: AlertOut}, *WRITE), auth=django_auth, tags=["police"])
def raise_alert(request, payload: AlertIn):
    unit = Unit.objects.filter(code=payload.unit_code).first()
    if unit is None:
        raise ValidationError({"unit_code": [_("Unknown unit.")]})
    alert = actions.check_raise_alert(
        request.user, unit, payload.text, hours=payload.hours, confirm_warnings=payload.confirm_warnings
    )
    return Reply(201, {"id": alert.pk, "unit_code": unit.code, "text": alert.text, "expires_at": alert.expires_at})
