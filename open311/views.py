"""Open311 GeoReport v2 (docs/open311.md): so existing civic-reporting clients work unchanged.

Services are report categories; service_request_id is the receipt code; our detailed states map
to open/closed with the detailed state in status_notes. Public GETs list only the kinds meant for
the public (public-order problems, lost & found); crime tips and suspicious activity are listed
only to a police key of their unit, and never with their text, place or reporter.
"""

import json
from datetime import datetime, timedelta
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from api.actions import do_note_key_used, do_record_key_use
from api.models import ApiKey
from open311.queries import visible_requests
from places.models import Unit
from places.queries import communes_of
from reports.actions import WarningsNeedConfirmation, check_submit_report, client_submission, do_give_open311_token
from reports.categories import BY_CODE, CATEGORIES, PUBLIC_KINDS, Kind
from reports.models import IntakeChannel, Report
from reports.workflow import OPEN_STATUSES, Status

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_DAYS = 90
MAX_RESULTS = 1000


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        self.status, self.description = status, str(description)


def _xml_value(parent: ET.Element, key: str, value) -> None:
    child = ET.SubElement(parent, key)
    if isinstance(value, list):
        item_tag = "value" if key == "values" else key.rstrip("s")
        for item in value:
            if isinstance(item, dict):
                _xml_dict(ET.SubElement(child, item_tag), item)
            else:
                ET.SubElement(child, item_tag).text = str(item)
    elif isinstance(value, dict):
        _xml_dict(child, value)
    elif value is None:
        child.text = ""
    elif isinstance(value, bool):
        child.text = "true" if value else "false"
    else:
        child.text = str(value)


def _xml_dict(element: ET.Element, data: dict) -> None:
    for key, value in data.items():
        _xml_value(element, key, value)


