"""Community groups: the Zalo groups of the seed, as first-class records.

A group either mirrors a unit (a residential group, a hamlet, the commune) or is thematic (a
congregation, a workforce, a patrol…) with a home unit that scopes who manages it.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GroupKind(models.TextChoices):
    RESIDENTIAL_GROUP = "residential_group", _("Residential group")
    HAMLET = "hamlet", _("Hamlet / neighbourhood")
    COMMUNE = "commune", _("Commune")
    CONGREGATION = "congregation", _("Religious congregation")
    WORKFORCE = "workforce", _("Workforce / work area")
    PATROL = "patrol", _("People's patrol")
    CIVIL_DEFENCE = "civil_defence", _("Civil defence team")
    MASS_ORGANISATION = "mass_organisation", _("Mass organisation")
    OTHER = "other", _("Other")


UNIT_GROUP_KINDS = {GroupKind.RESIDENTIAL_GROUP, GroupKind.HAMLET, GroupKind.COMMUNE}


class OrganisationKind(models.TextChoices):
    FATHERLAND_FRONT = "fatherland_front", _("Fatherland Front")
    WOMEN = "women", _("Women's Union")
    YOUTH = "youth", _("Youth Union")
    VETERANS = "veterans", _("Veterans' Association")
    FARMERS = "farmers", _("Farmers' Association")
    ELDERLY = "elderly", _("Elderly Association")
    RED_CROSS = "red_cross", _("Red Cross")
    EMPLOYER = "employer", _("Employer / business")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    """A mass organisation (Hội Phụ nữ, Đoàn Thanh niên…) or an employer, with a contact person.

    The steering committee assigns responsibilities to mass organisations ("phân công trách nhiệm
    của các tổ chức, đoàn thể"); an employer's workforce groups may sit in several communes and
    link to it. Its unit scopes who manages it: the officers of that unit or above.
    """

    unit = models.ForeignKey(
        "places.Unit", on_delete=models.PROTECT, related_name="organisations", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    contact = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisation_contacts",
        verbose_name=_("contact person"),
    )
    # When the contact person is not in the system yet.
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True, db_default="")
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True, db_default="")
    is_active = models.BooleanField(_("active"), default=True, db_default=True)
    created_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["unit__path", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="unique_organisation_name_in_unit")]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_label(self) -> str:
        """Who to call: the contact person, or the name and phone typed in."""
        if self.contact is not None:
            return str(self.contact)
        return " · ".join(part for part in (self.contact_name, self.contact_phone) if part)


class CommunityGroup(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=GroupKind.choices)
    unit = models.ForeignKey(
        "places.Unit",
        on_delete=models.PROTECT,
        related_name="community_groups",
        verbose_name=_("unit"),
        help_text=_("The unit the group mirrors, or the home unit of a thematic group."),
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name=_("organisation"),
        help_text=_("The employer of a workforce group, or the organisation whose members it gathers."),
    )
    created_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("community group")
        verbose_name_plural = _("community groups")
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_thematic(self) -> bool:
        return self.kind not in UNIT_GROUP_KINDS


class GroupRole(models.TextChoices):
    MEMBER = "member", _("Member")
    LEADER = "leader", _("Group leader")
    STEERING = "steering", _("Steering committee")
    POLICE = "police", _("Police officer")


# Roles that may manage a group: invite, approve requests, remove members.
MANAGING_ROLES = {GroupRole.LEADER, GroupRole.STEERING, GroupRole.POLICE}


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")
    REMOVED = "removed", _("Removed")


class Membership(models.Model):
    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=GroupRole.choices, default=GroupRole.MEMBER)
    status = models.CharField(
        _("status"), max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    added_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # A group leader may mute a member for a while: they still read the group but cannot post or
    # reply until then (bulletins/moderation.py).
    muted_until = models.DateTimeField(_("muted until"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["group", "person"], name="unique_membership")]
        indexes = [models.Index(fields=["person", "status"]), models.Index(fields=["group", "status"])]

    def __str__(self) -> str:
        return f"{self.person} @ {self.group}"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_muted(self) -> bool:
        return self.muted_until is not None and self.muted_until > timezone.now()


def new_invite_token() -> str:
    return secrets.token_urlsafe(16)


class Invite(models.Model):
    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="invites")
    token = models.CharField(max_length=40, unique=True, default=new_invite_token)
    created_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    max_uses = models.PositiveIntegerField(_("maximum uses"))
    uses = models.PositiveIntegerField(_("uses"), default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invite")
        verbose_name_plural = _("invites")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(uses__lte=models.F("max_uses")), name="invite_uses_within_max")
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.token}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.uses < self.max_uses and self.expires_at > timezone.now()


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class JoinRequest(models.Model):
    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="join_requests")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="join_requests")
    message = models.CharField(_("message"), max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"], condition=Q(status="pending"), name="one_pending_join_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.group}"
