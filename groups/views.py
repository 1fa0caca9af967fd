import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import PermissionDenied
from groups import actions
from groups.forms import InviteForm, JoinRequestForm, OrganisationForm, RoleForm
from groups.models import (
    CommunityGroup,
    GroupRole,
    Invite,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
    Organisation,
)
from groups.permissions import (
    active_membership,
    can_change_organisation,
    can_link_organisation,
    can_manage_group,
    can_manage_organisations,
    can_moderate_conversation,
    can_request_to_join,
    grantable_roles,
    phone_visible_ids,
)
from groups.queries import (
    group_members,
    groups_nearby,
    linkable_organisations,
    my_memberships,
    organisation_groups,
    organisations_under,
    pending_join_requests,
)
from places.models import Unit


@login_required
def my_groups(request):
    memberships = my_memberships(request.user)
    pending = pending_join_requests(request.user)
    nearby = groups_nearby(request.user, memberships, pending)
    return render(request, "groups/mine.html", {"memberships": memberships, "pending": pending, "nearby": nearby})


@login_required
def group_detail(request, group_id: int):
    group = get_object_or_404(CommunityGroup.objects.select_related("unit__parent", "organisation"), pk=group_id)
    membership = active_membership(request.user, group)
    manage = can_manage_group(request.user, group)
    if membership is None and not manage:
        form = JoinRequestForm()
        pending = JoinRequest.objects.filter(
            group=group, person=request.user, status=JoinRequestStatus.PENDING
        ).exists()
        return render(
            request,
            "groups/outsider.html",
            {"group": group, "form": form, "pending": pending, "can_request": can_request_to_join(request.user, group)},
            status=403 if not group.is_active else 200,
        )
    query = request.GET.get("q", "").strip()
    found = group_members(group, query)
    people = [m.person for m in found.shown]
    visible_phones = {p.pk for p in people} if manage else phone_visible_ids(request.user, people)
    grantable = grantable_roles(request.user, group)
    may_link = can_link_organisation(request.user, group, None)
    context: dict[str, object] = {
        "group": group,
        "membership": membership,
        "manage": manage,
        "moderate": can_moderate_conversation(request.user, group),
        "members": found.shown,
        "member_total": found.total,
        "listed_total": found.matching,
        "query": query,
        "visible_phones": visible_phones,
        "grantable": grantable,
        "organisation_link": may_link,
        "role_choices": [(value, label) for value, label in GroupRole.choices if value in grantable],
    }
    if manage:
        invites = []
        for invite in group.invites.all():
            if invite.is_usable:
                url = request.build_absolute_uri(reverse("groups:join", args=[invite.token]))
                invites.append({"invite": invite, "url": url, "qr_svg": segno.make(url, error="m").svg_inline(scale=3)})
        if may_link:
            context["organisations"] = linkable_organisations(group)
        context.update(
            invites=invites,
            invite_form=InviteForm(),
            join_requests=group.join_requests.filter(status=JoinRequestStatus.PENDING).select_related("person"),
        )
    return render(request, "groups/detail.html", context)


