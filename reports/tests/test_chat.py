"""Filing a report in a Zalo or Telegram chat, following it there, and the police's answer coming back.

Webhooks go through the Django test client, signed as the providers sign them; everything the
app sends goes to the local fake providers (channels/fake_providers.py).
"""

import itertools
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from canhgiac.testing import create_report, signed_in
from channels.actions import do_create_link_code
from channels.conftest import BOT_SECRET, add_bot, add_zalo_oa
from channels.models import ChannelIdentity, InboundEvent
from core import crypto
from delivery.models import Delivery
from reports.models import ChatStatus, Report, ReportConversation, ReportMessage, Side, Step
from reports.tests.images import jpeg_with_gps

RESIDENT_ZALO_ID = "7001"
_ids = itertools.count(1)


@pytest.fixture
def zalo(fake, world, client, django_capture_on_commit_callbacks):
    """Play the resident writing to the commune's Zalo OA; returns what the OA answered them."""
    add_zalo_oa(fake, world.commune)

    def say(text="", *, sender=RESIDENT_ZALO_ID, **media) -> str:
        # Built and signed by the fake as docs/zalo.md says Zalo does (X-ZEvent-Signature).
        raw, headers, path = fake.simulated_message("zalo_oa", sender, text, **media)
        before = len(fake.calls("oa.message"))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(path, raw, content_type="application/json", headers=headers)
        assert response.status_code == 200
        answers = [
            call.json["message"]["text"]
            for call in fake.calls("oa.message")[before:]
            if call.json["recipient"]["user_id"] == sender
        ]
        return "\n---\n".join(answers)

    return say


@pytest.fixture
def linked(zalo, world):
    """The resident's Zalo account linked with a code from the web app, as a resident does it."""
    assert "Nguyễn Văn Thanh" in zalo(do_create_link_code(world.resident))
    return zalo


