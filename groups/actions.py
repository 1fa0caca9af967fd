"""Every write to community groups: creation, members and roles, invites, join requests, and the
organisations (mass organisations and employers) groups link to."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.actions import record
from core.errors import ActionError, PermissionDenied
from groups.models import (
    UNIT_GROUP_KINDS,
    CommunityGroup,
    GroupKind,
    GroupRole,
    Invite,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
)
from groups.permissions import (
    belongs_to_unit,
    can_change_organisation,
    can_link_organisation,
    can_manage_group,
    can_manage_organisations,
    can_request_to_join,
    can_set_role,
    can_view_group,
    can_view_organisation,
)
from people.models import Person
from people.permissions import can_manage_unit
from people.phones import normalize_phone
from places.models import Tier, Unit

# Which unit tier a unit-mirroring group must sit on.
KIND_TIER = {
    GroupKind.RESIDENTIAL_GROUP: Tier.RESIDENTIAL_GROUP,
    GroupKind.HAMLET: Tier.HAMLET,
    GroupKind.COMMUNE: Tier.COMMUNE,
}

INVITE_MAX_DAYS = 90
INVITE_MAX_USES = 1000


def access_group(person: Person, group_id: int, *, manage: bool = False) -> CommunityGroup:
    group = get_object_or_404(CommunityGroup.objects.select_related("unit"), pk=group_id)
    allowed = can_manage_group(person, group) if manage else can_view_group(person, group)
    if not allowed:
        raise PermissionDenied
    return group


def check_create_group(
    actor: Person, unit: Unit, *, name: str, kind: str, description: str = "", leader: Person | None = None
) -> CommunityGroup:
    if not can_manage_unit(actor, unit):
        raise PermissionDenied
    name = " ".join(name.split())
    if not name:
        raise ActionError(_("Enter the group's name."), code="required")
    if kind not in GroupKind.values:
        raise ActionError(_("Choose the kind of group."), code="kind")
    if kind in UNIT_GROUP_KINDS and unit.tier != KIND_TIER[GroupKind(kind)]:
        raise ActionError(
            _("A %(kind)s group must belong to a unit of that level."),
            code="tier",
            params={"kind": GroupKind(kind).label},
        )
    if unit.tier < Tier.COMMUNE:
        raise ActionError(_("Groups belong to a commune or a unit inside it."), code="tier")
    with transaction.atomic():
        group = CommunityGroup.objects.create(
            name=name, kind=kind, unit=unit, description=description, created_by=actor
        )
        record(actor, "group.created", group, unit=unit, name=name, kind=kind)
        if leader is not None:
            do_add_member(actor, group, leader, role=GroupRole.LEADER)
    return group


def do_add_member(
    actor: Person | None, group: CommunityGroup, person: Person, *, role: str = GroupRole.MEMBER
) -> Membership:
    """Make the person an active member (re-activating an old membership), without permission checks."""
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            group=group, person=person, defaults={"role": role, "added_by": actor}
        )
        if not created and membership.status != MembershipStatus.ACTIVE:
            membership.status, membership.role, membership.ended_at = MembershipStatus.ACTIVE, role, None
            membership.joined_at, membership.added_by = timezone.now(), actor
            membership.save()
        if created or membership.status == MembershipStatus.ACTIVE:
            record(actor, "group.member_added", group, unit=group.unit, person=person.pk, role=membership.role)
    return membership


def check_add_member(actor: Person, group: CommunityGroup, person: Person, role: str = GroupRole.MEMBER) -> Membership:
    if not can_manage_group(actor, group):
        raise PermissionDenied
    if role in (GroupRole.POLICE, GroupRole.STEERING) and not can_manage_unit(actor, group.unit):
        raise PermissionDenied
    return do_add_member(actor, group, person, role=role)


def check_set_role(actor: Person, membership: Membership, role: str) -> Membership:
    group = membership.group
    if role not in GroupRole.values:
        raise ActionError(_("Unknown role."), code="role")
    if not can_set_role(actor, membership, role):
        raise PermissionDenied
    with transaction.atomic():
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        record(actor, "group.role_changed", group, unit=group.unit, person=membership.person_id, old=old, new=role)
    return membership


def _end_membership(actor: Person, membership: Membership, status: str, verb: str, reason: str = "") -> Membership:
    if membership.status != MembershipStatus.ACTIVE:
        raise ActionError(_("This person is no longer a member."), code="not_member")
    with transaction.atomic():
        membership.status, membership.ended_at = status, timezone.now()
        membership.save(update_fields=["status", "ended_at"])
        record(actor, verb, membership.group, unit=membership.group.unit, reason=reason, person=membership.person_id)
    return membership


def check_leave_group(person: Person, group: CommunityGroup) -> Membership:
    membership = Membership.objects.filter(group=group, person=person).first()
    if membership is None:
        raise ActionError(_("You are not a member of this group."), code="not_member")
    return _end_membership(person, membership, MembershipStatus.LEFT, "group.member_left")


def check_remove_member(actor: Person, membership: Membership, reason: str = "") -> Membership:
    if not can_manage_group(actor, membership.group):
        raise PermissionDenied
    if membership.person_id == actor.pk:
        raise ActionError(_("Use “Leave group” to leave a group yourself."), code="self")
    return _end_membership(actor, membership, MembershipStatus.REMOVED, "group.member_removed", reason)


def check_create_invite(actor: Person, group: CommunityGroup, *, days: int = 7, max_uses: int = 50) -> Invite:
    if not can_manage_group(actor, group):
        raise PermissionDenied
    if not group.is_active:
        raise ActionError(_("This group is archived."), code="archived")
    if not 1 <= days <= INVITE_MAX_DAYS:
        raise ActionError(_("An invite lasts from 1 to %(max)d days."), code="days", params={"max": INVITE_MAX_DAYS})
    if not 1 <= max_uses <= INVITE_MAX_USES:
        raise ActionError(_("An invite can be used 1 to %(max)d times."), code="uses", params={"max": INVITE_MAX_USES})
    with transaction.atomic():
        invite = Invite.objects.create(
            group=group, created_by=actor, expires_at=timezone.now() + timedelta(days=days), max_uses=max_uses
        )
        record(actor, "group.invite_created", group, unit=group.unit, invite=invite.pk, days=days, max_uses=max_uses)
    return invite


def check_revoke_invite(actor: Person, invite: Invite) -> Invite:
    if not can_manage_group(actor, invite.group):
        raise PermissionDenied
    with transaction.atomic():
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
        record(actor, "group.invite_revoked", invite.group, unit=invite.group.unit, invite=invite.pk)
    return invite


def invite_problem(invite: Invite) -> str | None:
    """Why an invite cannot be used, in the user's language, or None."""
    if invite.revoked_at is not None:
        return str(_("This invite was withdrawn by the group leader."))
    if invite.expires_at <= timezone.now():
        return str(_("This invite has expired. Ask the group leader for a new one."))
    if invite.uses >= invite.max_uses:
        return str(_("This invite has been used the maximum number of times. Ask the group leader for a new one."))
    if not invite.group.is_active:
        return str(_("This group is archived."))
    return None


