import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from bulletins.actions import check_publish_bulletin, publish_due
from bulletins.audience import Audience
from bulletins.models import Bulletin, BulletinStatus, BulletinTemplate, Category
from bulletins.tasks import publish_scheduled
from core.errors import ActionError, PermissionDenied
from delivery.models import Delivery
from groups.actions import check_add_member, check_create_group
from groups.models import GroupKind

pytestmark = pytest.mark.django_db


def publish(actor, audience, **kwargs):
    kwargs.setdefault("title", "Cảnh giác trộm chó ban đêm")
    kwargs.setdefault("body_html", "<p>Có người lạ <strong>tụ tập</strong> khuya.</p>")
    kwargs.setdefault("category", Category.THEFT)
    return check_publish_bulletin(actor, audience=audience, **kwargs)


def png_upload(name="anh.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_police_officer_publishes_an_official_bulletin_to_a_group(world):
    bulletin = publish(world.officer, Audience(groups=[world.rg_group]))

    assert bulletin.status == BulletinStatus.PUBLISHED and bulletin.official
    recipients = set(Delivery.objects.filter(notice=bulletin.notice).values_list("person_id", flat=True))
    assert recipients == {world.resident.pk, world.relay.pk, world.elder.pk, world.leader.pk}


def test_a_steering_member_publishes_without_the_official_badge(world):
    bulletin = publish(world.steering, Audience(groups=[world.rg_group]))
    assert not bulletin.official


def test_every_group_of_a_unit_filtered_by_kind_is_reached_once(world):
    check_add_member(world.officer, world.hamlet_group, world.resident)
    patrol = check_create_group(world.officer, world.hamlet, name="Tổ tuần tra", kind=GroupKind.PATROL)
    check_add_member(world.officer, patrol, world.stranger)

    everyone = publish(world.officer, Audience(unit=world.commune))
    unit_groups_only = publish(
        world.officer, Audience(unit=world.commune, kinds=[GroupKind.RESIDENTIAL_GROUP, GroupKind.HAMLET])
    )

    assert everyone.notice.deliveries.filter(person=world.resident).count() == 1
    assert everyone.notice.deliveries.filter(person=world.stranger).exists()
    assert not unit_groups_only.notice.deliveries.filter(person=world.stranger).exists()


def test_a_neighbouring_commune_may_be_added_but_not_a_far_one(world):
    neighbour_hamlet_group = check_create_group(
        world.admin, world.neighbour, name="Nhóm xã Dương Minh Châu", kind=GroupKind.COMMUNE
    )
    check_add_member(world.admin, neighbour_hamlet_group, world.stranger)

    bulletin = publish(world.steering, Audience(groups=[world.rg_group], neighbours=[world.neighbour]))
    assert bulletin.notice.deliveries.filter(person=world.stranger).exists()

    with pytest.raises(PermissionDenied):
        publish(world.steering, Audience(groups=[world.rg_group], neighbours=[world.far_commune]))


def test_people_without_a_mandate_over_the_audience_cannot_publish(world):
    with pytest.raises(PermissionDenied):
        publish(world.resident, Audience(groups=[world.rg_group]))
    with pytest.raises(PermissionDenied):
        publish(world.far_officer, Audience(groups=[world.rg_group]))
    with pytest.raises(PermissionDenied):
        publish(world.leader, Audience(groups=[world.rg_group]))


def test_the_body_is_sanitised_on_the_server(world):
    bulletin = publish(
        world.officer,
        Audience(groups=[world.rg_group]),
        body_html='<p onclick="x()">Tin <script>alert(1)</script><a href="javascript:alert(1)">đây</a>'
        "<img src=x onerror=alert(1)><em>nhé</em></p>",
    )
    assert "script" not in bulletin.body_html and "onclick" not in bulletin.body_html
    assert "javascript" not in bulletin.body_html and "<img" not in bulletin.body_html
    assert "<em>nhé</em>" in bulletin.body_html


def test_bad_input_is_refused_with_a_reason_and_nothing_is_saved(world):
    audience = Audience(groups=[world.rg_group])
    cases: list[dict[str, Any]] = [
        {"title": "  "},
        {"body_html": "<script>alert(1)</script>"},
        {"category": "gossip"},
        {"attachments": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")]},
        {"publish_at": timezone.now() - timedelta(days=1)},
    ]
    for case in cases:
        with pytest.raises(ActionError):
            publish(world.officer, audience, **case)
    with pytest.raises(ActionError):
        publish(world.officer, Audience())
    assert not Bulletin.objects.exists()
    assert not Delivery.objects.exists()


def test_attachments_are_accepted_by_their_content(world):
    pdf = SimpleUploadedFile(
        "huong-dan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", content_type="text/plain"
    )
    bulletin = publish(world.officer, Audience(groups=[world.rg_group]), attachments=[png_upload("anh.jpg"), pdf])

    kinds = list(bulletin.attachments.values_list("kind", "content_type"))
    assert kinds == [("image", "image/png"), ("pdf", "application/pdf")]


def test_a_scheduled_bulletin_is_published_when_its_time_comes_and_only_once(world):
    at = timezone.now() + timedelta(hours=2)
    bulletin = publish(world.officer, Audience(groups=[world.rg_group]), publish_at=at)
    assert bulletin.status == BulletinStatus.SCHEDULED and bulletin.notice is None

    assert publish_due() == 0
    assert publish_scheduled.call(bulletin.pk) is False  # too early: the task leaves it alone
    assert publish_due(now=at + timedelta(seconds=1)) == 1
    assert publish_due(now=at + timedelta(seconds=2)) == 0

    published = Bulletin.objects.get(pk=bulletin.pk)
    assert published.status == BulletinStatus.PUBLISHED
    assert published.notice is not None and published.notice.deliveries.count() == 4


def test_the_template_library_has_the_articles_topics_in_vietnamese():
    categories = set(BulletinTemplate.objects.filter(unit=None).values_list("category", flat=True))
    assert {Category.TRAFFIC, Category.USURY, Category.FIRE, Category.ASSAULT} <= categories
    assert BulletinTemplate.objects.filter(title__icontains="tín dụng đen").exists()


def test_plain_text_typed_without_the_editor_becomes_paragraphs(world):
    bulletin = publish(
        world.officer, Audience(groups=[world.rg_group]), body_html="Dòng một\ncòn tiếp\n\nĐoạn hai & ba"
    )
    assert bulletin.body_html == "<p>Dòng một<br>còn tiếp</p><p>Đoạn hai &amp; ba</p>"


def test_scheduling_queues_a_task_for_the_publishing_time_on_the_database_queue(
    world, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    at = timezone.now() + timedelta(hours=5)
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = publish(world.officer, Audience(groups=[world.rg_group]), publish_at=at)

    task = DBTaskResult.objects.get(task_path="bulletins.tasks.publish_scheduled")
    assert task.run_after == at and task.args_kwargs["args"] == [bulletin.pk]
