"""A resident who filed in a chat is told things once there: the chat's own answers, not a second
copy from the delivery engine. The engine's notice waits in their inbox and goes out only if the
chat cannot take the answer."""

from datetime import timedelta

from django.utils import timezone

from channels.models import ChannelIdentity
from delivery.engine import drain
from delivery.models import Delivery, DeliveryStatus
from reports.models import ChatStatus, Report, ReportMessage, Side
from reports.tests.test_chat import RESIDENT_ZALO_ID, file_theft, held_delivery, officer_writes

# "The police sent you a message.", in the resident's language (the test world's is English).
SENT_YOU_A_MESSAGE = ("Công an đã gửi cho bạn một tin nhắn.", "The police sent you a message.")


def zalo_texts(fake) -> list[str]:
    return [
        c.json["message"]["text"]
        for c in fake.calls("oa.message")
        if c.json["recipient"]["user_id"] == RESIDENT_ZALO_ID
    ]


def test_the_receipt_code_reaches_the_chat_once_and_the_notice_stays_in_the_inbox(linked, fake, world):
    file_theft(linked)
    drain(budget_seconds=10)

    report = Report.objects.get()
    assert sum(report.receipt_code in text for text in zalo_texts(fake)) == 1
    # The notice is sealed (a confidential report): its subject reads back only through the model.
    [receipt] = [
        d
        for d in Delivery.objects.filter(person=world.resident).select_related("notice")
        if report.receipt_code in d.notice.subject
    ]
    assert (receipt.channel, receipt.status) == ("web", DeliveryStatus.DELIVERED)


def test_the_police_answer_reaches_the_chat_once_without_a_notice_about_it(
    linked, fake, world, django_capture_on_commit_callbacks
):
    file_theft(linked)
    report = Report.objects.get()

    officer_writes(world, report, "Chúng tôi đã cử người đến xác minh.", django_capture_on_commit_callbacks)
    drain(budget_seconds=10)

    texts = zalo_texts(fake)
    assert sum("Chúng tôi đã cử người đến xác minh." in text for text in texts) == 1
    assert not any(any(sent in text for sent in SENT_YOU_A_MESSAGE) for text in texts)
    message = ReportMessage.objects.get(side=Side.POLICE)
    assert message.chat_status == ChatStatus.SENT
    # In the inbox all the same: the chat answer is that notice's delivery, sent once, to the chat.
    delivery = held_delivery(message)
    assert (delivery.person, delivery.status) == (world.resident, DeliveryStatus.DELIVERED)
    assert list(delivery.attempt_log.values_list("channel", "ok")) == [("zalo_oa", True)]


def test_outside_zalos_window_the_notice_goes_down_the_residents_channels_after_all(
    linked, fake, world, django_capture_on_commit_callbacks
):
    file_theft(linked)
    report = Report.objects.get()
    ChannelIdentity.objects.update(last_seen_at=timezone.now() - timedelta(days=8))

    officer_writes(world, report, "Mời anh lên trụ sở làm việc.", django_capture_on_commit_callbacks)
    drain(budget_seconds=10)

    message = ReportMessage.objects.get(side=Side.POLICE)
    assert message.chat_status == ChatStatus.OUTSIDE_WINDOW
    delivery = held_delivery(message)
    assert (delivery.channel, delivery.status) == ("zalo_oa", DeliveryStatus.DELIVERED)
    assert any(any(sent in text for sent in SENT_YOU_A_MESSAGE) for text in zalo_texts(fake)), zalo_texts(fake)[-2:]


def test_a_refused_chat_answer_releases_the_notice_to_the_next_channel(
    linked, fake, world, django_capture_on_commit_callbacks
):
    file_theft(linked)
    report = Report.objects.get()
    fake.answer("oa.message", error=-201, description="Parameters are invalid")

    officer_writes(world, report, "Xin gọi lại cho chúng tôi.", django_capture_on_commit_callbacks)
    drain(budget_seconds=10)

    message = ReportMessage.objects.get(side=Side.POLICE)
    assert message.chat_status == ChatStatus.FAILED
    delivery = held_delivery(message)
    assert delivery.channel == "zalo_oa" and delivery.attempt_log.filter(ok=True).exists()
