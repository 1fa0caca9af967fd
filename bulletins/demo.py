"""Demo bulletins with a realistic reach, published through the real actions (called by
demo/seed.py): the template library posts of the police, the buffalo re-share of 28 Aug 2019,
an urgent alert, a scheduled bulletin, and readers, relays and a few unreachable elders."""

import random
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from bulletins.actions import check_create_post, check_publish_bulletin, check_reshare_post
from bulletins.audience import Audience
from bulletins.library import seed_templates
from bulletins.models import Bulletin, BulletinTemplate, Category
from delivery.models import Delivery, DeliveryStatus, Notice
from groups.models import CommunityGroup, GroupKind, GroupRole, Membership
from people.models import Mandate, MandateRole, Person
from places.models import Unit


def _age(bulletin: Bulletin, days: float, *, when: datetime | None = None) -> None:
    """Move a bulletin and its deliveries into the past, as if published `days` ago (or at `when`)."""
    when = when or timezone.now() - timedelta(days=days)
    Bulletin.objects.filter(pk=bulletin.pk).update(published_at=when, publish_at=when, created_at=when)
    if bulletin.notice_id:
        Notice.objects.filter(pk=bulletin.notice_id).update(created_at=when)
        Delivery.objects.filter(notice_id=bulletin.notice_id).update(created_at=when, delivered_at=when)


def _readers(rng: random.Random, bulletin: Bulletin, read_share: float, relay_share: float) -> None:
    """Most members open the news within hours; relays confirm about half of the read-outs."""
    assert bulletin.notice_id is not None
    deliveries = list(
        Delivery.objects.filter(notice_id=bulletin.notice_id, status=DeliveryStatus.DELIVERED).values_list(
            "pk", "relay_id"
        )
    )
    assert bulletin.published_at is not None
    read, confirmed = [], []
    for pk, relay_id in deliveries:
        if relay_id and rng.random() < relay_share:
            confirmed.append(pk)
        elif not relay_id and rng.random() < read_share:
            read.append(pk)
    when = bulletin.published_at + timedelta(hours=3)
    for start in range(0, len(read), 500):
        Delivery.objects.filter(pk__in=read[start : start + 500]).update(read_at=when)
    for start in range(0, len(confirmed), 500):
        Delivery.objects.filter(pk__in=confirmed[start : start + 500]).update(read_at=when, relay_confirmed_at=when)


def seed_bulletins(commune: Unit, neighbour: Unit, *, buffalo_at: datetime | None = None) -> None:
    """`buffalo_at`: when the steering committee re-shared the buffalo found (default two days ago)."""
    rng = random.Random(2019)  # noqa: S311 — deterministic demo data, not security
    officer = Mandate.objects.get(role=MandateRole.POLICE, unit=commune).person
    steering = Mandate.objects.get(role=MandateRole.STEERING, unit=commune).person

    # Two elders whose family is not in a group yet: the reach pages show them as unreachable.
    first_group = CommunityGroup.objects.filter(unit__path__startswith=commune.path, kind=GroupKind.HAMLET).first()
    assert first_group is not None
    for name in ("Nguyễn Thị Năm", "Phan Văn Bảy"):
        elder = Person(full_name=name, has_smartphone=False)
        elder.set_unusable_password()
        elder.save()
        Membership.objects.create(group=first_group, person=elder, role=GroupRole.MEMBER)

    # The library comes with a migration; a flushed test database has lost it, so make sure.
    seed_templates()
    whole_commune = Audience(unit=commune)
    for days, category, share in ((40, Category.TRAFFIC, 0.82), (25, Category.USURY, 0.76), (9, Category.FIRE, 0.64)):
        template = BulletinTemplate.objects.filter(category=category, unit=None).first()
        assert template is not None
        bulletin = check_publish_bulletin(
            officer,
            title=template.title,
            body_html=template.body_html,
            category=category,
            audience=whole_commune,
            template=template,
        )
        _age(bulletin, days)
        bulletin.refresh_from_db()
        _readers(rng, bulletin, share, 0.55)

    leader = Person.objects.get(phone="+84901000003")
    hamlet_group = leader.memberships.get(role=GroupRole.LEADER).group
    post = check_create_post(
        leader,
        hamlet_group,
        "Phát hiện một con trâu đi lạc ở ấp Phước Hội, đang được buộc tạm ở nhà tôi. Ai mất trâu liên hệ tổ trưởng.",
    )
    buffalo = check_reshare_post(
        steering,
        post,
        audience=Audience(unit=commune, neighbours=[neighbour]),
        title="Tìm chủ con trâu đi lạc ở ấp Phước Hội",
        note="Ban điều hành chia sẻ đến mọi nhóm trong xã và xã lân cận.",
    )
    _age(buffalo, 2, when=buffalo_at)
    buffalo.refresh_from_db()
    _readers(rng, buffalo, 0.9, 0.7)

    alert = check_publish_bulletin(
        officer,
        title="Khẩn: nhóm đối tượng trộm chó đi xe máy không biển số",
        body_html="<p>Đêm qua có <strong>hai người lạ đi xe máy không biển số</strong> tụ tập khuya ở đường ĐT 781, "
        "nghi trộm chó. Người dân khóa cổng, báo ngay cho Công an xã khi thấy.</p>",
        category=Category.THEFT,
        audience=Audience(unit=commune, kinds=[GroupKind.HAMLET, GroupKind.RESIDENTIAL_GROUP, GroupKind.PATROL]),
        urgent=True,
    )
    _age(alert, 0.2)
    alert.refresh_from_db()
    _readers(rng, alert, 0.35, 0.2)

    check_publish_bulletin(
        officer,
        title="Cảnh giác thủ đoạn giả danh công an gọi điện lừa đảo",
        body_html="<p>Công an không làm việc qua điện thoại và không yêu cầu chuyển tiền. "
        "Hãy cúp máy và báo cho Công an xã.</p>",
        category=Category.SCAMS,
        audience=whole_commune,
        publish_at=timezone.now() + timedelta(days=1, hours=2),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE delivery_delivery")
