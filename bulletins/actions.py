"""Every write to bulletins: publish (now or scheduled), re-share a member's post, members'
posts with their replies and photos, the leaders' moderation (hide, remove, mute), templates.
Publishing hands the audience to the fan-out engine (docs/fanout.md)."""

import html
import logging
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.tasks import default_task_backend
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from audit.actions import record
from bulletins import permissions
from bulletins.attachments import MAX_FILES, inspect
from bulletins.audience import Audience, audience_of
from bulletins.models import (
    Attachment,
    Bulletin,
    BulletinStatus,
    BulletinTemplate,
    Category,
    Moderation,
    Post,
    PostReply,
)
from bulletins.sanitize import clean_html, text_of
from core.errors import ActionError, PermissionDenied
from core.photos import clean_photo
from delivery.actions import do_create_notice
from delivery.models import Notice, Priority
from delivery.notify import notify
from groups import lostfound
from groups.models import CommunityGroup, Membership, MembershipStatus
from people.models import Person
from places.models import Unit

logger = logging.getLogger(__name__)

TITLE_MAX = 200
BODY_MAX = 20000
SCHEDULE_MAX_DAYS = 90


def access_bulletin(person: Person, bulletin_id: int, *, manage: bool = False) -> Bulletin:
    """A bulletin the person may see: they received it, or they may manage it."""
    bulletin = get_object_or_404(Bulletin.objects.select_related("author", "unit", "notice"), pk=bulletin_id)
    if permissions.can_manage_bulletin(person, bulletin):
        return bulletin
    if manage or bulletin.status != BulletinStatus.PUBLISHED or bulletin.notice is None:
        raise PermissionDenied
    from delivery.queries import inbox_q

    if not bulletin.notice.deliveries.filter(inbox_q(person)).exists():
        raise PermissionDenied
    return bulletin


def _check_audience(actor: Person, audience: Audience) -> None:
    if audience.is_empty:
        raise ActionError(_("Choose who receives the bulletin."), code="audience")
    for group in audience.groups:
        if not permissions.can_publish_to_group(actor, group):
            raise PermissionDenied
    if audience.unit is not None and not permissions.can_publish_to_unit(actor, audience.unit):
        raise PermissionDenied
    for neighbour in audience.neighbours:
        if not (permissions.can_publish_to_unit(actor, neighbour) or permissions.can_add_neighbour(actor, neighbour)):
            raise PermissionDenied
    if not audience.resolve().exists():
        raise ActionError(_("No active group matches this audience."), code="audience_empty")


def _home_unit(audience: Audience) -> Unit:
    """The unit a bulletin is filed under: the chosen unit, or the common ancestor of its groups."""
    if audience.unit is not None:
        return audience.unit
    units = [g.unit for g in audience.groups] or audience.neighbours
    paths = [u.path for u in units]
    common = paths[0]
    for path in paths[1:]:
        while not path.startswith(common):
            common = common[: common.rstrip("/").rfind("/") + 1]
    code = common.rstrip("/").rsplit("/", 1)[-1]
    return Unit.objects.get(code=code) if code else units[0]