def officer_writes(world, report, body, django_capture_on_commit_callbacks):
    officer = signed_in(Client(), world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(f"/reports/{report.receipt_code}/messages/", {"body": body})
    assert response.status_code == 302
    return officer


def held_delivery(message: ReportMessage) -> Delivery:
    """The reporter's delivery of the notice a police message waits on (sealed or not)."""
    notice_id = message.held_notice_pk
    assert notice_id is not None
    return Delivery.objects.get(notice_id=notice_id)


def file_theft(say, *, visibility="2"):
    say("Xin chào")
    say("1")
    say("1")
    say("Xe máy bị trộm trước cổng nhà lúc 2 giờ sáng")
    say("Trước cổng số 12 đường Phước Ninh")
    say(visibility)
    return say("1")


def test_a_resident_files_a_report_step_by_step_on_zalo_and_the_officers_answer_arrives_there(
    linked, fake, world, django_capture_on_commit_callbacks
):
    photo_url = fake.serve("xe.jpg", jpeg_with_gps().read())

    menu = linked("Chào công an xã")
    assert "1. Tin báo, tố giác tội phạm" in menu and "2. Hoạt động khả nghi" in menu
    assert "1. Trộm cắp" in linked("1")
    assert "Hãy kể" in linked("trộm")  # a category's own word is understood
    assert "Đã nhận ảnh" in linked(image_url=photo_url)  # a photo sent before the description is kept
    assert "ở đâu" in linked("Xe máy bị trộm trước cổng nhà lúc 2 giờ sáng")
    assert "Ai được biết" in linked(location=(11.3101, 106.1002))
    summary = linked("bảo mật")
    assert "Xe máy bị trộm" in summary and "1. Gửi" in summary
    receipt = linked("gửi")

    report = Report.objects.get()
    assert report.receipt_code in receipt
    assert (report.kind, report.category, report.visibility) == ("crime", "theft", "confidential")
    assert report.intake_channel == "zalo" and report.source == "zalo_oa"
    assert report.reporter_pk == world.resident.pk and report.unit == world.rg
    assert report.latitude is not None and report.longitude is not None
    assert (float(report.latitude), float(report.longitude)) == (11.3101, 106.1002)
    assert report.photos.count() == 1 and report.evidence_links == []
    assert fake.calls("media")  # the photo was fetched from the provider's address

    officer = officer_writes(world, report, "Chúng tôi đã cử người đến xác minh.", django_capture_on_commit_callbacks)

    to_resident = [c.json for c in fake.calls("oa.message") if c.json["recipient"]["user_id"] == RESIDENT_ZALO_ID]
    assert any("Chúng tôi đã cử người đến xác minh." in c["message"]["text"] for c in to_resident)
    assert ReportMessage.objects.get(side=Side.POLICE).chat_status == ChatStatus.SENT
    assert "Đã gửi qua tin nhắn" in officer.get(f"/reports/{report.receipt_code}/case/").content.decode()


def test_later_messages_reach_the_officers_thread_and_quoting_the_code_works_after_a_new_report(
    linked, world, django_capture_on_commit_callbacks
):
    receipt = file_theft(linked)
    report = Report.objects.get()
    with connection.cursor() as cursor:  # the chat account's row follows the confidential report sealed
        cursor.execute("SELECT report_id, sealed_report FROM reports_reportconversation")
        [(report_id, sealed)] = cursor.fetchall()
    assert report_id is None and sealed.startswith(crypto.TOKEN_PREFIX)

    assert "Đã chuyển" in linked("Tôi nhớ ra biển số xe là 70B1-123.45")
    linked("báo mới")
    linked("huỷ")
    answer = linked(f"{report.receipt_code.lower()}: kẻ trộm mặc áo xanh")

    assert report.receipt_code in receipt and report.receipt_code in answer
    # A confidential reporter's messages are theirs by the report, not by an author column.
    bodies = list(ReportMessage.objects.filter(report=report, side=Side.REPORTER).values_list("body", "author"))
    assert bodies == [("Tôi nhớ ra biển số xe là 70B1-123.45", None), ("kẻ trộm mặc áo xanh", None)]
    officer = signed_in(Client(), world.officer)
    assert "kẻ trộm mặc áo xanh" in officer.get(f"/reports/{report.receipt_code}/case/").content.decode()


def test_a_message_from_an_unlinked_sender_gets_the_linking_instructions_not_a_conversation(zalo):
    answer = zalo("1", sender="9999")

    assert "/channels/link/" in answer
    assert ReportConversation.objects.count() == 0


def test_cancel_drops_the_draft_and_nothing_is_filed(linked):
    linked("Xin chào")
    linked("1")

    assert "Đã huỷ" in linked("Huỷ")
    assert ReportConversation.objects.count() == 0 and Report.objects.count() == 0


def test_an_idle_conversation_expires_and_the_resident_is_told_and_starts_over(linked, settings):
    settings.REPORT_CHAT_IDLE_MINUTES = 5
    linked("Xin chào")
    linked("1")
    ReportConversation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    answer = linked("1")

    assert "hết hạn sau 5 phút" in answer and "1. Tin báo, tố giác tội phạm" in answer
    assert ReportConversation.objects.get().step == Step.KIND and Report.objects.count() == 0


def test_an_answer_that_is_not_a_choice_is_refused_with_a_clear_message_and_the_question_again(linked):
    linked("Xin chào")

    answer = linked("9")

    assert "“9” không phải là một lựa chọn" in answer and "1. Tin báo, tố giác tội phạm" in answer
    assert ReportConversation.objects.get().step == Step.KIND
    assert "không thể bỏ qua" in linked("bỏ qua")
    assert "1. Trộm cắp" in linked("tố giác")  # words work as well as numbers


def test_a_suspicious_activity_report_asks_what_the_person_did_and_skipping_the_place_is_allowed(linked):
    linked("Xin chào")
    linked("khả nghi")
    linked("1")
    assert "hành vi" in linked("Có người lạ đứng trước nhà tôi lâu")
    linked("Nhìn vào trong nhà rồi chụp ảnh cổng")
    assert "Ai được biết" in linked("bỏ qua")
    linked("1")
    linked("1")

    report = Report.objects.get()
    assert (report.kind, report.behaviour, report.place_text) == (
        "suspicious",
        "Nhìn vào trong nhà rồi chụp ảnh cổng",
        "",
    )
    assert report.visibility == "named"


def test_an_anonymous_report_from_a_chat_stores_nothing_that_links_it_to_the_resident(linked, world):
    receipt = file_theft(linked, visibility="3")

    report = Report.objects.get()
    assert report.visibility == "anonymous"
    assert report.reporter is None and report.filed_by is None and report.chat_identity is None
    assert report.receipt_code in receipt and "/reports/follow/" in receipt  # code and secret to follow it on the web
    assert ReportConversation.objects.count() == 0
    assert AuditEvent.objects.get(verb="report.received").actor is None
    identity = ChannelIdentity.objects.get(provider_user_id=RESIDENT_ZALO_ID)
    stored = json.dumps(
        [event.payload for event in InboundEvent.objects.filter(config=identity.config)], ensure_ascii=False
    )
    assert "Xe máy bị trộm" not in stored  # the conversation is not kept in the webhook log

    # Later messages are not attached to the anonymous report: a new conversation starts.
    assert "1. Tin báo, tố giác tội phạm" in linked("Tôi muốn bổ sung")
    assert not report.messages.exists()


def test_the_police_cannot_answer_an_anonymous_chat_report_in_the_chat(linked, world, fake):
    file_theft(linked, visibility="3")
    report = Report.objects.get()
    before = len(fake.calls("oa.message"))

    from reports.actions import check_post_message

    message = check_post_message(report, "Cảm ơn", actor=world.officer, as_reporter=False)

    assert message.chat_status == "" and len(fake.calls("oa.message")) == before


def test_the_chat_identity_of_a_confidential_report_is_shown_only_to_the_handling_police(linked, world):
    file_theft(linked)
    report = Report.objects.get()

    for persona in (world.steering, world.province_officer, world.far_officer, world.leader):
        page = signed_in(Client(), persona).get(f"/reports/{report.receipt_code}/case/")
        assert "Nguyễn Văn Thanh" not in page.content.decode()
        assert RESIDENT_ZALO_ID not in page.content.decode()
    revealed = signed_in(Client(), world.officer).post(
        f"/reports/{report.receipt_code}/identity/", {"reason": "xác minh"}
    )
    assert "Nguyễn Văn Thanh" in revealed.content.decode()


def test_outside_zalos_seven_day_window_the_answer_is_not_sent_by_chat_and_the_officer_sees_why(
    linked, world, fake, django_capture_on_commit_callbacks
):
    file_theft(linked)
    report = Report.objects.get()
    ChannelIdentity.objects.update(last_seen_at=timezone.now() - timedelta(days=8))
    before = [c.json["message"]["text"] for c in fake.calls("oa.message")]

    officer = officer_writes(world, report, "Mời anh lên trụ sở làm việc.", django_capture_on_commit_callbacks)

    after = [c.json["message"]["text"] for c in fake.calls("oa.message")][len(before) :]
    assert not any("Mời anh lên trụ sở" in text for text in after)
    assert ReportMessage.objects.get(side=Side.POLICE).chat_status == ChatStatus.OUTSIDE_WINDOW
    assert "7 ngày" in officer.get(f"/reports/{report.receipt_code}/case/").content.decode()
    assert report.updates.filter(event="message").exists()  # the feed and inbox still get it


def test_a_refused_chat_answer_is_marked_failed_for_the_officer(
    linked, world, fake, django_capture_on_commit_callbacks
):
    file_theft(linked)
    report = Report.objects.get()
    fake.answer("oa.message", error=-201, description="Parameters are invalid", times=3)

    officer_writes(world, report, "Xin gọi lại cho chúng tôi.", django_capture_on_commit_callbacks)

    message = ReportMessage.objects.get(side=Side.POLICE)
    assert message.chat_status == ChatStatus.FAILED and "-201" in message.chat_error


def test_a_temporary_chat_failure_is_retried_later_by_the_delivery_engine(
    linked, world, fake, django_capture_on_commit_callbacks, settings
):
    from canhgiac.settings import TASK_QUEUES
    from delivery.engine import drain

    file_theft(linked)
    report = Report.objects.get()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
    fake.answer("oa.message", error=-32, description="rate limited")  # retry after a minute

    officer_writes(world, report, "Xin gọi lại cho chúng tôi.", django_capture_on_commit_callbacks)
    message = ReportMessage.objects.get(side=Side.POLICE)
    assert message.chat_status == ChatStatus.QUEUED

    drain(budget_seconds=10)
    message.refresh_from_db()
    assert message.chat_status == ChatStatus.RETRYING
    retry = held_delivery(message)
    assert retry.next_attempt_at is not None and retry.next_attempt_at > timezone.now()
    Delivery.objects.filter(pk=retry.pk).update(next_attempt_at=timezone.now())
    drain(budget_seconds=10)
    message.refresh_from_db()
    assert message.chat_status == ChatStatus.SENT


def test_an_image_that_is_not_a_photo_or_cannot_be_fetched_is_kept_as_a_link(linked, fake):
    not_a_photo = fake.serve("x.jpg", b"<?php echo 1; ?>", "image/jpeg")
    missing = f"{fake.url}/media/gone.jpg"
    linked("Xin chào")
    linked("1")
    linked("1")
    linked("Xe máy bị trộm")
    linked(image_url=not_a_photo)
    linked(image_url=missing)
    linked("2")
    linked("1")

    report = Report.objects.get()
    assert report.photos.count() == 0
    assert report.evidence_links == [not_a_photo, missing]


def test_a_resident_files_through_telegram_and_the_answer_comes_back_there(
    fake,
    world,
    client,
    django_capture_on_commit_callbacks,
):
    add_bot(world.commune, "telegram")

    def say(text="", location=None):
        message = {
            "message_id": next(_ids),
            "date": int(timezone.now().timestamp()),
            "from": {"id": 4242, "is_bot": False, "first_name": "Thanh"},
            "chat": {"id": 4242, "type": "private"},
        }
        if location:
            message["location"] = {"latitude": location[0], "longitude": location[1]}
        else:
            message["text"] = text
        before = len(fake.calls("telegram.sendMessage"))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/hooks/telegram/",
                json.dumps({"update_id": next(_ids), "message": message}),
                content_type="application/json",
                headers={"X-Telegram-Bot-Api-Secret-Token": BOT_SECRET},
            )
        return "\n".join(c.json["text"] for c in fake.calls("telegram.sendMessage")[before:])

    say(do_create_link_code(world.resident))
    assert "1. Tin báo, tố giác tội phạm" in say("/start")
    say("mất")  # "lost"
    say("1")
    say("Mất ví da màu nâu có giấy tờ")
    say(location=(11.3, 106.1))
    say("1")
    receipt = say("1")

    report = Report.objects.get()
    assert report.receipt_code in receipt
    assert (report.kind, report.intake_channel, report.source) == ("lost", "telegram", "telegram")
    officer_writes(world, report, "Đã có người nhặt được ví.", django_capture_on_commit_callbacks)
    assert any(
        "Đã có người nhặt được ví." in c.json["text"] and c.json["chat_id"] == "4242"
        for c in fake.calls("telegram.sendMessage")
    )