def check_join_with_invite(person: Person, token: str) -> Membership:
    """Join a group through an invite. Uses are counted atomically, so the cap holds under load."""
    invite = Invite.objects.select_related("group__unit").filter(token=token).first()
    if invite is None:
        raise ActionError(_("This invite link is not valid."), code="unknown")
    existing = Membership.objects.filter(group=invite.group, person=person, status=MembershipStatus.ACTIVE).first()
    if existing:
        return existing
    problem = invite_problem(invite)
    if problem:
        raise ActionError(problem, code="unusable")
    with transaction.atomic():
        try:
            taken = Invite.objects.filter(
                Q(pk=invite.pk, revoked_at__isnull=True, expires_at__gt=timezone.now(), uses__lt=F("max_uses"))
            ).update(uses=F("uses") + 1)
        except IntegrityError:
            taken = 0
        if not taken:
            raise ActionError(
                _("This invite has been used the maximum number of times. Ask the group leader for a new one."),
                code="exhausted",
            )
        membership = do_add_member(None, invite.group, person)
        record(person, "group.joined_by_invite", invite.group, unit=invite.group.unit, invite=invite.pk)
    return membership


def check_request_join(person: Person, group: CommunityGroup, message: str = "") -> JoinRequest:
    if not can_request_to_join(person, group):
        raise ActionError(_("You are already a member of this group."), code="member")
    pending = JoinRequest.objects.filter(group=group, person=person, status=JoinRequestStatus.PENDING).first()
    if pending:
        return pending
    with transaction.atomic():
        request = JoinRequest.objects.create(group=group, person=person, message=message[:300])
        record(person, "group.join_requested", group, unit=group.unit)
    return request