def render(data, fmt: str, *, root: str = "", item: str = "", status: int = 200) -> HttpResponse:
    if fmt == "xml":
        element = ET.Element(root)
        if isinstance(data, list):
            for entry in data:
                _xml_dict(ET.SubElement(element, item), entry)
        else:
            _xml_dict(element, data)
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="utf-8")
    else:
        body = json.dumps(data, ensure_ascii=False).encode()
    response = HttpResponse(body, content_type=FORMATS[fmt], status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open311_view(view):
    def wrapper(request, *args, fmt: str = "json", **kwargs):
        if fmt not in FORMATS:
            return render([{"code": 404, "description": "Unknown format"}], "json", status=404)
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as error:
            return render(
                [{"code": error.status, "description": error.description}],
                fmt,
                root="errors",
                item="error",
                status=error.status,
            )

    wrapper.__name__ = view.__name__
    return csrf_exempt(wrapper)


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _service(category) -> dict:
    return {
        "service_code": category.code,
        "service_name": str(category.name),
        "description": str(category.description),
        "metadata": category.kind == Kind.SUSPICIOUS,
        "type": "realtime",
        "keywords": ", ".join(category.keywords),
        "group": str(Kind(category.kind).label),
    }


@open311_view
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": "json"})).rsplit("/", 1)[0]
    data = {
        "changeset": "2026-01-01T00:00:00+07:00",
        "contact": settings.OPEN311_CONTACT,
        "key_service": settings.OPEN311_KEY_SERVICE,
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-01-01T00:00:00+07:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(data, fmt, root="discovery")


@open311_view
def services(request, fmt):
    return render([_service(c) for c in CATEGORIES], fmt, root="services", item="service")


@open311_view
def service_definition(request, code, fmt):
    category = BY_CODE.get(code)
    if category is None:
        raise Open311Error(404, _("Unknown service_code."))
    attributes = []
    if category.kind == Kind.SUSPICIOUS:
        attributes.append(
            {
                "variable": True,
                "code": "behaviour",
                "datatype": "text",
                "required": True,
                "datatype_description": str(_("What the person did: behaviour and circumstances, not appearance.")),
                "order": 1,
                "description": str(_("What did the person do?")),
                "values": [],
            }
        )
    return render({"service_code": code, "attributes": attributes}, fmt, root="service_definition")


def status_notes(report: Report) -> str:
    notes = str(Status(report.status).label)
    if report.status == Status.FORWARDED and report.forwarded_to:
        notes = f"{notes}: {report.forwarded_to}"
    if report.merged_into is not None:
        notes = f"{notes} ({report.merged_into.receipt_code})"
    return str(notes)


def request_data(report: Report, request, commune: Unit | None) -> dict:
    """One service request; `commune` is the report's commune (from `requests_data`, read for the whole list)."""
    public = report.kind in PUBLIC_KINDS
    photo = next(iter(report.photos.all()), None) if public else None
    return {
        "service_request_id": report.receipt_code,
        "status": "open" if report.status in OPEN_STATUSES else "closed",
        "status_notes": status_notes(report),
        "service_name": str(report.category_name),
        "service_code": report.category,
        "description": report.description if public else "",
        "agency_responsible": report.forwarded_to
        or str(_("Commune police of %(unit)s") % {"unit": (commune or report.unit).name}),
        "service_notice": "",
        "requested_datetime": _iso(report.received_at),
        "updated_datetime": _iso(report.updated_at),
        "expected_datetime": _iso(report.decision_due_at) if report.status in OPEN_STATUSES else None,
        "address": report.place_text if public else "",
        "address_id": report.unit.code,
        "zipcode": "",
        "lat": float(report.latitude) if public and report.latitude is not None else None,
        "long": float(report.longitude) if public and report.longitude is not None else None,
        "media_url": request.build_absolute_uri(reverse("reports:photo", args=[report.receipt_code, photo.pk]))
        if photo
        else "",
    }


def reading_key(request) -> ApiKey | None:
    """The API key of a GET: `api_key` in the query (the Open311 way) or `Authorization: Bearer`.
    A key that is given but unknown or revoked is refused rather than read as no key."""
    bearer = request.headers.get("Authorization", "")
    raw = request.GET.get("api_key", "") or (bearer[7:].strip() if bearer.lower().startswith("bearer ") else "")
    if not raw:
        return None
    api_key = ApiKey.find(raw)
    if api_key is None:
        raise Open311Error(403, _("This api_key is not valid."))
    return api_key


def listed(reports: list[Report], request, api_key: ApiKey | None, operation: str) -> list[dict]:
    """The service requests of `reports`; a police key's reading of crime tips is audited."""
    if api_key is not None and api_key.person is not None:
        do_record_key_use(api_key, operation, codes=[r.receipt_code for r in reports if r.kind not in PUBLIC_KINDS])
    return requests_data(reports, request)


def requests_data(reports: list[Report], request) -> list[dict]:
    """The service requests of reports read by `service_requests()`; the communes of all their
    units are read at once, so the list costs the same queries however long it is."""
    communes = communes_of(report.unit for report in reports)
    return [request_data(report, request, communes.get(report.unit_id)) for report in reports]


@open311_view
def requests_(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    if request.method != "GET":
        raise Open311Error(405, "GET or POST")
    api_key = reading_key(request)
    reports = visible_requests(api_key)
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        reports = reports.filter(receipt_code__in=ids)
    else:
        codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
        if codes:
            reports = reports.filter(category__in=codes)
        start, end = _date("start_date", request), _date("end_date", request)
        if start and end and end - start > timedelta(days=MAX_DAYS):
            raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
        end = end or timezone.now()
        start = start or end - timedelta(days=MAX_DAYS)
        reports = reports.filter(received_at__gte=start, received_at__lte=end)
        statuses = {s.strip() for s in request.GET.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status must be open or closed."))
        if statuses == {"open"}:
            reports = reports.filter(status__in=list(OPEN_STATUSES))
        elif statuses == {"closed"}:
            reports = reports.exclude(status__in=list(OPEN_STATUSES))
    data = listed(list(reports.order_by("-received_at")[:MAX_RESULTS]), request, api_key, "GET /open311/v2/requests")
    return render(data, fmt, root="service_requests", item="request")


def _date(name: str, request) -> datetime | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    value = parse_datetime(raw.replace("Z", "+00:00").replace(" ", "+"))
    if value is None:
        raise Open311Error(400, _("%(name)s must be a W3C date-time, e.g. 2019-08-28T09:00:00+07:00.") % {"name": name})
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _create(request, fmt):
    post = request.POST
    api_key = ApiKey.find(post.get("api_key", ""))
    if api_key is None:
        raise Open311Error(403, _("A valid api_key is required to submit requests."))
    category = BY_CODE.get(post.get("service_code", ""))
    if category is None:
        raise Open311Error(400, _("Unknown service_code."))
    unit_code = post.get("address_id") or post.get("jurisdiction_id") or ""
    unit = Unit.objects.filter(code=unit_code).first() if unit_code else api_key.unit
    if unit is None:
        raise Open311Error(
            400, _("Unknown place: give address_id with the code of a commune, hamlet or residential group.")
        )
    lat, lon = post.get("lat", ""), post.get("long", "")
    if not (lat and lon) and not post.get("address_string") and not post.get("address_id"):
        raise Open311Error(400, _("Give a location: lat and long, address_string or address_id."))
    name = " ".join(p for p in (post.get("first_name", "").strip(), post.get("last_name", "").strip()) if p)
    phone, email = post.get("phone", "").strip(), post.get("email", "").strip()
    identified = bool(name or phone or email)
    sub = client_submission(
        IntakeChannel.OPEN311,
        api_key,
        category=category.code,
        description=post.get("description", ""),
        unit=unit,
        visibility="confidential" if identified else "anonymous",
        behaviour=post.get("attribute[behaviour]", ""),
        place_text=post.get("address_string", "")[:300],
        latitude=lat or None,
        longitude=lon or None,
        reporter_name=name,
        reporter_phone=phone,
        reporter_contact=email,
        confirm_warnings=True,
        idempotency_key=request.headers.get("Idempotency-Key") or post.get("idempotency_key", ""),
    )
    try:
        filed = check_submit_report(None, sub)
    except WarningsNeedConfirmation as error:
        raise Open311Error(400, " ".join(error.messages)) from None
    except ValidationError as error:
        raise Open311Error(400, " ".join(error.messages)) from None
    report = do_give_open311_token(filed.report)
    do_note_key_used(api_key)
    notice = str(_("Receipt code %(code)s.") % {"code": report.receipt_code})
    if filed.secret:
        notice += " " + str(
            _(
                "Secret %(secret)s: with the receipt code it lets you follow the report "
                "and talk to the police anonymously."
            )
            % {"secret": filed.secret}
        )
    data = [
        {
            "service_request_id": report.receipt_code,
            "token": report.open311_token,
            "service_notice": notice,
            "account_id": None,
        }
    ]
    return render(data, fmt, root="service_requests", item="request", status=201 if filed.created else 200)


@open311_view
def request_detail(request, request_id, fmt):
    api_key = reading_key(request)
    report = visible_requests(api_key).filter(receipt_code=request_id).first()
    if report is None:
        raise Open311Error(404, _("No such service request."))
    data = listed([report], request, api_key, "GET /open311/v2/requests/{id}")
    return render(data, fmt, root="service_requests", item="request")


@open311_view
def token(request, token, fmt):
    report = Report.objects.filter(open311_token=token).first()
    if report is None:
        raise Open311Error(404, _("No such token."))
    data = [{"service_request_id": report.receipt_code, "token": token}]
    return render(data, fmt, root="service_requests", item="request")
