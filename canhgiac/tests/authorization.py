"""The machinery of the authorization matrix (test_authorization_matrix.py holds the table).

Every URL pattern of the project (walked from the resolver, the admin included) and every
operation of the JSON API (read from its OpenAPI schema) is requested as each persona, each
request inside a transaction that is rolled back, so a persona that is allowed to change
something does not change the world the next one sees.

An answer is classed as:
- "ok": the persona got through (2xx, a redirect elsewhere than sign-in, or a 4xx about the
  input: 400, 409, 422, 429 — the permission check came first and passed);
- "no": refused (401, 403, 404, or a redirect to a sign-in page);
- anything else (405, 5xx) is an error of the route or the table.
"""

from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = (
    "anonymous",
    "resident",
    "relay",
    "leader",
    "steering",
    "officer",
    "far_officer",
    "province_officer",
    "key_unit",
    "key_other",
    "admin",
)
SIGNED_IN = ("resident", "relay", "leader", "steering", "officer", "far_officer", "province_officer", "admin")
KEYS = ("key_unit", "key_other")
SIGNIN_PATHS = ("/signin/", "/admin/login/")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" as reverse() takes it, or the admin pattern itself
    pattern: str
    callback: Any


def project_routes() -> list[Route]:
    """Every URL pattern the resolver knows, with its full pattern and namespaced name."""
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner or namespace)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
                found.append(Route(name=name, pattern=prefix + str(entry.pattern), callback=entry.callback))

    walk(get_resolver().url_patterns, "", "")
    return found


@dataclass
class Row:
    """One URL: how to call it and who gets through.

    `path` is the concrete URL with the scenario's objects filled in ({report} → a receipt code);
    `allowed` the personas answered "ok"; every other persona must be answered "no".
    """

    method: str
    path: str
    allowed: frozenset[str]
    data: dict[str, Any] = field(default_factory=dict)
    json: bool = False


def allow(*personas: str) -> frozenset[str]:
    unknown = set(personas) - set(PERSONAS)
    assert not unknown, unknown
    return frozenset(personas)


EVERYONE = allow(*PERSONAS)
SIGNED_IN_ONLY = allow(*SIGNED_IN)
NOBODY = allow()


