"""Access that cannot drift: every URL and every API operation × every persona, with the answer
each must get (the harness is in authorization.py; docs/security.md gives the figures).

A URL pattern or an API operation added without a row here fails
`test_every_url_and_api_operation_has_a_row`. Rows name who gets through; everybody else must be
refused. Paths name the scenario's objects ({report} is a confidential report of the first commune
filed by the resident, {commune} the first commune; authorization.build_scenario makes them).

Personas: anonymous; resident (filed {report}); relay (of the resident's household); leader
(of the resident's residential group, trusted to raise alerts in the hamlet); steering (steering
committee of the commune); officer (police of the commune); far_officer (police of a commune in
another province); province_officer (police of the province); key_unit / key_other (police API
keys of the commune / of the far commune); admin (back-office superuser, no mandate).
"""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from canhgiac.tests.authorization import (
    EVERYONE,
    KEYS,
    NOBODY,
    PERSONAS,
    SIGNED_IN_ONLY,
    Personas,
    Row,
    allow,
    build_scenario,
    classify,
    project_routes,
)

pytestmark = pytest.mark.django_db

# Who recurs in the table.
HANDLING_POLICE = allow("officer", "province_officer")  # the police over the report's commune
REPORTER_OR_POLICE = HANDLING_POLICE | {"resident"}
UNIT_MANAGERS = allow("steering", "officer", "province_officer", "admin")  # mandate over the commune, or admin
STAFF = allow("steering", "officer", "far_officer", "province_officer", "admin")  # any mandate, or admin
GROUP_MANAGERS = UNIT_MANAGERS | {"leader"}
MEMBERS_AND_MANAGERS = GROUP_MANAGERS | {"resident", "relay"}  # who sees the first commune's groups
# Who acts in a group's conversation (posts, replies, hides, mutes): its members and the officers
# over its unit, not an administrator without a role there (bulletins/permissions.py).
GROUP_MODERATORS = GROUP_MANAGERS - {"admin"}
GROUP_SPEAKERS = MEMBERS_AND_MANAGERS - {"admin"}
POLICE_KEY_HERE = allow("key_unit")
QUEUE_VIEWERS = allow("steering", "officer", "far_officer", "province_officer")  # each sees their own units


def get(path: str, allowed: frozenset[str], **query) -> Row:
    return Row("GET", path, allowed, query)


def post(path: str, allowed: frozenset[str], **data) -> Row:
    return Row("POST", path, allowed, data)


