"""Triage of what residents write: urgency with the words that triggered it, a suggested category,
stored at intake and shown to the police (page, queue, API)."""

import pytest

from canhgiac.testing import create_report, signed_in
from reports.evaluation import triage_scores
from reports.triage import report_is_urgent, triage_text


def test_on_the_held_out_corpus_urgent_is_found_with_recall_90_at_precision_70():
    scores, _category_accuracy = triage_scores("heldout")
    assert scores.examples >= 100
    assert scores.recall >= 0.9 and scores.precision >= 0.7


@pytest.mark.parametrize(
    ("text", "kind", "words"),
    [
        ("Có thằng đag cầm dao đuổi chém người ở đầu hẻm", "crime", {"dao", "chém", "dang"}),
        ("co thang dang cay cua nha ong Tu", "crime", {"dang"}),
        ("Nhà bà Tám đang bốc cháy, khói đen", "public_order", {"bốc cháy", "khói"}),
        ("Con toi 5 tuoi bi lac o cho dem", "lost", {"5 tuoi", "lac"}),
        ("Bọn đòi nợ vừa mới ném mắm tôm vào nhà", "crime", {"vừa mới"}),
    ],
)
def test_it_flags_urgent_texts_with_the_words_that_triggered_it(text, kind, words):
    triage = triage_text(text, kind)
    assert triage.urgency == "urgent"
    assert words <= {reason.split(": ", 1)[1] for reason in triage.reasons}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Nhặt được ví da, đang giữ ở nhà", "found"),  # "đang" about a found item is no emergency
        ("Thấy con chó lạ khi đi dạo buổi chiều", "found"),  # dạo, not dao
        ("Nhóm người tụ tập đánh bài ăn tiền", "crime"),  # đánh bài is gambling, not violence
        ("Dây điện bị hở, sợ cháy", "public_order"),  # a risk, not a fire
        ("Hỏi về vụ bị đánh hồi năm ngoái", "crime"),  # long past
        ("Đáng ngờ: xe lạ đậu trước chùa", "suspicious"),  # đáng, not đang
        ("không có ai bị thương, chỉ mất xe", "crime"),
    ],
)
def test_it_leaves_everyday_texts_normal(text, kind):
    assert triage_text(text, kind).urgency == "normal"


@pytest.mark.parametrize(
    ("text", "kind", "category"),
    [
        ("xe sh đen bị trộm lúc 2h sáng", "crime", "theft"),
        ("Có người dán tờ rơi cho vay khắp chợ", "public_order", "illegal_ads"),
        ("mat vi da co cccd", "lost", "lost_item"),
        ("Nhặt được con trâu đi lạc", "found", "found_animal"),
    ],
)
def test_it_suggests_a_category_of_the_reports_kind(text, kind, category):
    assert triage_text(text, kind).suggested_category == category


def test_a_report_is_triaged_at_intake_and_urgent_for_the_duty_alerts(world):
    urgent = create_report(world.resident, world.rg, description="Có người đang cầm mã tấu đứng trước nhà tôi").report
    calm = create_report(world.resident, world.rg, description="Tối qua bị trộm mất con gà").report
    urgent.refresh_from_db()
    assert urgent.triage_urgency == "urgent" and "weapon: mã tấu" in urgent.triage_reasons
    assert report_is_urgent(urgent) and not report_is_urgent(calm)
    assert calm.triage_category == "theft"


def test_the_officer_sees_the_urgent_badge_and_its_words_on_the_case_and_in_the_queue(world, client):
    report = create_report(world.resident, world.rg, description="2 thằng đang đánh nhau, có dao").report
    signed_in(client, world.officer)
    case = client.get(f"/reports/{report.receipt_code}/case/").content.decode()
    assert 'data-testid="triage-urgent">Khẩn<' in case
    assert 'data-testid="triage-words">dang, dao, đánh nhau<' in case.replace("đang", "dang")
    assert "Loại tin gợi ý: Cố ý gây thương tích" in case
    queue = client.get("/reports/queue/").content.decode()
    assert 'data-testid="triage-urgent">Khẩn<' in queue


def test_the_officers_api_carries_the_triage(world, client):
    report = create_report(world.resident, world.rg, description="Nhà kho đang bốc cháy").report
    signed_in(client, world.officer)
    body = client.get(f"/api/reports/{report.receipt_code}").json()
    assert body["triage"]["urgency"] == "urgent"
    assert "fire: bốc cháy" in body["triage"]["reasons"]
    assert body["triage"]["suggested_category"] in {"other_crime", "theft"}
    schema = client.get("/api/openapi.json").json()
    assert "triage" in schema["components"]["schemas"]["ReportOut"]["properties"]


def test_the_reporter_is_not_shown_the_triage_in_the_api(world, client):
    report = create_report(world.resident, world.rg, description="Có người đang cầm dao", visibility="named").report
    signed_in(client, world.resident)
    assert client.get(f"/api/reports/{report.receipt_code}").json()["triage"] is None