@login_required
@require_POST
def create_invite(request, group_id: int):
    group = actions.access_group(request.user, group_id, manage=True)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            actions.check_create_invite(request.user, group, **form.cleaned_data)
            messages.success(request, _("Invite created. Share the link or let people scan the QR code."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Check the invite's duration and number of uses."))
    return redirect("groups:detail", group_id=group.pk)


@login_required
@require_POST
def revoke_invite(request, group_id: int, invite_id: int):
    group = actions.access_group(request.user, group_id, manage=True)
    invite = get_object_or_404(Invite, pk=invite_id, group=group)
    actions.check_revoke_invite(request.user, invite)
    messages.success(request, _("Invite withdrawn."))
    return redirect("groups:detail", group_id=group.pk)


def join(request, token: str):
    """The page an invite link or QR code opens. Signing in comes back here."""
    invite = Invite.objects.select_related("group__unit__parent").filter(token=token).first()
    problem = actions.invite_problem(invite) if invite else _("This invite link is not valid.")
    if request.method == "POST" and invite is not None and request.user.is_authenticated and not problem:
        try:
            actions.check_join_with_invite(request.user, token)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, _("Welcome to %(group)s!") % {"group": invite.group.name})
            return redirect("groups:detail", group_id=invite.group.pk)
    already = bool(invite and request.user.is_authenticated and active_membership(request.user, invite.group))
    return render(
        request,
        "groups/join.html",
        {"invite": invite, "problem": problem, "already": already},
        status=410 if problem and invite else (404 if not invite else 200),
    )


@login_required
@require_POST
def request_join(request, group_id: int):
    group = get_object_or_404(CommunityGroup, pk=group_id)
    form = JoinRequestForm(request.POST)
    form.is_valid()
    try:
        actions.check_request_join(request.user, group, form.cleaned_data.get("message", ""))
        messages.success(request, _("Your request was sent to the group leader."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("groups:detail", group_id=group.pk)


@login_required
@require_POST
def decide_join_request(request, group_id: int, request_id: int):
    group = actions.access_group(request.user, group_id, manage=True)
    join_request = get_object_or_404(JoinRequest, pk=request_id, group=group)
    try:
        actions.check_decide_join_request(request.user, join_request, approve=request.POST.get("decision") == "approve")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("groups:detail", group_id=group.pk)


@login_required
@require_POST
def leave(request, group_id: int):
    group = get_object_or_404(CommunityGroup, pk=group_id)
    try:
        actions.check_leave_group(request.user, group)
        messages.success(request, _("You left %(group)s.") % {"group": group.name})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("groups:mine")


@login_required
@require_POST
def remove_member(request, group_id: int, membership_id: int):
    group = actions.access_group(request.user, group_id, manage=True)
    membership = get_object_or_404(Membership, pk=membership_id, group=group)
    try:
        actions.check_remove_member(request.user, membership, request.POST.get("reason", ""))
        messages.success(request, _("%(name)s was removed from the group.") % {"name": membership.person})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("groups:detail", group_id=group.pk)


@login_required
@require_POST
def set_role(request, group_id: int, membership_id: int):
    group = actions.access_group(request.user, group_id, manage=True)
    membership = get_object_or_404(Membership, pk=membership_id, group=group, status=MembershipStatus.ACTIVE)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            actions.check_set_role(request.user, membership, form.cleaned_data["role"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("groups:detail", group_id=group.pk)


@login_required
@require_POST
def link_organisation(request, group_id: int):
    group = actions.access_group(request.user, group_id, manage=True)
    chosen = request.POST.get("organisation", "")
    organisation = get_object_or_404(Organisation, pk=chosen) if chosen.isdigit() else None
    try:
        actions.check_link_organisation(request.user, group, organisation)
        messages.success(request, _("Saved."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("groups:detail", group_id=group.pk)


# -- organisations -------------------------------------------------------------------------------


def _managed_unit(person, code: str) -> Unit:
    unit = get_object_or_404(Unit, code=code)
    if not can_manage_organisations(person, unit):
        raise PermissionDenied
    return unit


@login_required
def organisations(request, code: str):
    """The mass organisations and employers of a unit, and those with a group inside it."""
    unit = _managed_unit(request.user, code)
    context = {"unit": unit, "organisations": organisations_under(unit), "ancestors": unit.ancestors()}
    return render(request, "groups/organisations.html", context)


def _save_organisation(request, form: OrganisationForm, unit: Unit, organisation: Organisation | None = None):
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.check_save_organisation(request.user, unit, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Organisation saved."))
            return redirect("groups:organisation", saved.pk)
    return render(request, "groups/organisation_form.html", {"unit": unit, "form": form, "organisation": organisation})


@login_required
def organisation_new(request, code: str):
    unit = _managed_unit(request.user, code)
    return _save_organisation(request, OrganisationForm(request.POST or None), unit)


@login_required
def organisation_edit(request, organisation_id: int):
    organisation = actions.access_organisation(request.user, organisation_id, manage=True)
    contact = organisation.contact
    initial = {
        "name": organisation.name,
        "kind": organisation.kind,
        "contact_name": contact.full_name if contact else organisation.contact_name,
        "contact_phone": contact.display_phone if contact else organisation.contact_phone,
        "is_active": organisation.is_active,
    }
    form = OrganisationForm(request.POST or None, initial=initial)
    return _save_organisation(request, form, organisation.unit, organisation)


@login_required
def organisation_detail(request, organisation_id: int):
    """An organisation, its contact and its groups (an employer's, across communes) the viewer may see."""
    organisation = actions.access_organisation(request.user, organisation_id)
    groups = list(organisation_groups(organisation, request.user))
    context = {
        "organisation": organisation,
        "groups": groups,
        "member_total": sum(group.member_count for group in groups if group.is_active),  # type: ignore[attr-defined]
        "can_change": can_change_organisation(request.user, organisation),
    }
    return render(request, "groups/organisation.html", context)