# Pages, by URL name. The admin site's URLs are not listed one by one: every one of them is
# requested too and must answer "ok" to the admin and "no" to everyone else (ADMIN_ROW).
PAGES: dict[str, Row] = {
    "core:home": get("/", EVERYONE),
    "core:healthz": get("/healthz", EVERYONE),
    "core:readyz": get("/readyz", EVERYONE),
    # From loopback, as the test client calls; other addresses need METRICS_TOKEN (core/tests).
    "core:metrics": get("/metrics", EVERYONE),
    "core:manifest": get("/manifest.webmanifest", EVERYONE),
    "core:sw": get("/sw.js", EVERYONE),
    "core:offline": get("/offline/", EVERYONE),
    "set_language": post("/i18n/setlang/", EVERYONE, language="en"),
    # Sign-in: the code page needs a phone in the session first, so it sends everyone back.
    "people:signin": get("/signin/", EVERYONE),
    "people:signin_code": get("/signin/code/", NOBODY),
    "people:officer_verify": get("/signin/officer/", SIGNED_IN_ONLY),
    "people:officer_setup": get("/signin/officer/setup/", SIGNED_IN_ONLY),
    "people:signout": post("/signout/", EVERYONE),
    "people:profile": get("/me/", SIGNED_IN_ONLY),
    # Large text: on the person when signed in, else in this browser's session; harms nobody.
    "people:display": post("/me/display/", EVERYONE, large_text="1"),
    # Where each role's work is, right after sign-in: a redirect for anyone signed in.
    "people:landing": get("/start/", SIGNED_IN_ONLY),
    "people:privacy_notice": get("/privacy/", EVERYONE),
    # One's own data: always the signed-in person's (privacy/tests); consent for another person
    # only by their relay (the elder's).
    "privacy:mine": get("/me/data/", SIGNED_IN_ONLY),
    "privacy:json": get("/me/data.json", SIGNED_IN_ONLY),
    "privacy:pdf": get("/me/data.pdf", SIGNED_IN_ONLY),
    "privacy:consent": post("/me/data/consent/{elder}/", allow("relay")),
    "privacy:delete": get("/me/data/delete/", SIGNED_IN_ONLY),
    # Groups: the first commune's residential group.
    "groups:mine": get("/groups/", SIGNED_IN_ONLY),
    # An outsider gets the group's name and a request-to-join form, not its members (groups/tests).
    "groups:detail": get("/groups/{group}/", SIGNED_IN_ONLY),
    "groups:create_invite": post("/groups/{group}/invites/", GROUP_MANAGERS, days=7, max_uses=5),
    "groups:revoke_invite": post("/groups/{group}/invites/{invite}/revoke/", GROUP_MANAGERS),
    # Anyone signed in may ask to join; members are told they already are.
    "groups:request_join": post(
        "/groups/{group}/join-requests/", SIGNED_IN_ONLY - {"resident", "relay", "leader"}, message="Cho tôi vào"
    ),
    "groups:decide_join_request": post(
        "/groups/{group}/join-requests/{join_request}/", GROUP_MANAGERS, decision="approve"
    ),
    # Leaving acts on one's own membership only (a non-member is told so).
    "groups:leave": post("/groups/{group}/leave/", allow("resident", "relay", "leader")),
    "groups:remove_member": post("/groups/{group}/members/{membership}/remove/", GROUP_MANAGERS, reason="chuyển đi"),
    "groups:set_role": post("/groups/{group}/members/{membership}/role/", GROUP_MANAGERS, role="member"),
    "groups:join": get("/groups/join/{invite_token}/", EVERYONE),
    # Organisations of the commune: kept by its officers and those above; a group leader who
    # manages a group may not link it to one.
    "groups:link_organisation": post("/groups/{group}/organisation/", UNIT_MANAGERS, organisation=""),
    "groups:organisations": get("/groups/organisations/u/{commune}/", UNIT_MANAGERS),
    "groups:organisation_new": get("/groups/organisations/u/{commune}/new/", UNIT_MANAGERS),
    "groups:organisation": get("/groups/organisations/{organisation}/", UNIT_MANAGERS),
    "groups:organisation_edit": get("/groups/organisations/{organisation}/edit/", UNIT_MANAGERS),
    # The unit pages of the first commune.
    "coverage:my_units": get("/units/", STAFF),
    "coverage:unit": get("/units/{commune}/", UNIT_MANAGERS),
    "coverage:create_child": post("/units/{commune}/children/", UNIT_MANAGERS, name="Ấp Mới", kind="hamlet"),
    "coverage:rename_unit": post("/units/{hamlet}/rename/", UNIT_MANAGERS, name="Ấp Phước Hội Mới"),
    "coverage:create_group": post("/units/{commune}/groups/", UNIT_MANAGERS, name="Nhóm xã", kind="thematic"),
    "coverage:start_import": post(
        "/units/{commune}/imports/", UNIT_MANAGERS, file=("to.csv", "Ấp,Tổ\nẤp Mới,Tổ 9\n".encode())
    ),
    "coverage:import_status": get("/units/{commune}/imports/{import}/", UNIT_MANAGERS),
    "coverage:set_neighbours": post("/units/{commune}/neighbours/", UNIT_MANAGERS, codes=""),
    # A residential group's household total: its leaders and the unit's officers (coverage/actions.py).
    "coverage:declare_households": post(
        "/units/{rg_unit}/households-declared/", GROUP_MANAGERS, declared_households=40
    ),
    "coverage:household_create": get("/units/{rg_unit}/households/new/", GROUP_MANAGERS),
    "coverage:household": get("/households/{household}/", MEMBERS_AND_MANAGERS),
    "coverage:update_household": post("/households/{household}/edit/", GROUP_MANAGERS, address="Số 14 Phước Ninh"),
    "coverage:set_relay": post("/households/{household}/members/{elder}/relay/", GROUP_MANAGERS),
    "coverage:remove_member": post("/households/{household}/members/{elder}/remove/", GROUP_MANAGERS),
    # Inbox: one's own deliveries; reach and relays for those over the group.
    "delivery:inbox": get("/inbox/", SIGNED_IN_ONLY),
    "delivery:inbox_new": get("/inbox/new/", SIGNED_IN_ONLY),
    "delivery:channels": get("/inbox/channels/", SIGNED_IN_ONLY),
    "delivery:push_subscribe": post("/inbox/push/subscribe/", SIGNED_IN_ONLY),
    "delivery:push_unsubscribe": post("/inbox/push/unsubscribe/", SIGNED_IN_ONLY),
    "delivery:open": get("/inbox/{delivery}/", allow("resident")),
    "delivery:confirm_relay": post("/inbox/{elder_delivery}/relayed/", allow("relay")),
    "delivery:reach": get("/inbox/notices/{notice}/reach/", UNIT_MANAGERS),
    "delivery:group_relays": get("/inbox/groups/{group}/relays/", GROUP_MANAGERS),
    # Bulletins: a bulletin of the commune's steering committee to the residential group.
    "bulletins:list": get("/bulletins/", SIGNED_IN_ONLY),
    "bulletins:compose": get("/bulletins/new/", STAFF),
    "bulletins:templates": get("/bulletins/templates/", STAFF),
    "bulletins:detail": get("/bulletins/{bulletin}/", MEMBERS_AND_MANAGERS),
    "bulletins:cancel": post("/bulletins/{scheduled}/cancel/", UNIT_MANAGERS),
    "bulletins:attachment": get("/bulletins/{bulletin}/files/{attachment}/", MEMBERS_AND_MANAGERS),
    "bulletins:create_post": get("/bulletins/groups/{group}/post/", GROUP_SPEAKERS),
    "bulletins:post": get("/bulletins/posts/{post}/", MEMBERS_AND_MANAGERS),
    # Replying: the group's members and the officers over its unit; the photos of the resident's
    # post and of the relay's reply: whoever reads the group (the administrator too).
    "bulletins:reply": post("/bulletins/posts/{post}/replies/", GROUP_SPEAKERS, text="Tôi thấy nó ở bờ sông"),
    "bulletins:post_photo": get("/bulletins/posts/{post}/photo/", MEMBERS_AND_MANAGERS),
    "bulletins:reply_photo": get("/bulletins/replies/{reply}/photo/", MEMBERS_AND_MANAGERS),
    # Hiding a post and muting a member (the resident): the group's leaders and the unit's officers;
    # nobody mutes themself, the resident included.
    "bulletins:moderate": post(
        "/bulletins/posts/{post}/moderate/", GROUP_MODERATORS, moderation="hidden", reason="lạc đề"
    ),
    "bulletins:mute": post(
        "/bulletins/groups/{group}/members/{membership}/mute/", GROUP_MODERATORS, days="1", reason="đăng quảng cáo"
    ),
    "bulletins:reshare": get("/bulletins/posts/{post}/reshare/", UNIT_MANAGERS),
    "bulletins:reshare_lost_found": post(
        "/bulletins/posts/{post}/lost-found/",
        UNIT_MANAGERS - {"admin"},
        kind="lost",
        category="lost_animal",
        units="{commune_id}",
    ),
    # Reports. The form is open to all; the walk-in page is a form for anyone signed in, but
    # only police may file through it (reports/tests/test_intake.py).
    "reports:new": get("/reports/new/", EVERYONE),
    "reports:walk_in": get("/reports/walk-in/", SIGNED_IN_ONLY),
    "reports:mine": get("/reports/mine/", SIGNED_IN_ONLY),
    "reports:follow": get("/reports/follow/", EVERYONE),
    # An anonymous report's receipt: whoever holds its code and secret.
    "reports:follow_receipt": post(
        "/reports/follow/receipt.pdf", EVERYONE, code="{anonymous}", secret="{anonymous_secret}"
    ),
    # The queue is per mandate: an officer elsewhere sees their own (empty) queue.
    "reports:queue": get("/reports/queue/", QUEUE_VIEWERS),
    "reports:queue_stream": get("/reports/queue/stream/", QUEUE_VIEWERS),
    "reports:alerts": get("/reports/alerts/", allow("leader", "officer", "far_officer", "province_officer")),
    "reports:cancel_alert": post("/reports/alerts/{alert}/cancel/", HANDLING_POLICE),
    "reports:grant_trust": post("/reports/alerts/trust/", HANDLING_POLICE, unit="{hamlet}", phone="{leader_phone}"),
    "reports:revoke_trust": post("/reports/alerts/trust/{trust}/revoke/", HANDLING_POLICE),
    "reports:post": get("/reports/posts/{lost}/", MEMBERS_AND_MANAGERS - {"admin"}),
    "reports:detail": get("/reports/{report}/", REPORTER_OR_POLICE),
    "reports:staff_detail": get("/reports/{report}/case/", REPORTER_OR_POLICE),
    "reports:receipt": get("/reports/{report}/receipt.pdf", REPORTER_OR_POLICE),
    "reports:photo": get("/reports/{report}/photos/{photo}/", REPORTER_OR_POLICE),
    "reports:message": post("/reports/{report}/messages/", REPORTER_OR_POLICE, body="Tôi bổ sung thông tin"),
    "reports:identity": post("/reports/{report}/identity/", REPORTER_OR_POLICE, field="phone"),
    "reports:transition": post("/reports/{report}/status/", HANDLING_POLICE, status="acknowledged"),
    "reports:assign": post("/reports/{report}/assign/", HANDLING_POLICE, assignee="{officer}"),
    "reports:dispatch": get("/reports/{report}/dispatch/", HANDLING_POLICE),
    "reports:extend": post("/reports/{report}/extend/", HANDLING_POLICE, reason="cần xác minh thêm"),
    "reports:merge": post("/reports/{report}/merge/", HANDLING_POLICE, into="{other_report}", reason="trùng"),
    "reports:share": post("/reports/{lost}/share/", HANDLING_POLICE | {"steering"}, units="{neighbour_id}"),
    # Lost & found posts are worked by the commune's steering committee too (reports/permissions.py).
    "reports:returned": post(
        "/reports/{lost}/returned/", HANDLING_POLICE | {"resident", "steering"}, returned_to="chủ"
    ),
    "reports:confirm_match": post("/reports/{lost}/match/", HANDLING_POLICE | {"steering"}, counterpart="{found}"),
    # Open311: public services and public-order requests; keys file requests.
    "open311:discovery": get("/open311/discovery.json", EVERYONE),
    "open311:services": get("/open311/v2/services.json", EVERYONE),
    "open311:service": get("/open311/v2/services/theft.json", EVERYONE),
    "open311:requests": get("/open311/v2/requests.json", EVERYONE),
    # {report} is a theft report: crime is listed to a police key of its unit alone, never to the
    # public nor to a session (open311/queries.py visible_requests; public-order requests and
    # lost & found are public, open311/tests).
    "open311:request": get("/open311/v2/requests/{report}.json", POLICE_KEY_HERE),
    "open311:token": get("/open311/v2/tokens/{open311_token}.json", EVERYONE),
    # The JSON API's own pages (its operations are in API below).
    "api:openapi-json": get("/api/openapi.json", EVERYONE),
    "api:openapi-view": get("/api/docs", EVERYONE),
    "api:api-root": get("/api/", NOBODY),
    # Steering: the first commune's dashboards, directives and responsibilities.
    "steering:home": get("/steering/", STAFF),
    # And the contact person of an organisation (the leader is the women's union's).
    "steering:mine": get("/steering/mine/", STAFF | {"leader"}),
    "steering:dashboard": get("/steering/u/{commune}/", UNIT_MANAGERS),
    "steering:refresh": post("/steering/u/{commune}/refresh/", UNIT_MANAGERS),
    "steering:map": get("/steering/u/{commune}/map/", UNIT_MANAGERS),
    "steering:map_json": get("/steering/u/{commune}/map.json", UNIT_MANAGERS),
    "steering:report": get("/steering/u/{commune}/report.xlsx", UNIT_MANAGERS, kind="year", year="2026"),
    "steering:directive_new": get("/steering/u/{commune}/directives/new/", UNIT_MANAGERS),
    "steering:responsibilities": get("/steering/u/{commune}/responsibilities/", UNIT_MANAGERS),
    "steering:directive": get("/steering/directives/{directive}/", UNIT_MANAGERS),
    "steering:directive_withdraw": post("/steering/directives/{directive}/withdraw/", UNIT_MANAGERS, reason="xong"),
    "steering:responsibility_end": post("/steering/responsibilities/{responsibility}/end/", UNIT_MANAGERS),
    "steering:reminder_read": post("/steering/reminders/{reminder}/read/", allow("leader")),
    # Duty (duty/permissions.py): a unit's roster is kept by the police of that unit or of a unit
    # above, nobody else — not the steering committee, not the back-office admin, not police
    # elsewhere. The commune's roster has the officer's shift now.
    "duty:mine": get("/duty/", allow("officer", "far_officer", "province_officer")),  # one's own units
    "duty:preferences": get("/duty/alerts/", allow("officer", "far_officer", "province_officer")),  # one's own
    "duty:roster": get("/duty/units/{commune}/", HANDLING_POLICE),
    "duty:remove_shift": post("/duty/units/{commune}/shifts/{shift}/remove/", HANDLING_POLICE),
    # The link in the alert sent to the commune officer: the signed token names that alert and
    # that officer and is the whole authority (the link is opened from a chat app or a Web Push
    # button, without a session), so whoever holds it gets the page, signed in or not, as anyone
    # holding a password would. What makes that safe is tested in duty/tests/test_acknowledge.py:
    # the page shows only what the alert said, a GET acknowledges nothing, a forged, expired or
    # non-recipient's token is refused, and the case itself still needs the officer's sign-in.
    "duty:ack": get("/duty/ack/{ack_token}/", EVERYONE),
    # Channels: unlinking acts on one's own linked accounts only; the scenario links none, so
    # everyone is refused (linking is tested in channels/tests).
    "channels:link": get("/channels/link/", SIGNED_IN_ONLY),
    "channels:unlink": post("/channels/link/{identity}/unlink/", NOBODY),
    # Webhooks answer everyone; an unsigned body is a 400 (channels/tests).
    "channels:hook_zalo_oa": post("/hooks/zalo_oa/", EVERYONE),
    "channels:hook_zalo_oa_hyphenated": post("/hooks/zalo-oa/", EVERYONE),
    "channels:hook_zalo_bot": post("/hooks/zalo_bot/", EVERYONE),
    "channels:hook_zalo_bot_hyphenated": post("/hooks/zalo-bot/", EVERYONE),
    "channels:hook_telegram": post("/hooks/telegram/", EVERYONE),
}

