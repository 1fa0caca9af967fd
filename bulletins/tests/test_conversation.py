"""The group's life: members reply to posts and add photos (checked as report photos are);
leaders hide or remove a post with a reason and mute a member for a while, all audited; replies
reach the post's author through the delivery engine."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from audit.models import AuditEvent
from bulletins.actions import check_create_post, check_moderate, check_mute_member, check_reply
from bulletins.models import Moderation, PostReply
from canhgiac.testing import signed_in
from core.errors import ActionError, PermissionDenied
from delivery.models import Delivery
from groups.models import Membership
from reports.tests.images import fake_jpeg, jpeg_with_gps


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def post(world):
    return check_create_post(world.resident, world.rg_group, "Có người lạ đi xe máy không biển số quanh ấp")


def test_a_member_replies_and_the_author_is_told_on_their_phone(world, client, post):
    signed_in(client, world.relay)
    response = client.post(reverse("bulletins:reply", args=[post.pk]), {"text": "Tôi cũng thấy, lúc 9 giờ tối"})
    reply = PostReply.objects.get()
    assert response.url == reverse("bulletins:post", args=[post.pk]) + f"#reply-{reply.pk}"
    told = Delivery.objects.get(person=world.resident, notice__source_id=str(reply.pk))
    assert told.notice.subject == "Trần Thị Mai đã trả lời bài của bạn trong Nhóm Tổ 1 ấp Phước Hội"
    assert told.notice.url.endswith(f"#reply-{reply.pk}")
    page = signed_in(client, world.leader).get(reverse("bulletins:post", args=[post.pk])).content.decode()
    assert "Tôi cũng thấy, lúc 9 giờ tối" in page and "1 trả lời" in page


def test_the_author_replying_to_their_own_post_is_not_told(world, post):
    check_reply(world.resident, post, "Cảm ơn mọi người")
    assert not Delivery.objects.filter(person=world.resident, notice__subject__contains="trả lời").exists()


def test_a_reply_photo_loses_its_gps_and_is_served_only_to_the_group(world, client, post):
    reply = check_reply(world.relay, post, "", jpeg_with_gps())
    with reply.photo.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert image.format == "JPEG" and not image.getexif()
    url = reverse("bulletins:reply_photo", args=[reply.pk])
    assert signed_in(client, world.leader).get(url)["Content-Type"] == "image/jpeg"
    assert signed_in(client, world.stranger).get(url).status_code == 403


def test_a_fake_photo_is_refused_and_nothing_is_posted(world, client, post):
    signed_in(client, world.relay)
    client.post(reverse("bulletins:reply", args=[post.pk]), {"text": "xem ảnh", "photo": fake_jpeg()})
    assert not PostReply.objects.exists()
    with pytest.raises(ActionError):
        check_create_post(world.relay, world.rg_group, "ảnh", fake_jpeg())


def test_a_member_posts_a_photo_from_the_group_page(world, client):
    signed_in(client, world.relay)
    page = client.get(f"/groups/{world.rg_group.pk}/").content.decode()
    assert reverse("bulletins:create_post", args=[world.rg_group.pk]) in page
    response = client.post(
        reverse("bulletins:create_post", args=[world.rg_group.pk]), {"text": "Trâu lạc", "photo": jpeg_with_gps()}
    )
    post = world.rg_group.posts.get()
    assert response.url == reverse("bulletins:post", args=[post.pk]) and post.photo
    assert "Trâu lạc" in client.get(f"/groups/{world.rg_group.pk}/").content.decode()


def test_a_leader_hides_a_post_with_a_reason_audited_and_the_author_told(world, client, post):
    signed_in(client, world.leader)
    refused = client.post(reverse("bulletins:moderate", args=[post.pk]), {"moderation": "hidden", "reason": " "})
    post.refresh_from_db()
    assert post.moderation == Moderation.VISIBLE and refused.status_code == 302

    client.post(reverse("bulletins:moderate", args=[post.pk]), {"moderation": "hidden", "reason": "Tin chưa xác minh"})
    post.refresh_from_db()
    assert post.moderation == Moderation.HIDDEN and post.moderated_by == world.leader
    event = AuditEvent.objects.get(verb="post.hidden")
    assert event.actor == world.leader and event.reason == "Tin chưa xác minh"
    told = Delivery.objects.get(person=world.resident, notice__subject__contains="đã ẩn tin của bạn")
    assert told.notice.body == "Lý do: Tin chưa xác minh"
    post.notice.refresh_from_db()
    assert post.notice.body == "(đã bị trưởng nhóm gỡ)"

    assert "không biển số" not in signed_in(client, world.relay).get(f"/groups/{world.rg_group.pk}/").content.decode()
    assert client.get(reverse("bulletins:post", args=[post.pk])).status_code == 403
    own = signed_in(client, world.resident).get(reverse("bulletins:post", args=[post.pk])).content.decode()
    assert "Trưởng nhóm đã ẩn" in own and "Tin chưa xác minh" in own

    check_moderate(world.leader, post, "", "")
    post.notice.refresh_from_db()
    assert post.notice.body == post.text and AuditEvent.objects.filter(verb="post.restored").exists()


def test_a_removed_post_loses_its_text_and_photo(world, post):
    photo_post = check_create_post(world.resident, world.rg_group, "Ảnh nhà hàng xóm", jpeg_with_gps())
    path = photo_post.photo.path
    check_moderate(world.leader, photo_post, "removed", "Lộ thông tin cá nhân")
    photo_post.refresh_from_db()
    assert photo_post.text == "" and not photo_post.photo
    import os

    assert not os.path.exists(path)
    with pytest.raises(ActionError):
        check_moderate(world.leader, photo_post, "", "")


def test_a_leader_removes_a_reply(world, client, post):
    reply = check_reply(world.relay, post, "Số điện thoại của hắn là 0912345678")
    signed_in(client, world.leader)
    client.post(
        reverse("bulletins:moderate", args=[post.pk]),
        {"moderation": "removed", "reason": "Số điện thoại người khác", "reply": reply.pk},
    )
    reply.refresh_from_db()
    assert reply.moderation == Moderation.REMOVED and reply.text == ""
    assert AuditEvent.objects.filter(verb="reply.removed", reason="Số điện thoại người khác").exists()


def test_an_ordinary_member_cannot_moderate(world, client, post):
    response = signed_in(client, world.relay).post(
        reverse("bulletins:moderate", args=[post.pk]), {"moderation": "removed", "reason": "không thích"}
    )
    post.refresh_from_db()
    assert response.status_code == 403 and post.moderation == Moderation.VISIBLE
    assert "Kiểm duyệt" not in client.get(reverse("bulletins:post", args=[post.pk])).content.decode()


def test_a_muted_member_reads_but_cannot_post_or_reply_until_the_mute_ends(world, client, post):
    membership = Membership.objects.get(group=world.rg_group, person=world.relay)
    signed_in(client, world.leader)
    client.post(
        reverse("bulletins:mute", args=[world.rg_group.pk, membership.pk]), {"days": "3", "reason": "Đăng tin sai"}
    )
    membership.refresh_from_db()
    assert membership.is_muted
    assert AuditEvent.objects.filter(verb="group.member_muted", reason="Đăng tin sai").exists()
    assert Delivery.objects.filter(
        person=world.relay, notice__subject__startswith="Bạn tạm thời không thể đăng"
    ).exists()
    assert "tạm khóa đăng bài đến" in client.get(f"/groups/{world.rg_group.pk}/").content.decode()

    signed_in(client, world.relay)
    page = client.get(reverse("bulletins:post", args=[post.pk])).content.decode()
    assert "không biển số" in page and 'data-testid="reply-form"' not in page and "tạm khóa" in page
    assert client.post(reverse("bulletins:reply", args=[post.pk]), {"text": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        check_create_post(world.relay, world.rg_group, "Tin nữa")
    form = client.get(reverse("bulletins:create_post", args=[world.rg_group.pk]))
    assert form.status_code == 403 and "bạn có thể đăng lại sau" in form.content.decode()

    signed_in(client, world.leader).post(
        reverse("bulletins:mute", args=[world.rg_group.pk, membership.pk]), {"unmute": "1"}
    )
    assert check_reply(world.relay, post, "Xin lỗi mọi người")


def test_a_leader_cannot_mute_the_police_or_without_a_reason(world):
    from groups.actions import check_add_member
    from groups.models import GroupRole

    check_add_member(world.officer, world.hamlet_group, world.leader, GroupRole.LEADER)
    police = Membership.objects.get(group=world.hamlet_group, person=world.officer)
    with pytest.raises(PermissionDenied):
        check_mute_member(world.leader, police, days=1, reason="x")
    member = Membership.objects.get(group=world.rg_group, person=world.resident)
    with pytest.raises(ActionError):
        check_mute_member(world.leader, member, days=1, reason="  ")