def check_publish_bulletin(
    actor: Person,
    *,
    title: str,
    body_html: str,
    category: str,
    audience: Audience,
    attachments: list[UploadedFile] | None = None,
    publish_at: datetime | None = None,
    urgent: bool = False,
    template: BulletinTemplate | None = None,
    reshared_post: Post | None = None,
) -> Bulletin:
    """Validate everything, then save the bulletin and publish it now or schedule it."""
    if not permissions.can_publish(actor):
        raise PermissionDenied
    title = " ".join(title.split())
    body = clean_html(body_html or "")
    if not title:
        raise ActionError(_("Enter a title."), code="title")
    if len(title) > TITLE_MAX:
        raise ActionError(_("The title is too long (at most %(n)s characters)."), code="title", params={"n": TITLE_MAX})
    if not text_of(body):
        raise ActionError(_("Write the bulletin's text."), code="body")
    if len(body) > BODY_MAX:
        raise ActionError(_("The text is too long."), code="body")
    if category not in Category.values:
        raise ActionError(_("Choose a category."), code="category")
    attachments = attachments or []
    if len(attachments) > MAX_FILES:
        raise ActionError(_("Attach at most %(n)s files."), code="attachments", params={"n": MAX_FILES})
    inspected = [(upload, inspect(upload)) for upload in attachments]
    now = timezone.now()
    if publish_at is not None:
        if publish_at < now - timedelta(minutes=5):
            raise ActionError(_("The publishing time is in the past."), code="publish_at")
        if publish_at > now + timedelta(days=SCHEDULE_MAX_DAYS):
            raise ActionError(
                _("Schedule at most %(n)s days ahead."), code="publish_at", params={"n": SCHEDULE_MAX_DAYS}
            )
    _check_audience(actor, audience)
    unit = _home_unit(audience)
    scheduled = publish_at is not None and publish_at > now
    with transaction.atomic():
        bulletin = Bulletin.objects.create(
            title=title,
            body_html=body,
            category=category,
            official=permissions.publishes_as_police(actor, unit),
            urgent=urgent,
            author=actor,
            unit=unit,
            status=BulletinStatus.SCHEDULED,
            publish_at=publish_at if scheduled and publish_at is not None else now,
            template=template,
            reshared_post=reshared_post,
            audience_unit=audience.unit,
            group_kinds=list(audience.kinds),
        )
        bulletin.groups.set(audience.groups)
        bulletin.neighbour_units.set(audience.neighbours)
        for upload, checked in inspected:
            Attachment.objects.create(
                bulletin=bulletin,
                file=checked.file,
                kind=checked.kind,
                content_type=checked.content_type,
                original_name=(upload.name or "file")[:200],
                size=checked.file.size or 0,
            )
        record(
            actor,
            "bulletin.created",
            bulletin,
            unit=unit,
            scheduled=scheduled,
            reshared_post=reshared_post and reshared_post.pk,
        )
        if scheduled:
            transaction.on_commit(lambda: _schedule(bulletin))
        else:
            do_publish(bulletin.pk)
    bulletin.refresh_from_db()
    return bulletin


def _schedule(bulletin: Bulletin) -> None:
    from bulletins.tasks import publish_scheduled

    if default_task_backend.supports_defer:
        try:
            publish_scheduled.using(run_after=bulletin.publish_at).enqueue(bulletin.pk)
        except Exception:  # the `deliver` loop's publish_due covers a queue that is down
            logger.exception("could not schedule bulletin %s", bulletin.pk)