ADMIN_ROW = frozenset({"admin"})
# Admin pages that answer otherwise, and why.
ADMIN_EXCEPTIONS: dict[str, frozenset[str]] = {
    "admin/login/": EVERYONE,  # the sign-in page (signed-in non-staff are told they lack access)
    "admin/logout/": EVERYONE,  # signing out harms nobody
    "admin/autocomplete/": NOBODY,  # no model field uses it: without its parameters it refuses
    "admin/(?P<url>.*)$": NOBODY,  # the catch-all: an unknown admin page is a 404
    "admin/r/<path:content_type_id>/<path:object_id>/": NOBODY,  # "view on site": no record has a public page
    "admin/channels/channelconfig/zalo-authorized/": NOBODY,  # Zalo's OAuth return: refused without its code
    # The audit log is append-only and the task queues, imports, codes and webhook events are
    # made by the system: no one adds or deletes them by hand.
    "admin/audit/auditevent/add/": NOBODY,
    "admin/audit/auditevent/<path:object_id>/delete/": NOBODY,
    "admin/django_tasks_database/dbtaskresult/add/": NOBODY,
    "admin/django_tasks_database/dbtaskresult/<path:object_id>/delete/": NOBODY,
    "admin/people/signincode/add/": NOBODY,
    "admin/coverage/unitimport/add/": NOBODY,
    "admin/channels/inboundevent/add/": NOBODY,
    "admin/django_rq/dashboard/add/": NOBODY,
    # Directives are issued with their requirements on the steering pages, not in the admin.
    "admin/steering/directive/add/": NOBODY,
    "admin/steering/directive/<path:object_id>/delete/": NOBODY,
}
# django-rq registers a table-less model for its dashboard link: its object pages are server
# errors for the admin (a third-party defect, refused to everyone else like every admin page).
ADMIN_BROKEN = {
    "admin/django_rq/dashboard/<path:object_id>/history/",
    "admin/django_rq/dashboard/<path:object_id>/delete/",
    "admin/django_rq/dashboard/<path:object_id>/change/",
}