def check_decide_join_request(actor: Person, join_request: JoinRequest, *, approve: bool) -> JoinRequest:
    group = join_request.group
    if not can_manage_group(actor, group):
        raise PermissionDenied
    if join_request.status != JoinRequestStatus.PENDING:
        raise ActionError(_("This request was already decided."), code="decided")
    with transaction.atomic():
        join_request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.REJECTED
        join_request.decided_by, join_request.decided_at = actor, timezone.now()
        join_request.save(update_fields=["status", "decided_by", "decided_at"])
        if approve:
            do_add_member(actor, group, join_request.person)
        record(actor, f"group.join_{join_request.status}", group, unit=group.unit, person=join_request.person_id)
    return join_request


# -- organisations -------------------------------------------------------------------------------


def access_organisation(person: Person, organisation_id: int, *, manage: bool = False) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.select_related("unit", "contact"), pk=organisation_id)
    allowed = can_change_organisation(person, organisation) if manage else can_view_organisation(person, organisation)
    if not allowed:
        raise PermissionDenied
    return organisation


def resolve_contact(unit: Unit, name: str, phone: str) -> tuple[Person | None, str, str]:
    """(contact person, free-text name, free-text phone) from what was typed: a phone number that
    belongs to a person of the unit links them; a number nobody uses is kept as text."""
    name = " ".join(name.split())[:150]
    if not phone.strip():
        return None, name, ""
    e164 = normalize_phone(phone)
    person = Person.objects.select_related("household__residential_group").filter(phone=e164).first()
    if person is None:
        return None, name, e164
    if not belongs_to_unit(person, unit):
        raise ActionError(
            _("%(name)s does not live in %(unit)s nor belong to one of its groups."),
            code="contact_elsewhere",
            params={"name": person, "unit": unit.name},
        )
    return person, "", ""


def check_save_organisation(
    actor: Person,
    unit: Unit,
    *,
    name: str,
    kind: str,
    contact_name: str = "",
    contact_phone: str = "",
    is_active: bool = True,
    organisation: Organisation | None = None,
) -> Organisation:
    """Create an organisation of the unit, or change one (`organisation`), audited either way."""
    if organisation is not None:
        unit = organisation.unit
    allowed = can_change_organisation(actor, organisation) if organisation else can_manage_organisations(actor, unit)
    if not allowed:
        raise PermissionDenied
    name = " ".join(name.split())[:200]
    if not name:
        raise ActionError(_("Enter the organisation's name."), code="required")
    if kind not in OrganisationKind.values:
        raise ActionError(_("Choose the kind of organisation."), code="kind")
    namesakes = Organisation.objects.filter(unit=unit, name__iexact=name)
    if organisation is not None:
        namesakes = namesakes.exclude(pk=organisation.pk)
    if namesakes.exists():
        raise ActionError(
            _("%(unit)s already has an organisation of that name."), code="duplicate", params={"unit": unit.name}
        )
    contact, free_name, free_phone = resolve_contact(unit, contact_name, contact_phone)
    fields = {
        "name": name,
        "kind": kind,
        "contact": contact,
        "contact_name": free_name,
        "contact_phone": free_phone,
        "is_active": is_active,
    }
    with transaction.atomic():
        if organisation is None:
            organisation = Organisation.objects.create(unit=unit, created_by=actor, **fields)
            verb = "organisation.created"
        else:
            for field, value in fields.items():
                setattr(organisation, field, value)
            organisation.save()
            verb = "organisation.changed"
        record(
            actor,
            verb,
            organisation,
            unit=unit,
            name=name,
            kind=kind,
            contact=contact.pk if contact else None,
            active=is_active,
        )
    return organisation


def check_link_organisation(actor: Person, group: CommunityGroup, organisation: Organisation | None) -> CommunityGroup:
    """Link a group to its employer or organisation (None unlinks it)."""
    if not can_link_organisation(actor, group, organisation):
        raise PermissionDenied
    if organisation is not None and not organisation.is_active:
        raise ActionError(_("This organisation is no longer active."), code="inactive")
    with transaction.atomic():
        group.organisation = organisation
        group.save(update_fields=["organisation"])
        record(
            actor, "group.organisation_linked", group, unit=group.unit, organisation=getattr(organisation, "pk", None)
        )
    return group
