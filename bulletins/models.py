"""Bulletins (tin tuyên truyền): crime-prevention news published to groups, their reusable
templates, attachments, and members' posts that the steering committee may re-share."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    TRAFFIC = "traffic", _("Traffic safety")
    USURY = "usury", _("Usury and debt collection")
    FIRE = "fire", _("Fire and explosion")
    ASSAULT = "assault", _("Assault")
    THEFT = "theft", _("Theft")
    SCAMS = "scams", _("Scams")
    DRUGS = "drugs", _("Drugs")
    OTHER = "other", _("Other")


class BulletinStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


def conversation_photo_path(_instance, _filename: str) -> str:
    return f"posts/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


class Moderation(models.TextChoices):
    VISIBLE = "", _("Visible")
    HIDDEN = "hidden", _("Hidden by a group leader")
    REMOVED = "removed", _("Removed by a group leader")


class Moderated(models.Model):
    """What a group's leaders may do to a post or a reply: hide it (it can come back) or remove
    it (its text and photo are deleted), always with a reason, always audited (bulletins/moderation.py)."""

    photo = models.FileField(upload_to=conversation_photo_path, blank=True)
    moderation = models.CharField(max_length=10, choices=Moderation.choices, default=Moderation.VISIBLE, blank=True)
    moderated_by = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_visible(self) -> bool:
        return self.moderation == Moderation.VISIBLE


class Post(Moderated):
    """A member's post in one of their groups: a suspect seen, a stray buffalo found…"""

    group = models.ForeignKey("groups.CommunityGroup", on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="posts")
    text = models.TextField(_("text"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    notice = models.OneToOneField("delivery.Notice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The lost & found post (reports, a peer app: its receipt code) this post became when re-shared
    # as a lost or found item (groups/lostfound.py).
    lost_found_code = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class PostReply(Moderated):
    """A member's answer under a post: the group's conversation, as it was on Zalo."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="post_replies")
    text = models.TextField(_("text"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Bulletin(models.Model):
    title = models.CharField(_("title"), max_length=200)
    body_html = models.TextField(
        _("text"), help_text=_("Bold, italics, lists and links are kept; the rest is removed.")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    official = models.BooleanField(_("official"), default=False, help_text=_("Published by the police."))
    urgent = models.BooleanField(_("urgent alert"), default=False)
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="bulletins")
    unit = models.ForeignKey(
        "places.Unit", on_delete=models.PROTECT, related_name="bulletins", help_text="The unit it is published for."
    )
    status = models.CharField(max_length=20, choices=BulletinStatus.choices)
    publish_at = models.DateTimeField(_("publish at"))
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    reshared_post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="reshares")
    template = models.ForeignKey(
        "bulletins.BulletinTemplate", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The audience, as chosen; resolved to groups when published (bulletins/audience.py).
    groups = models.ManyToManyField("groups.CommunityGroup", blank=True, related_name="+")
    audience_unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    group_kinds = models.JSONField(default=list, blank=True)
    neighbour_units = models.ManyToManyField("places.Unit", blank=True, related_name="+")
    notice = models.OneToOneField(
        "delivery.Notice", on_delete=models.SET_NULL, null=True, blank=True, related_name="bulletin"
    )

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-publish_at", "-id"]
        indexes = [models.Index(fields=["status", "publish_at"])]

    def __str__(self) -> str:
        return self.title


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("Image")
    PDF = "pdf", _("PDF document")


class Attachment(models.Model):
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="bulletins/%Y/%m/")
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    content_type = models.CharField(max_length=50)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class BulletinTemplate(models.Model):
    """Reusable prevention material. Without a unit it is shared with everyone."""

    title = models.CharField(_("title"), max_length=200)
    body_html = models.TextField(_("text"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    unit = models.ForeignKey("places.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bulletin template")
        verbose_name_plural = _("bulletin templates")
        ordering = ["category", "title"]

    def __str__(self) -> str:
        return self.title