def api(method: str, path: str, allowed: frozenset[str], **body) -> Row:
    return Row(method, path, allowed, body, json=method != "GET")


# API operations, by "METHOD /path" as in /api/openapi.json.
API: dict[str, Row] = {
    "GET /api/categories": api("GET", "/api/categories", EVERYONE),
    # Filing is open (anonymous filing); the session personas file in their own name.
    "POST /api/reports": api(
        "POST",
        "/api/reports",
        EVERYONE,
        category="theft",
        description="Mất trộm xe đạp",
        unit_code="{rg_unit}",
        visibility="anonymous",
        confirm_warnings=True,
    ),
    "GET /api/reports": api(
        "GET", "/api/reports", allow("steering", "officer", "far_officer", "province_officer", *KEYS)
    ),
    "GET /api/reports/mine": api("GET", "/api/reports/mine", SIGNED_IN_ONLY),
    "GET /api/reports/{code}": api("GET", "/api/reports/{report}", REPORTER_OR_POLICE | POLICE_KEY_HERE),
    # Following with the code and secret of an anonymous report: whoever holds them.
    "POST /api/reports/{code}/follow": api(
        "POST", "/api/reports/{anonymous}/follow", EVERYONE, secret="{anonymous_secret}"
    ),
    "GET /api/reports/{code}/identity": api(
        "GET", "/api/reports/{report}/identity", REPORTER_OR_POLICE | POLICE_KEY_HERE
    ),
    "POST /api/reports/{code}/transitions": api(
        "POST", "/api/reports/{report}/transitions", HANDLING_POLICE | POLICE_KEY_HERE, status="acknowledged"
    ),
    "POST /api/reports/{code}/assign": api(
        "POST", "/api/reports/{report}/assign", HANDLING_POLICE | POLICE_KEY_HERE, assignee_id="{officer}"
    ),
    "GET /api/reports/{code}/messages": api(
        "GET", "/api/reports/{report}/messages", REPORTER_OR_POLICE | POLICE_KEY_HERE
    ),
    "POST /api/reports/{code}/messages": api(
        "POST", "/api/reports/{report}/messages", REPORTER_OR_POLICE | POLICE_KEY_HERE, body="Bổ sung"
    ),
    "GET /api/reports/{code}/duplicates": api(
        "GET", "/api/reports/{report}/duplicates", HANDLING_POLICE | POLICE_KEY_HERE
    ),
    "POST /api/reports/{code}/merge": api(
        "POST", "/api/reports/{report}/merge", HANDLING_POLICE | POLICE_KEY_HERE, into="{other_report}"
    ),
    "POST /api/alerts": api(
        "POST",
        "/api/alerts",
        allow("leader", "officer", "province_officer"),
        unit_code="{hamlet}",
        text="Có người lạ",
        confirm_warnings=True,
    ),
}


