"""A new report, a reporter's follow-up and a passed deadline reach the police on duty through the
delivery engine; nobody acknowledging sends them on to the backup, the chief, the police above."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from audit.actions import history
from canhgiac.testing import create_report, signed_in
from channels.actions import do_create_link_code
from channels.conftest import add_bot
from delivery.engine import drain
from delivery.models import Delivery, Notice
from delivery.queries import inbox_items
from duty.actions import check_set_preferences, escalate_due
from duty.models import Alert, AlertKind, Roster, Step
from duty.sweep import run as sweep
from reports.actions import check_assign, check_post_message, check_transition
from reports.models import Report

URGENT_TEXT = "Có người cầm dao đang đánh nhau trước cổng chợ"


def notices_to(person) -> list[Notice]:
    return [d.notice for d in Delivery.objects.filter(person=person).select_related("notice").order_by("id")]


def chat(fake, client, slug: str, user_id: str, text: str) -> list[str]:
    """Someone writes in the chat (the webhook as the provider posts it); what the bot answered them."""
    from django.test.testcases import TestCase

    before = len(fake.received)
    raw, headers, path = fake.simulated_message(slug, user_id, text)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(path, raw, content_type="application/json", headers=headers).status_code == 200
    return [
        c.json.get("text", "")
        for c in fake.received[before:]
        if c.route.endswith(".sendMessage") and str(c.json.get("chat_id")) == user_id
    ]


def link_chat(fake, client, person, slug: str, user_id: str) -> None:
    """The officer links their Telegram or Zalo account with a code, as on their profile page."""
    assert any(person.full_name in text for text in chat(fake, client, slug, user_id, do_create_link_code(person)))


def sent_to(fake, user_id: str) -> list[str]:
    return [
        c.json.get("text", "")
        for c in fake.received
        if c.route.endswith(".sendMessage") and str(c.json.get("chat_id")) == user_id
    ]


def history_of(report) -> list[tuple[str, str]]:
    return [(e.verb, e.reason) for e in history(report).order_by("at", "id")]


def test_a_new_report_reaches_the_officer_on_duty_on_telegram_with_no_trace_of_the_reporter(
    world, crew, fake, client, settings
):
    settings.SITE_URL = "https://canhgiac.example.vn"
    add_bot(world.commune, "telegram")
    link_chat(fake, client, world.officer, "telegram", "555")
    report = create_report(
        world.resident,
        world.rg,
        place_text="Cổng chợ Phước Hội",
        description="Tôi là Nguyễn Văn Thanh, nhà tôi bị trộm chó",
        reporter_name="Nguyễn Văn Thanh",
    ).report

    [notice] = notices_to(world.officer)[-1:]
    assert report.receipt_code in notice.subject and "Trộm cắp" in notice.subject
    for part in (
        "Cổng chợ Phước Hội",
        "Tổ 1, Ấp Phước Hội, Xã Cầu Khởi",
        f"https://canhgiac.example.vn/reports/{report.receipt_code}/case/",
        "https://canhgiac.example.vn/duty/ack/",
        "Nhận lúc",
    ):
        assert part in notice.body, part
    for secret in ("Nguyễn Văn Thanh", world.resident.phone, "trộm chó"):
        assert secret not in notice.body + notice.subject
    assert notice.priority == "normal"
    assert notices_to(crew.backup) == [] and notices_to(crew.chief) == []

    drain()
    [text] = [t for t in sent_to(fake, "555") if report.receipt_code in t]
    assert "Nguyễn Văn Thanh" not in text
    assert ("duty.alert", "Đã báo cho cán bộ trực: Đỗ Tuấn Kiệt.") in history_of(report)


def test_an_urgent_report_goes_out_urgently_on_every_channel_the_officer_chose_and_shows_once_in_the_inbox(
    world, crew, fake, client
):
    add_bot(world.commune, "telegram")
    add_bot(world.commune, "zalo_bot")
    link_chat(fake, client, world.officer, "telegram", "555")
    link_chat(fake, client, world.officer, "zalo_bot", "777")
    check_set_preferences(world.officer, world.officer, ["telegram"], ["telegram", "zalo_bot"])
    report = create_report(world.resident, world.rg, category="assault", description=URGENT_TEXT).report

    alerts = [n for n in notices_to(world.officer) if report.receipt_code in n.subject]
    assert {n.priority for n in alerts} == {"urgent"}
    assert sorted(n.channel for n in alerts) == ["telegram", "zalo_bot"]
    assert [i.notice for i in inbox_items(world.officer) if report.receipt_code in i.notice.subject] == [
        n for n in alerts if n.parallel_of_id is None
    ]
    drain()
    assert any(report.receipt_code in t for t in sent_to(fake, "555"))
    assert any(report.receipt_code in t for t in sent_to(fake, "777"))


def test_urgent_alerts_to_the_officer_on_duty_pass_quiet_hours_ordinary_ones_wait(world, crew, settings):
    settings.CHANNEL_LIMITS = {"email": {"quiet_hours": "00:00-23:59"}}
    from canhgiac.testing import give_email

    give_email(world.officer, "kiet@congan.example.vn")
    create_report(world.resident, world.rg)
    create_report(world.resident, world.rg, category="assault", description=URGENT_TEXT)
    result = drain()
    assert result.deferred == 1 and result.sent == 1  # the ordinary alert waits, the urgent one went out


def test_nobody_acknowledging_escalates_to_the_backup_then_the_chief_then_the_police_above(world, crew):
    report = create_report(world.resident, world.rg, category="assault", description=URGENT_TEXT).report
    alert = Alert.objects.get(kind=AlertKind.NEW_REPORT)
    assert alert.urgent and alert.escalate_at is not None

    assert escalate_due(timezone.now() + timedelta(minutes=4)) == 0  # DUTY_ACK_MINUTES_URGENT is 5
    assert escalate_due(timezone.now() + timedelta(minutes=5, seconds=1)) == 1
    assert [n.priority for n in notices_to(crew.backup)] == ["urgent"]
    assert "Chưa ai nhận" in notices_to(crew.backup)[0].subject
    escalate_due(timezone.now() + timedelta(minutes=11))
    assert len(notices_to(crew.chief)) == 1
    escalate_due(timezone.now() + timedelta(minutes=17))
    assert len([n for n in notices_to(world.province_officer) if report.receipt_code in n.subject]) == 1
    assert escalate_due(timezone.now() + timedelta(hours=5)) == 0
    alert.refresh_from_db()
    assert alert.step == Step.ABOVE and alert.escalate_at is None

    steps = [reason for verb, reason in history_of(report) if verb == "duty.escalated"]
    assert steps == [
        "Chưa ai nhận tin sau 5 phút: chuyển cho cán bộ trực dự bị: Lê Văn Dự.",
        "Chưa ai nhận tin sau 5 phút: chuyển cho chỉ huy: Trương Minh Trưởng.",
        "Chưa ai nhận tin sau 5 phút: chuyển cho công an cấp trên: Phạm Minh Đức.",
    ]


def test_an_ordinary_report_waits_duty_ack_minutes(world, crew, settings):
    settings.DUTY_ACK_MINUTES = 12
    create_report(world.resident, world.rg)
    assert escalate_due(timezone.now() + timedelta(minutes=11)) == 0
    assert escalate_due(timezone.now() + timedelta(minutes=12, seconds=1)) == 1


def test_a_unit_with_nobody_on_duty_goes_straight_to_the_chief_and_the_queue_says_so(world, crew):
    Roster.objects.get(unit=world.commune).shifts.all().delete()
    report = create_report(world.resident, world.rg).report
    alert = Alert.objects.get()
    assert alert.nobody_on_duty and alert.step == Step.CHIEF
    assert all(report.receipt_code not in n.subject for n in notices_to(world.officer))
    [notice] = notices_to(crew.chief)
    assert "Không có cán bộ trực" in notice.body
    assert any("Không có cán bộ trực: chuyển thẳng cho chỉ huy" in reason for _v, reason in history_of(report))

    page = signed_in(Client(), world.officer).get("/reports/queue/")
    assert "Không có ai trực tại Xã Cầu Khởi lúc này." in page.content.decode()
    # …and so do the commune's and the province's dashboards, with the way to the roster.
    for viewer, code in ((world.steering, world.commune.code), (world.province_officer, world.province.code)):
        dashboard = signed_in(Client(), viewer).get(f"/steering/u/{code}/").content.decode()
        assert "Không có ai trực tại Xã Cầu Khởi lúc này: tin báo mới chuyển thẳng cho chỉ huy." in dashboard
        assert f"/duty/units/{world.commune.code}/" in dashboard


def test_a_dashboard_says_nothing_about_duty_when_someone_is_on_duty(world, crew):
    dashboard = signed_in(Client(), world.steering).get(f"/steering/u/{world.commune.code}/").content.decode()
    assert 'data-testid="dashboard-notice"' not in dashboard


def test_a_unit_without_a_roster_alerts_all_its_police(world):
    report = create_report(world.resident, world.rg).report
    assert [n for n in notices_to(world.officer) if report.receipt_code in n.subject]
    assert not [n for n in notices_to(world.province_officer) if report.receipt_code in n.subject]


def test_a_walk_in_filed_by_an_officer_alerts_nobody(world, crew):
    create_report(world.officer, world.rg, intake_channel="walk_in", reporter_name="Bà Tư")
    assert not Alert.objects.exists()


def test_a_reporters_follow_up_alerts_the_officer_handling_it_or_the_officer_on_duty(world, crew):
    report = create_report(world.resident, world.rg).report
    check_post_message(report, "Tôi nhớ thêm: xe máy màu đỏ", actor=world.resident, as_reporter=True)
    follow = Alert.objects.get(kind=AlertKind.FOLLOW_UP)
    assert list(follow.recipients.values_list("person_id", flat=True)) == [world.officer.pk]

    report = check_transition(world.officer, Report.objects.get(pk=report.pk), "acknowledged")
    check_assign(world.officer, report, assignee=crew.backup)
    check_post_message(report, "Xin hỏi có tin gì chưa?", actor=world.resident, as_reporter=True)
    direct = Alert.objects.filter(kind=AlertKind.FOLLOW_UP).order_by("-id")[0]
    assert direct.step == Step.DIRECT and direct.escalate_at is None
    [notice] = [n for n in notices_to(crew.backup) if "viết thêm" in n.subject]
    assert "Xin hỏi" not in notice.body  # the resident's words stay in the case
    assert notice.priority == "normal"


def test_a_passed_legal_deadline_escalates_once_to_the_chief_and_the_police_above(world, crew):
    report = create_report(world.resident, world.rg).report
    Report.objects.filter(pk=report.pk).update(decision_due_at=timezone.now() - timedelta(minutes=1))
    sweep(force=True)
    sweep(force=True)
    [alert] = Alert.objects.filter(kind=AlertKind.DEADLINE)
    assert set(alert.recipients.values_list("person_id", flat=True)) == {crew.chief.pk, world.province_officer.pk}
    assert alert.escalate_at is None
    assert any("Quá hạn luật định" in reason for _v, reason in history_of(report))


def test_duty_sweep_runs_by_the_name_the_docs_give_and_is_scheduled_every_minute(world, crew, settings, capsys):
    create_report(world.resident, world.rg, category="assault", description=URGENT_TEXT)
    Alert.objects.update(escalate_at=timezone.now() - timedelta(seconds=1))
    call_command("duty_sweep")
    assert "1 alert(s)" in capsys.readouterr().out
    assert notices_to(crew.backup)
    assert settings.SCHEDULED_JOBS["duty.sweep"] == {"task": "duty.tasks.sweep_task", "every_minutes": 1}
    assert "duty.tasks.sweep_in_loop" in settings.DELIVERY_PERIODIC


@pytest.mark.parametrize("intake", ["open311", "api"])
def test_reports_from_clients_alert_the_officer_on_duty_too(world, crew, client, intake):
    from api.models import ApiKey

    _key, secret = ApiKey.issue("city-app", unit=world.commune)
    if intake == "open311":
        response = client.post(
            "/open311/v2/requests.json",
            {"api_key": secret, "service_code": "theft", "address_id": world.hamlet.code, "description": "Trộm xe"},
        )
        code = response.json()[0]["service_request_id"]
    else:
        response = client.post(
            "/api/reports",
            {
                "kind": "crime",
                "category": "theft",
                "unit_code": world.hamlet.code,
                "description": "Trộm xe",
                "visibility": "anonymous",
            },
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert response.status_code == 201, response.content
        code = response.json()["report"]["receipt_code"]
    assert any(code in n.subject for n in notices_to(world.officer))


def test_the_queue_banner_separates_overdue_cases_from_those_coming_due(world, crew):
    import re as regex

    from reports.tasks import send_deadline_reminders

    late = create_report(world.resident, world.rg).report
    soon = create_report(world.resident, world.rg).report
    now = timezone.now()
    week_ago = now - timedelta(days=7)
    Report.objects.filter(pk=late.pk).update(received_at=week_ago, forward_due_at=now - timedelta(hours=2))
    Report.objects.filter(pk=soon.pk).update(received_at=week_ago, forward_due_at=now + timedelta(hours=6))
    send_deadline_reminders.call()
    page = signed_in(Client(), world.officer).get("/reports/queue/").content.decode()

    def box(testid: str) -> str:
        found = regex.search(rf'data-testid="{testid}">(.*?)</div>', page, regex.S)
        assert found is not None, testid
        return found.group(1)

    overdue, coming = box("overdue"), box("coming-due")
    assert "Quá hạn" in overdue and late.receipt_code in overdue and soon.receipt_code not in overdue
    assert "Sắp đến hạn" in coming and soon.receipt_code in coming and late.receipt_code not in coming


def test_cases_alerted_long_ago_do_not_keep_a_newly_overdue_case_waiting(world, crew, monkeypatch):
    from reports import alerting

    monkeypatch.setattr(alerting, "DEADLINE_ALERTS_PER_SWEEP", 2)
    old = [create_report(world.resident, world.rg).report for _ in range(3)]
    Report.objects.filter(pk__in=[r.pk for r in old]).update(decision_due_at=timezone.now() - timedelta(days=1))
    assert alerting.escalate_overdue() == 2
    assert alerting.escalate_overdue() == 1
    late = create_report(world.resident, world.rg).report
    Report.objects.filter(pk=late.pk).update(decision_due_at=timezone.now() - timedelta(minutes=1))
    assert alerting.escalate_overdue() == 1
    assert alerting.escalate_overdue() == 0


def test_the_intake_transaction_reads_no_roster_whom_to_alert_is_read_before_it(world, crew):
    """The report's transaction holds SQLite's one write lock: who is on duty, the backup, the chief
    and the police above are read before it, so inside it the alert is only written."""
    from django.db import connection

    depth = len(connection.atomic_blocks)
    inside: list[str] = []

    def watch(execute, sql, params, many, context):
        if len(connection.atomic_blocks) > depth:
            inside.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        create_report(world.resident, world.rg, category="assault", description=URGENT_TEXT)
    roster_reads = [sql for sql in inside if sql.lstrip().upper().startswith("SELECT") and '"duty_shift"' in sql]
    roster_reads += [sql for sql in inside if sql.lstrip().upper().startswith("SELECT") and '"duty_roster"' in sql]
    assert any('INSERT INTO "duty_alert"' in sql for sql in inside)
    assert roster_reads == []
    # …and the alert went where the roster says, with the escalation still to come.
    alert = Alert.objects.get()
    assert alert.step == Step.DUTY and alert.escalate_at is not None and not alert.nobody_on_duty
    assert [r.person_id for r in alert.recipients.all()] == [crew.on_duty.pk]


def test_a_resident_filing_through_the_api_costs_a_bounded_number_of_queries_and_the_alert_names_the_place(
    world, crew, client, django_assert_max_num_queries
):
    """Filing is the busiest write (docs/benchmarks.md, "intake"): the police unit answering for
    the group and the one above it are read together, the place's name in one query, the duty
    crew once, and nothing is written twice."""
    from django.db import connection

    signed_in(client, world.resident)
    # On PostgreSQL each of the two fan-outs (the receipt, the alert) also takes the fan-out lock.
    budget = 41 + (2 if connection.vendor == "postgresql" else 0)
    payload = {
        "kind": "crime",
        "category": "theft",
        "unit_code": world.rg.code,
        "description": "Mất trộm xe máy trước cổng nhà",
        "visibility": "named",
    }
    with django_assert_max_num_queries(budget):
        response = client.post("/api/reports", payload, content_type="application/json")
    assert response.status_code == 201
    alert = Alert.objects.get()
    assert "Tổ 1, Ấp Phước Hội, " + world.commune.name in alert.body
    recipient = alert.recipients.get()
    assert recipient.person_id == crew.on_duty.pk and recipient.notice is not None
    assert alert.escalate_at is not None  # the backup, the chief and the province's police are still to come