def do_publish(bulletin_id: int, *, now: datetime | None = None) -> Notice | None:
    """Publish a scheduled bulletin once: mark it published and fan it out in one transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        taken = Bulletin.objects.filter(
            pk=bulletin_id, status=BulletinStatus.SCHEDULED, publish_at__lte=now + timedelta(seconds=1)
        ).update(status=BulletinStatus.PUBLISHED, published_at=now)
        if not taken:
            return None
        bulletin = Bulletin.objects.select_related("author").get(pk=bulletin_id)
        recipients = audience_of(bulletin).members().values("person_id")
        notice = do_create_notice(
            recipients,
            subject=bulletin.title,
            body=text_of(bulletin.body_html),
            body_html=bulletin.body_html,
            url=reverse("bulletins:detail", args=[bulletin.pk]),
            priority=Priority.URGENT if bulletin.urgent else Priority.NORMAL,
            source=bulletin,
            sender=bulletin.author,
        )
        Bulletin.objects.filter(pk=bulletin.pk).update(notice=notice)
        record(bulletin.author, "bulletin.published", bulletin, unit=bulletin.unit, recipients=notice.recipient_count)
    return notice


def publish_due(now: datetime | None = None) -> int:
    """Publish every scheduled bulletin whose time has come (the `deliver` loop calls this)."""
    now = now or timezone.now()
    due = Bulletin.objects.filter(status=BulletinStatus.SCHEDULED, publish_at__lte=now).values_list("pk", flat=True)
    return sum(1 for pk in list(due[:100]) if do_publish(pk, now=now) is not None)


def check_cancel_scheduled(actor: Person, bulletin: Bulletin) -> Bulletin:
    if not permissions.can_manage_bulletin(actor, bulletin):
        raise PermissionDenied
    with transaction.atomic():
        if not Bulletin.objects.filter(pk=bulletin.pk, status=BulletinStatus.SCHEDULED).update(
            status=BulletinStatus.CANCELLED
        ):
            raise ActionError(_("Only a bulletin that is still scheduled can be cancelled."), code="status")
        record(actor, "bulletin.cancelled", bulletin, unit=bulletin.unit)
    bulletin.refresh_from_db()
    return bulletin


def check_create_post(actor: Person, group: CommunityGroup, text: str, photo: UploadedFile | None = None) -> Post:
    """A member posts to their group, with a photo if they like (checked as report photos are);
    every other member receives it through the engine."""
    if not permissions.can_post_to_group(actor, group):
        raise PermissionDenied
    text = _checked_text(text, photo)
    cleaned = clean_photo(photo) if photo else None
    with transaction.atomic():
        post = Post.objects.create(group=group, author=actor, text=text)
        if cleaned is not None:
            post.photo.save("photo.jpg", cleaned.content, save=True)
        members = (
            Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE)
            .exclude(person=actor)
            .values("person_id")
        )
        notice = do_create_notice(
            members,
            subject=f"{actor.full_name} · {group.name}",
            body=text or str(_("(a photo)")),
            url=reverse("bulletins:post", args=[post.pk]),
            source=post,
            sender=actor,
        )
        post.notice = notice
        post.save(update_fields=["notice"])
        record(actor, "post.created", post, unit=group.unit, photo=cleaned is not None)
    return post


def _checked_text(text: str, photo: UploadedFile | None) -> str:
    text = text.strip()
    if not text and not photo:
        raise ActionError(_("Write something to post."), code="text")
    if len(text) > 2000:
        raise ActionError(_("A post is at most 2,000 characters."), code="text")
    return text


def check_reply(actor: Person, post: Post, text: str, photo: UploadedFile | None = None) -> PostReply:
    """A member answers a post; its author hears of it on their phone through the engine."""
    if not permissions.can_reply(actor, post):
        raise PermissionDenied
    text = _checked_text(text, photo)
    cleaned = clean_photo(photo) if photo else None
    with transaction.atomic():
        reply = PostReply.objects.create(post=post, author=actor, text=text)
        if cleaned is not None:
            reply.photo.save("photo.jpg", cleaned.content, save=True)
        record(actor, "post.replied", post, unit=post.group.unit, reply=reply.pk, photo=cleaned is not None)
        if post.author_id != actor.pk:
            author = post.author
            with translation.override(author.language or "vi"):
                notify(
                    [author.pk],
                    subject=str(
                        _("%(name)s replied to your post in %(group)s")
                        % {"name": actor.full_name, "group": post.group.name}
                    ),
                    body=text or str(_("(a photo)")),
                    url=reverse("bulletins:post", args=[post.pk]) + f"#reply-{reply.pk}",
                    source=reply,
                    sender=actor,
                )
    return reply


MODERATION_VERBS: dict[str, str] = {
    Moderation.HIDDEN: "hidden",
    Moderation.REMOVED: "removed",
    Moderation.VISIBLE: "restored",
}


def check_moderate(actor: Person, item: Post | PostReply, moderation: str, reason: str) -> Post | PostReply:
    """A group leader hides a post or reply (it can be shown again), removes it (its text and
    photo are deleted), or shows a hidden one again; with a reason, audited, and its author told."""
    post = item if isinstance(item, Post) else item.post
    group = post.group
    if not permissions.can_moderate(actor, group):
        raise PermissionDenied
    if moderation not in Moderation.values:
        raise ActionError(_("Unknown moderation."), code="moderation")
    reason = " ".join(reason.split())
    if moderation != Moderation.VISIBLE and not reason:
        raise ActionError({"reason": [_("Give the reason: the author and the audit log read it.")]})
    if item.moderation == Moderation.REMOVED:
        raise ActionError(_("This was removed and cannot be changed any more."), code="removed")
    with transaction.atomic():
        item.moderation, item.moderated_by, item.moderated_at = moderation, actor, timezone.now()
        item.moderation_reason = reason[:300]
        fields = ["moderation", "moderated_by", "moderated_at", "moderation_reason"]
        if moderation == Moderation.REMOVED:
            if item.photo:
                item.photo.delete(save=False)
            item.text = ""
            fields += ["photo", "text"]
        item.save(update_fields=fields)
        kind = "post" if isinstance(item, Post) else "reply"
        record(actor, f"{kind}.{MODERATION_VERBS[moderation]}", item, unit=group.unit, reason=reason, post=post.pk)
        if isinstance(item, Post) and item.notice_id:
            # What the members' inboxes show follows the post.
            Notice.objects.filter(pk=item.notice_id).update(
                body=item.text if moderation == Moderation.VISIBLE else str(_("(removed by a group leader)"))
            )
        if item.author_id != actor.pk and moderation != Moderation.VISIBLE:
            _tell_author(item, group, moderation, reason)
    return item


def _tell_author(item: Post | PostReply, group: CommunityGroup, moderation: str, reason: str) -> None:
    with translation.override(item.author.language or "vi"):
        words = (
            _("A group leader hid your message in %(group)s.")
            if moderation == Moderation.HIDDEN
            else _("A group leader removed your message in %(group)s.")
        )
        notify(
            [item.author_id],
            subject=str(words % {"group": group.name}),
            body=str(_("Reason: %(reason)s") % {"reason": reason}),
            url=reverse("groups:detail", args=[group.pk]),
            source=item,
        )


MUTE_DAYS = (1, 3, 7, 30)


def check_mute_member(actor: Person, membership: Membership, *, days: int, reason: str) -> Membership:
    """A group leader mutes a member for a few days: they keep reading but cannot post or reply."""
    if not permissions.can_mute(actor, membership):
        raise PermissionDenied
    if days not in MUTE_DAYS:
        raise ActionError({"days": [_("Choose how long.")]})
    reason = " ".join(reason.split())
    if not reason:
        raise ActionError({"reason": [_("Give the reason: the member and the audit log read it.")]})
    group = membership.group
    until = timezone.now() + timedelta(days=days)
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(muted_until=until)
        membership.muted_until = until
        record(
            actor, "group.member_muted", group, unit=group.unit, reason=reason, person=membership.person_id, days=days
        )
        with translation.override(membership.person.language or "vi"):
            notify(
                [membership.person_id],
                subject=str(
                    _("You cannot post in %(group)s until %(until)s")
                    % {"group": group.name, "until": formats.date_format(timezone.localtime(until), "H:i d/m/Y")}
                ),
                body=str(_("Reason: %(reason)s") % {"reason": reason}),
                url=reverse("groups:detail", args=[group.pk]),
                source=group,
            )
    return membership


def check_unmute_member(actor: Person, membership: Membership) -> Membership:
    if not permissions.can_mute(actor, membership):
        raise PermissionDenied
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(muted_until=None)
        membership.muted_until = None
        record(actor, "group.member_unmuted", membership.group, unit=membership.group.unit, person=membership.person_id)
    return membership


def check_reshare_post(actor: Person, post: Post, *, audience: Audience, title: str = "", note: str = "") -> Bulletin:
    """The steering committee re-shares a member's post to a wider audience (the buffalo flow)."""
    if not permissions.can_reshare(actor, post):
        raise PermissionDenied
    if post.lost_found_code:
        raise ActionError(_("This post is a lost & found post: share it from there."), code="lost_found")
    quoted = html.escape(post.text).replace("\n", "<br>")
    intro = f"<p>{html.escape(note)}</p>" if note.strip() else ""
    signature = f"— {html.escape(post.author.full_name)}, {html.escape(post.group.name)}"
    body = f"{intro}<blockquote>{quoted}</blockquote><p><em>{signature}</em></p>"
    return check_publish_bulletin(
        actor,
        title=title or post.text.split("\n")[0][:120],
        body_html=body,
        category=Category.OTHER,
        audience=audience,
        reshared_post=post,
    )