def api_operations() -> set[str]:
    from api.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, methods in schema["paths"].items() for method in methods}


def admin_path(pattern: str, scenario: dict) -> str:
    """A concrete path for an admin pattern: the officer's record in the people app."""
    import re

    path = re.sub(r"\(\?P<app_label>[^)]*\)", "people", pattern)
    path = re.sub(r"\(\?P<url>[^)]*\)", "nothing-here/", path)
    path = re.sub(r"<(?:\w+:)?app_label>", "people", path)
    path = re.sub(r"<(?:\w+:)?content_type_id>", str(scenario["person_type"]), path)
    path = re.sub(r"<(?:\w+:)?(object_id|id)>", str(scenario["officer"]), path)
    return "/" + path.replace("^", "").replace("$", "")


def test_every_url_and_api_operation_has_a_row():
    missing = [
        f"{route.name or route.pattern} ({route.pattern})"
        for route in project_routes()
        if not route.pattern.startswith("admin/")
        and route.name not in PAGES
        and not (route.name.startswith("api:") and route.name not in PAGES)
    ]
    assert missing == [], "give each new URL a row in PAGES (who may open it)"
    assert api_operations() == set(API), "give each new API operation a row in API"
    api_names = {route.name for route in project_routes() if route.name.startswith("api:")} - set(PAGES)
    assert len(api_names) == len(API), "an API route is neither in PAGES nor an operation of the schema"
    stale = set(PAGES) - {route.name for route in project_routes()}
    assert stale == set(), "rows for URLs that no longer exist"