def test_a_linked_resident_without_a_conversation_or_an_open_report_gets_the_start_menu(linked, world):
    filed = create_report(world.resident, world.rg)
    assert filed.report.chat_identity is None

    assert "1. Tin báo, tố giác tội phạm" in linked("Cho tôi hỏi")


def test_an_account_linked_to_someone_else_does_not_write_into_the_previous_persons_report(linked, world):
    file_theft(linked)
    report = Report.objects.get()

    assert "Trần Thị Mai" in linked(do_create_link_code(world.relay))
    answer = linked("Tôi muốn báo thêm")

    assert "1. Tin báo, tố giác tội phạm" in answer
    assert not report.messages.exists()
    assert ReportConversation.objects.get().person == world.relay


def test_the_conversation_speaks_the_residents_language_and_understands_english_words(linked, world):
    world.resident.language = "en"
    world.resident.save(update_fields=["language"])

    assert "1. Crime report or denunciation" in linked("Hello")
    assert "1. Lost item" in linked("lost")
    assert "Describe it" in linked("1")
    linked("A brown leather wallet")
    linked("skip")
    assert "Please check your report" in linked("confidential")
    assert "Receipt code" in linked("send")
    assert Report.objects.get().kind == "lost"


def test_two_messages_of_one_account_handled_at_once_leave_one_consistent_conversation(live_world):
    """Two task workers taking two messages of the same account: the second waits for the first."""
    import threading

    from django.db import connection

    from channels.actions import check_link_identity
    from channels.base import IncomingMessage
    from reports.actions.chat.conversation import handle_chat_message

    config = add_bot(live_world.commune, "telegram")
    identity = ChannelIdentity.objects.create(config=config, provider_user_id="4242")
    check_link_identity(identity, do_create_link_code(live_world.resident)[3:])
    barrier, answers, errors = threading.Barrier(2), [], []

    def worker(text):
        try:
            mine = ChannelIdentity.objects.select_related("person", "config__unit").get(pk=identity.pk)
            message = IncomingMessage("telegram", "4242", text, text, timezone.now())
            barrier.wait(timeout=10)
            answers.append(handle_chat_message(config, mine, message))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(text,)) for text in ("Xin chào", "1")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == [] and len(answers) == 2
    conversation = ReportConversation.objects.get(identity=identity)
    assert conversation.step in (Step.KIND, Step.CATEGORY)