def check_reshare_lost_found(actor: Person, post: Post, *, kind: str, category: str, units: list[Unit]) -> str:
    """The steering committee re-shares a member's post about a lost or found item: the post becomes
    (or already is) the lost & found post, shared through the same function as from its case page,
    so there is one flow — matching, claims, return — not a bulletin beside it. Its receipt code."""
    if not permissions.can_reshare(actor, post):
        raise PermissionDenied
    desk = lostfound.desk()
    allowed = {u.pk for u in desk.share_choices(post.group.unit)}
    if not units or any(u.pk not in allowed for u in units):
        raise ActionError(_("Choose the commune or its neighbouring communes."), code="units")
    with transaction.atomic():
        code = post.lost_found_code or desk.file_from_post(
            actor,
            author=post.author,
            unit=post.group.unit,
            text=post.text,
            kind=kind,
            category=category,
            post_id=post.pk,
        )
        if post.lost_found_code != code:
            post.lost_found_code = code
            post.save(update_fields=["lost_found_code"])
        desk.share(actor, code, units)
        record(actor, "post.reshared_lost_found", post, unit=post.group.unit, report=code)
    return code


def check_save_template(actor: Person, *, title: str, body_html: str, category: str, unit: Unit) -> BulletinTemplate:
    if not permissions.can_publish_to_unit(actor, unit):
        raise PermissionDenied
    title, body = " ".join(title.split()), clean_html(body_html)
    if not title or not text_of(body):
        raise ActionError(_("A template needs a title and a text."), code="required")
    if category not in Category.values:
        raise ActionError(_("Choose a category."), code="category")
    with transaction.atomic():
        template = BulletinTemplate.objects.create(
            title=title, body_html=body, category=category, unit=unit, created_by=actor
        )
        record(actor, "bulletin_template.created", template, unit=unit)
    return template