@pytest.fixture
def matrix(world, django_capture_on_commit_callbacks):
    def key(*args: str) -> str:
        out = io.StringIO()
        call_command("create_api_key", *args, stdout=out)
        return out.getvalue().strip()

    keys = {
        "key_unit": key("--name", "cau-khoi-police", "--unit", world.commune.code, "--police"),
        "key_other": key("--name", "sai-gon-police", "--unit", world.far_commune.code, "--police"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        scenario = build_scenario(world)
    return Personas(world, keys), scenario


def fill(row: Row, scenario: dict) -> Row:
    def value(v):
        return v.format(**scenario) if isinstance(v, str) else v

    data = {name: value(v) for name, v in row.data.items()}
    if row.json:
        data = {name: int(v) if name.endswith("_id") and str(v).isdigit() else v for name, v in data.items()}
    return Row(row.method, value(row.path), row.allowed, data, row.json)


def run(personas: Personas, rows: dict[str, Row], scenario: dict) -> tuple[int, list[str]]:
    cases, wrong = 0, []
    for name, row in rows.items():
        row = fill(row, scenario)
        for persona in PERSONAS:
            answer = classify(personas.request(persona, row))
            cases += 1
            expected = "ok" if persona in row.allowed else "no"
            # A refusal with a message is a refusal: the allowed personas' same input gets through.
            if answer != expected and not (expected == "no" and answer == "refused with a message"):
                wrong.append(f"{name} {row.method} {row.path} as {persona}: {answer}, expected {expected}")
    return cases, wrong


def test_every_page_answers_each_persona_as_the_table_says(matrix):
    personas, scenario = matrix
    cases, wrong = run(personas, PAGES, scenario)
    assert not wrong, "\n".join(wrong)
    assert cases == len(PAGES) * len(PERSONAS)


def test_every_api_operation_answers_each_persona_as_the_table_says(matrix):
    personas, scenario = matrix
    cases, wrong = run(personas, API, scenario)
    assert cases == len(API) * len(PERSONAS)
    assert not wrong, "\n".join(wrong)


def test_the_admin_site_opens_to_the_admin_alone(matrix):
    personas, scenario = matrix
    rows: dict[str, Row] = {}
    broken: dict[str, Row] = {}
    for route in project_routes():
        if route.pattern.startswith("admin/"):
            method = "POST" if route.pattern == "admin/logout/" else "GET"
            row = Row(method, admin_path(route.pattern, scenario), ADMIN_EXCEPTIONS.get(route.pattern, ADMIN_ROW))
            (broken if route.pattern in ADMIN_BROKEN else rows)[route.pattern] = row
    cases, wrong = run(personas, rows, scenario)
    assert not wrong, "\n".join(wrong)
    assert cases == len(rows) * len(PERSONAS) > 1000
    for pattern, row in broken.items():
        for persona in PERSONAS:
            if persona != "admin":
                assert classify(personas.request(persona, row)) == "no", (pattern, persona)


def test_the_matrix_size_the_docs_give_is_the_real_one():
    admin = [route for route in project_routes() if route.pattern.startswith("admin/")]
    cases = (len(PAGES) + len(API) + len(admin)) * len(PERSONAS)
    for page in ("security.md", "benchmarks.md"):
        text = (settings.BASE_DIR / "docs" / page).read_text()
        assert f"{cases:,}" in text, f"docs/{page} should give the matrix size, {cases:,} cases"