def test_an_abandoned_draft_is_deleted_a_day_after_it_expired(linked, zalo, world):
    linked("Xin chào")
    linked("1")
    ReportConversation.objects.update(expires_at=timezone.now() - timedelta(days=1, minutes=1))

    zalo(do_create_link_code(world.relay), sender="8002")
    zalo("Xin chào", sender="8002")  # another resident's message sweeps it

    assert list(ReportConversation.objects.values_list("person", flat=True)) == [world.relay.pk]


def test_a_code_that_is_not_the_residents_is_posted_nowhere_so_an_anonymous_report_stays_unlinked(linked, world):
    anonymous = create_report(None, world.rg, visibility="anonymous").report
    file_theft(linked)
    named = Report.objects.get(intake_channel="zalo")

    answer = linked(f"{anonymous.receipt_code} tôi bổ sung thông tin")

    assert "/reports/follow/" in answer
    assert not anonymous.messages.exists() and not named.messages.exists()


def test_a_resident_is_led_through_the_zalo_bot_too(fake, world, client, django_capture_on_commit_callbacks):
    add_bot(world.commune, "zalo_bot")

    def say(text):
        message = {
            "from": {"id": "zb-1", "display_name": "Thanh", "is_bot": False},
            "chat": {"id": "zb-1", "chat_type": "PRIVATE"},
            "text": text,
            "message_id": f"zb-{next(_ids)}",
            "date": int(timezone.now().timestamp() * 1000),
        }
        before = len(fake.calls("zalo_bot.sendMessage"))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/hooks/zalo_bot/",
                json.dumps({"ok": True, "result": {"event_name": "message.text.received", "message": message}}),
                content_type="application/json",
                headers={"X-Bot-Api-Secret-Token": BOT_SECRET},
            )
        return "\n".join(c.json["text"] for c in fake.calls("zalo_bot.sendMessage")[before:])

    say(do_create_link_code(world.resident))
    assert "1. Tin báo, tố giác tội phạm" in say("Xin chào")
    assert "1. Trộm cắp" in say("1")
    assert "Đã huỷ" in say("thôi")


def test_a_confidential_report_from_a_chat_leaves_its_words_in_the_report_not_in_the_webhook_log(
    linked, world, django_capture_on_commit_callbacks
):
    """The webhook log names the chat account beside each message: for a confidential report it
    would tie the resident to it in clear, where the report seals that link (docs/channels.md)."""
    file_theft(linked)  # confidential
    report = Report.objects.get()
    assert report.visibility == "confidential" and "Xe máy bị trộm" in report.description
    identity = ChannelIdentity.objects.get(provider_user_id=RESIDENT_ZALO_ID)

    def stored() -> str:
        return json.dumps(
            [event.payload for event in InboundEvent.objects.filter(config=identity.config)], ensure_ascii=False
        )

    assert InboundEvent.objects.filter(config=identity.config).count() >= 7  # every message came through the webhook
    assert "Xe máy bị trộm" not in stored() and "Phước Ninh" not in stored()

    # A follow-up still reaches the police, and is not kept in the log either.
    answer = linked("Kẻ trộm mặc áo khoác đỏ")
    assert report.receipt_code in answer
    assert report.messages.get().body == "Kẻ trộm mặc áo khoác đỏ"
    assert "áo khoác đỏ" not in stored()
