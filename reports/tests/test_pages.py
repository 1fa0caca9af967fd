"""The pages, driven through the test client: filing, following, the queue, the case page."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from canhgiac.testing import create_report, signed_in
from reports.actions import check_raise_alert, check_share, check_transition
from reports.models import Report, ReportMessage
from reports.tests.images import fake_jpeg, jpeg_with_gps


def form_data(world, **overrides):
    data = {
        "category": "theft",
        "visibility": "confidential",
        "description": "Hai thanh niên bắt trộm chó nhà bên cạnh",
        "unit": world.rg.code,
        "idempotency_key": "page-key-1",
        "secret": "",
    }
    data.update(overrides)
    return data


def test_a_resident_files_a_confidential_report_with_a_photo(world, client):
    signed_in(client, world.resident)
    response = client.post(reverse("reports:new"), {**form_data(world), "photos": [jpeg_with_gps()]})
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:detail", args=[report.receipt_code])
    assert report.reporter_pk == world.resident.pk and report.photos.count() == 1
    page = client.get(response.url).content.decode()
    assert report.receipt_code in page


def test_a_double_submitted_form_files_one_report(world, client):
    signed_in(client, world.resident)
    client.post(reverse("reports:new"), form_data(world))
    client.post(reverse("reports:new"), form_data(world))
    assert Report.objects.count() == 1


def test_a_fake_photo_gets_a_clear_error_and_nothing_is_saved(world, client):
    signed_in(client, world.resident)
    response = client.post(reverse("reports:new"), {**form_data(world), "photos": [fake_jpeg()]})
    assert response.status_code == 400
    assert "evil.jpg" in response.content.decode()
    assert Report.objects.count() == 0


def test_a_phone_number_in_the_text_asks_for_confirmation_first(world, client):
    signed_in(client, world.resident)
    data = form_data(world, description="Tờ rơi cho vay gọi 0912345678")
    response = client.post(reverse("reports:new"), data)
    assert response.status_code == 400 and 'name="confirm_warnings"' in response.content.decode()
    assert Report.objects.count() == 0
    client.post(reverse("reports:new"), {**data, "confirm_warnings": "on"})
    assert Report.objects.count() == 1


def test_the_page_answers_in_vietnamese_when_coordinates_are_outside_vietnam(world, client):
    signed_in(client, world.resident)
    response = client.post(reverse("reports:new"), form_data(world, latitude="48.8", longitude="2.3"))
    assert "ngoài lãnh thổ Việt Nam" in response.content.decode()


def test_an_anonymous_visitor_gets_a_code_and_secret_and_can_converse(world, client):
    response = client.post(reverse("reports:new"), form_data(world, visibility="anonymous", secret="ACDE-FHJK-MNPR"))
    assert response.status_code == 201
    report = Report.objects.get()
    assert "ACDE-FHJK-MNPR" in response.content.decode() and report.reporter_id is None
    follow = client.post(reverse("reports:follow"), {"code": report.receipt_code, "secret": "ACDE-FHJK-MNPR"})
    assert follow.status_code == 200 and report.description in follow.content.decode()
    client.post(
        reverse("reports:follow"), {"code": report.receipt_code, "secret": "ACDE-FHJK-MNPR", "body": "Tôi thấy họ"}
    )
    message = ReportMessage.objects.get()
    assert message.author_id is None and message.side == "reporter"


def test_a_wrong_secret_opens_nothing(world, client):
    report = create_report(None, world.rg, visibility="anonymous").report
    response = client.post(reverse("reports:follow"), {"code": report.receipt_code, "secret": "WRONG-SECRET"})
    assert response.status_code == 400 and report.description not in response.content.decode()


def test_the_queue_finds_reports_without_diacritics(world, client):
    dogs = create_report(world.resident, world.rg, description="Mất trộm chó đêm qua").report
    flyers = create_report(world.resident, world.rg, category="usury", description="Tờ rơi cho vay nặng lãi").report
    signed_in(client, world.officer)
    page = client.get(reverse("reports:queue"), {"q": "trom cho"}).content.decode()
    assert dogs.receipt_code in page and flyers.receipt_code not in page
    page = client.get(reverse("reports:queue"), {"q": "TỜ RƠI"}).content.decode()
    assert flyers.receipt_code in page and dogs.receipt_code not in page


def test_the_queue_filters_by_category_status_and_assignee(world, client):
    theft = create_report(world.resident, world.rg).report
    create_report(world.resident, world.rg, category="usury", description="Tờ rơi")
    signed_in(client, world.officer)
    assert theft.receipt_code in client.get(reverse("reports:queue"), {"category": "theft"}).content.decode()
    page = client.get(reverse("reports:queue"), {"category": "usury"}).content.decode()
    assert theft.receipt_code not in page
    assert theft.receipt_code not in client.get(reverse("reports:queue"), {"assignee": "me"}).content.decode()
    assert theft.receipt_code not in client.get(reverse("reports:queue"), {"status": "resolved"}).content.decode()


def test_an_officer_of_another_province_sees_nothing_of_this_commune(world, client):
    report = create_report(world.resident, world.rg).report
    signed_in(client, world.far_officer)
    assert report.receipt_code not in client.get(reverse("reports:queue")).content.decode()
    assert client.get(reverse("reports:staff_detail", args=[report.receipt_code])).status_code == 403


def test_residents_have_no_queue(world, client):
    signed_in(client, world.resident)
    assert client.get(reverse("reports:queue")).status_code == 403


def test_the_officer_moves_a_report_and_the_reporter_sees_the_update(world, client):
    report = create_report(world.resident, world.rg).report
    signed_in(client, world.officer)
    client.post(reverse("reports:transition", args=[report.receipt_code]), {"status": "acknowledged"})
    report.refresh_from_db()
    assert report.status == "acknowledged"
    signed_in(client, world.resident)
    page = client.get(reverse("reports:detail", args=[report.receipt_code])).content.decode()
    assert "Trạng thái: Đã thụ lý." in page


def test_an_invalid_transition_gets_a_clear_error(world, client):
    report = create_report(world.resident, world.rg).report
    signed_in(client, world.officer)
    response = client.post(reverse("reports:transition", args=[report.receipt_code]), {"status": "closed"}, follow=True)
    assert "không thể chuyển" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "received"


def test_revealing_a_confidential_reporter_is_audited(world, client):
    report = create_report(world.resident, world.rg).report
    signed_in(client, world.officer)
    page = client.get(reverse("reports:staff_detail", args=[report.receipt_code])).content.decode()
    assert world.resident.full_name not in page
    shown = client.post(reverse("reports:identity", args=[report.receipt_code]), {"reason": "xác minh"})
    assert world.resident.full_name in shown.content.decode()
    event = AuditEvent.objects.get(verb="report.identity_viewed")
    assert event.actor == world.officer and event.reason == "xác minh"


def test_the_receipt_record_downloads_as_a_pdf(world, client):
    report = create_report(world.resident, world.rg).report
    signed_in(client, world.resident)
    response = client.get(reverse("reports:receipt", args=[report.receipt_code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_anonymous_reporter_downloads_the_receipt_with_code_and_secret(world, client):
    filed = create_report(None, world.rg, visibility="anonymous")
    response = client.post(
        reverse("reports:follow_receipt"), {"code": filed.report.receipt_code, "secret": filed.secret}
    )
    assert response.content.startswith(b"%PDF")


def test_group_pages_show_urgent_alerts_first_and_lost_and_found_posts(world, client):
    check_raise_alert(world.officer, world.hamlet, "Đối tượng lạ vừa vào ấp, đóng cửa cẩn thận")
    create_report(world.leader, world.rg, kind="found", category="found_animal", description="Con trâu đi lạc")
    signed_in(client, world.resident)
    page = client.get(reverse("groups:detail", args=[world.rg_group.pk])).content.decode()
    assert page.index("Đối tượng lạ") < page.index("Con trâu")


def test_a_shared_found_post_reaches_the_neighbouring_commune_and_closes_when_returned(world, more, client):
    found = create_report(world.leader, world.rg, kind="found", category="found_animal", description="Con trâu").report
    signed_in(client, more.neighbour_resident)
    group_page = reverse("groups:detail", args=[more.neighbour_group.pk])
    assert "Con trâu" not in client.get(group_page).content.decode()
    check_share(world.steering, found, [world.commune, world.neighbour])
    assert "Con trâu" in client.get(group_page).content.decode()
    check_transition(world.leader, found, "returned", returned_to="Lê Hoàng An")
    assert "Con trâu" not in client.get(group_page).content.decode()


@pytest.mark.parametrize("name", ["new", "follow", "mine", "queue", "alerts", "walk_in"])
def test_pages_render_for_the_officer(world, client, name):
    signed_in(client, world.officer)
    assert client.get(reverse(f"reports:{name}")).status_code == 200


def test_the_queue_page_runs_a_fixed_number_of_queries_however_many_reports(
    world, client, django_assert_max_num_queries
):
    for index in range(3):
        create_report(world.resident, world.rg, description=f"Trộm chó lần {index}")
    signed_in(client, world.officer)
    client.get(reverse("reports:queue"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("reports:queue"))
    for index in range(20):
        create_report(world.resident, world.rg2, description=f"Tờ rơi số {index}", category="usury")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("reports:queue"))


def test_my_reports_counts_the_updates_i_have_not_seen(world, client):
    report = create_report(world.resident, world.rg).report
    check_transition(world.officer, report, "acknowledged")
    signed_in(client, world.resident)
    assert "2 cập nhật mới" in client.get(reverse("reports:mine")).content.decode()
    client.get(reverse("reports:detail", args=[report.receipt_code]))
    assert "cập nhật mới" not in client.get(reverse("reports:mine")).content.decode()


def test_a_matching_lost_post_is_told_to_both_sides_only_once_an_officer_confirms_it(world, more):
    from reports.actions import check_confirm_match

    found = create_report(world.leader, world.rg, kind="found", category="found_animal", description="Con trâu").report
    lost = create_report(
        more.neighbour_resident, more.neighbour_rg, kind="lost", category="lost_animal", description="Mất trâu"
    ).report
    assert not found.updates.filter(event="match").exists()
    check_confirm_match(world.officer, found, lost)
    assert found.updates.filter(event="match", text__contains=lost.receipt_code).exists()
    assert lost.updates.filter(event="match", text__contains=found.receipt_code).exists()


def test_an_officer_records_a_walk_in_report_through_the_desk_form(world, client):
    signed_in(client, world.officer)
    data = form_data(world, intake_channel="phone", reporter_name="Bà Năm", reporter_phone="0912 345 678")
    response = client.post(reverse("reports:walk_in"), data)
    report = Report.objects.get()
    assert response.status_code == 302 and response.url.endswith("/case/")
    assert report.intake_channel == "phone" and report.reporter_name == "Bà Năm" and report.filed_by == world.officer


def test_an_anonymous_walk_in_hands_the_officer_a_code_and_secret_to_pass_on(world, client):
    signed_in(client, world.officer)
    response = client.post(
        reverse("reports:walk_in"), form_data(world, visibility="anonymous", secret="ACDE-FHJK-MNPR")
    )
    assert response.status_code == 201 and "ACDE-FHJK-MNPR" in response.content.decode()
    assert Report.objects.get().reporter_id is None


def test_a_relay_files_for_her_grandmother_through_the_form(world, client):
    signed_in(client, world.relay)
    page = client.get(reverse("reports:new")).content.decode()
    assert world.elder.full_name in page
    client.post(reverse("reports:new"), form_data(world, on_behalf_of=str(world.elder.pk)))
    report = Report.objects.get()
    assert report.reporter_pk == world.elder.pk and report.filer_pk == world.relay.pk
    assert report.receipt_code in client.get(reverse("reports:mine")).content.decode()


def test_guessing_secrets_is_paused_after_repeated_failures(world, client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REPORT_FOLLOW_MAX_FAILURES = 3
    filed = create_report(None, world.rg, visibility="anonymous")
    for _ in range(3):
        client.post(reverse("reports:follow"), {"code": filed.report.receipt_code, "secret": "WRONG-WRONG"})
    blocked = client.post(reverse("reports:follow"), {"code": filed.report.receipt_code, "secret": filed.secret})
    assert blocked.status_code == 429 and filed.report.description not in blocked.content.decode()
    cache.clear()
    assert (
        client.post(reverse("reports:follow"), {"code": filed.report.receipt_code, "secret": filed.secret}).status_code
        == 200
    )