def classify(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        target = response.get("Location", "")
        if any(target.startswith(path) for path in SIGNIN_PATHS):
            return "no"
        # A form that redirects back with an error was refused; the row's input must be one that
        # the allowed personas get through, so such an answer never counts as "ok".
        return "refused with a message" if _error_message(response) else "ok"
    if status in (401, 403, 404):
        return "no"
    if 200 <= status < 300 or status in (400, 409, 422, 429):
        return "ok"
    return f"error {status}"


def _error_message(response) -> bool:
    from django.contrib.messages import ERROR, get_messages

    request = getattr(response, "wsgi_request", None)
    return request is not None and any(message.level >= ERROR for message in get_messages(request))


class Personas:
    """A signed-in client per persona, and the bearer key of the two key personas."""

    def __init__(self, world, keys: dict[str, str]):
        from canhgiac.testing import signed_in

        self.keys = keys
        self.clients: dict[str, Client] = {}
        for persona in PERSONAS:
            client = Client(raise_request_exception=False)
            if persona in SIGNED_IN:
                signed_in(client, getattr(world, persona))
            self.clients[persona] = client
        self.cookies = {
            name: {key: morsel.value for key, morsel in client.cookies.items()} for name, client in self.clients.items()
        }

    def request(self, persona: str, row: Row):
        client = self.clients[persona]
        headers = {}
        path = row.path
        if persona in KEYS:
            headers["Authorization"] = f"Bearer {self.keys[persona]}"
            if path.startswith("/open311/"):
                path += ("&" if "?" in path else "?") + f"api_key={self.keys[persona]}"
        cache.clear()
        with transaction.atomic():
            if row.json:
                response = client.generic(
                    row.method, path, data=_json(row.data), content_type="application/json", headers=headers
                )
            elif row.method == "GET":
                response = client.get(path, row.data, headers=headers)
            else:
                response = client.post(path, _with_files(row.data), headers=headers)
            transaction.set_rollback(True)
        # A view that signs out or rotates the session changed the client's cookies: put them back.
        client.cookies = SimpleCookie()
        for key, value in self.cookies[persona].items():
            client.cookies[key] = value
        return response


def _with_files(data: dict[str, Any]) -> dict[str, Any]:
    """A fresh upload for every request: (filename, bytes) values become files."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        name: SimpleUploadedFile(value[0], value[1]) if isinstance(value, tuple) else value
        for name, value in data.items()
    }


def _json(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data)


def build_scenario(world) -> dict[str, Any]:
    """One object of every kind a URL names, in the first commune, made through the real actions."""
    from datetime import timedelta

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from bulletins.actions import check_create_post, check_publish_bulletin, check_reply
    from bulletins.audience import Audience
    from bulletins.models import Category
    from canhgiac.testing import create_directive, create_report, photo_upload
    from coverage.actions import do_start_unit_import
    from delivery.models import Delivery
    from duty.actions import ack_token, check_add_shift
    from duty.models import Alert
    from groups.actions import check_create_invite, check_link_organisation, check_request_join, check_save_organisation
    from groups.models import GroupKind, Membership
    from reports.actions import check_grant_alert_trust, check_raise_alert, do_give_open311_token
    from steering.actions import check_assign_responsibility
    from steering.models import Reminder as SteeringReminder
    from steering.models import TargetLevel

    report = create_report(world.resident, world.rg, photos=[photo_upload()]).report
    anonymous = create_report(None, world.rg, visibility="anonymous", description="Có người lạ rình nhà")
    report = do_give_open311_token(report)
    other_report = create_report(world.relay, world.rg, description="Trộm xe máy ở chợ").report
    lost = create_report(
        world.resident, world.rg, kind="lost", category="lost_animal", description="Lạc con trâu", visibility="named"
    ).report
    found = create_report(
        world.leader,
        world.rg,
        kind="found",
        category="found_animal",
        description="Bắt được con trâu",
        visibility="named",
    ).report
    invite = check_create_invite(world.leader, world.rg_group)
    join_request = check_request_join(world.stranger, world.rg_group)
    membership = Membership.objects.get(group=world.rg_group, person=world.resident)
    unit_import = do_start_unit_import(world.officer, world.commune, "to.csv", "Ấp,Tổ\nẤp Mới,Tổ 9\n".encode())
    bulletin = check_publish_bulletin(
        world.steering,
        title="Cảnh giác trộm chó",
        body_html="<p>Đóng cổng ban đêm.</p>",
        category=Category.OTHER,
        audience=Audience(groups=[world.rg_group]),
        attachments=[photo_upload("so-do.png")],
    )
    scheduled = check_publish_bulletin(
        world.steering,
        title="Họp tổ tuần tra",
        body_html="<p>Tối thứ Bảy.</p>",
        category=Category.OTHER,
        audience=Audience(groups=[world.rg_group]),
        publish_at=timezone.now() + timedelta(days=2),
    )
    delivery = Delivery.objects.filter(person=world.resident).earliest("pk")
    elder_delivery = Delivery.objects.filter(person=world.elder).earliest("pk")
    post = check_create_post(world.resident, world.rg_group, "Nhà ai mất con trâu?", photo_upload("trau.png"))
    reply = check_reply(world.relay, post, "Con trâu ở bờ sông", photo_upload("bo-song.png"))
    alert = check_raise_alert(world.officer, world.hamlet, "Có người lạ đi xe không biển số", confirm_warnings=True)
    trust = check_grant_alert_trust(world.officer, world.leader, world.hamlet)
    directive = create_directive(
        world.steering, world.commune, [(TargetLevel.RESIDENTIAL_GROUP, GroupKind.RESIDENTIAL_GROUP)]
    )
    responsibility = check_assign_responsibility(world.steering, world.steering, unit=world.commune, duty="Tuần tra")
    # The women's union of the commune, its contact the residential group's leader (no mandate).
    organisation = check_save_organisation(
        world.steering, world.commune, name="Hội Phụ nữ xã", kind="women", contact_phone=world.leader.phone
    )
    check_link_organisation(world.steering, world.rg_group, organisation)
    reminder = SteeringReminder.objects.create(recipient=world.leader, subject="Lập nhóm tổ 2")
    # The commune police's roster: the officer on duty now; a report filed then alerts them, and
    # the alert's link carries a token naming the alert and that officer.
    now = timezone.now()
    shift = check_add_shift(
        world.officer,
        world.commune,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=11),
        officer=world.officer,
        backup=None,
    )
    alerted = create_report(world.resident, world.rg, description="Có kẻ cạy cửa nhà bên cạnh").report
    duty_alert = Alert.objects.get(source_id=alerted.pk, recipients__person=world.officer)
    return {
        "commune": world.commune.code,
        "rg_unit": world.rg.code,
        "household": world.household.pk,
        "elder": world.elder.pk,
        "group": world.rg_group.pk,
        "invite": invite.pk,
        "invite_token": invite.token,
        "join_request": join_request.pk,
        "membership": membership.pk,
        "import": unit_import.pk,
        "bulletin": bulletin.pk,
        "scheduled": scheduled.pk,
        "found": found.receipt_code,
        "commune_id": world.commune.pk,
        "attachment": bulletin.attachments.get().pk,
        "delivery": delivery.pk,
        "elder_delivery": elder_delivery.pk,
        "notice": bulletin.notice_id or 0,
        "post": post.pk,
        "reply": reply.pk,
        "shift": shift.pk,
        "ack_token": ack_token(duty_alert, world.officer.pk),
        "report": report.receipt_code,
        "other_report": other_report.receipt_code,
        "lost": lost.receipt_code,
        "photo": report.photos.get().pk,
        "open311_token": report.open311_token,
        "alert": alert.pk,
        "trust": trust.pk,
        "directive": directive.pk,
        "responsibility": responsibility.pk,
        "organisation": organisation.pk,
        "reminder": reminder.pk,
        "anonymous": anonymous.report.receipt_code,
        "anonymous_secret": anonymous.secret,
        "hamlet": world.hamlet.code,
        "hamlet_id": world.hamlet.pk,
        "neighbour_id": world.neighbour.pk,
        "leader_phone": world.leader.phone,
        "identity": 0,
        "officer": world.officer.pk,
        "person_type": ContentType.objects.get_for_model(type(world.officer)).pk,
    }
