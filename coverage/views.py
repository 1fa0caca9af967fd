"""The pages of a unit and of its households: coverage, groups, households, and the forms that
manage them. They compose places, people and groups, so they live here, above all three."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import PermissionDenied
from core.forms import form_errors_text
from coverage.actions import (
    check_create_unit,
    check_declare_households,
    check_enroll_member,
    check_register_household,
    check_remove_household_member,
    check_rename_unit,
    check_set_neighbours,
    check_set_relay,
    check_set_smartphone,
    check_start_unit_import,
    check_update_household,
)
from coverage.forms import ChildUnitForm, HouseholdForm, ImportForm, MemberForm
from coverage.models import ImportStatus, UnitImport
from coverage.reach import children_coverage, coverage_of, reachable_people
from coverage.stats import groups_and_members
from groups.actions import check_create_group
from groups.forms import GroupForm
from groups.models import MembershipStatus
from groups.permissions import can_manage_household, can_see_phone_of, can_view_household, can_view_unit
from people.models import Household, Person
from people.permissions import can_manage_unit, mandate_paths
from places.models import CHILD_KINDS, Tier, Unit


def access_unit(person, code: str, *, manage: bool = False) -> Unit:
    unit = get_object_or_404(Unit.objects.select_related("parent"), code=code)
    if not (can_manage_unit(person, unit) if manage else can_view_unit(person, unit)):
        raise PermissionDenied
    return unit


@login_required
def my_units(request):
    paths = mandate_paths(request.user)
    units = Unit.objects.filter(path__in=paths).select_related("parent") if paths else Unit.objects.none()
    if request.user.is_superuser and not paths:
        units = Unit.objects.filter(tier=Tier.PROVINCE)
    if not units.exists() and not request.user.is_superuser:
        raise PermissionDenied
    return render(request, "coverage/my_units.html", {"units": units})


@login_required
def unit_detail(request, code: str):
    unit = access_unit(request.user, code)
    manage = can_manage_unit(request.user, unit)
    children = children_coverage(unit)
    own = coverage_of(unit)[0]
    groups_by_kind, member_count = groups_and_members(unit)
    groups = unit.community_groups.filter(is_active=True).annotate(
        member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
    )
    households = unit.households.annotate(
        member_count=Count("members"), is_covered=Exists(reachable_people().filter(household=OuterRef("pk")))
    ).order_by("is_covered", "address")
    if unit.tier != Tier.RESIDENTIAL_GROUP:
        households = households.none()
    context = {
        "unit": unit,
        "ancestors": unit.ancestors().exclude(pk=unit.pk),
        "manage": manage,
        "coverage": own,
        "subtree_groups": sum(groups_by_kind.values()),
        "subtree_members": member_count,
        "children": children,
        "groups": groups,
        "households": households,
        "neighbours": unit.neighbours.all(),
        "can_declare": unit.tier == Tier.RESIDENTIAL_GROUP
        and can_manage_household(request.user, Household(residential_group=unit)),
    }
    if manage and Tier(unit.tier) in CHILD_KINDS:
        context["child_form"] = ChildUnitForm(kinds=CHILD_KINDS[Tier(unit.tier)])
    if manage and unit.tier >= Tier.COMMUNE:
        context["group_form"] = GroupForm()
    if manage and unit.tier == Tier.COMMUNE:
        context["import_form"] = ImportForm()
        context["imports"] = unit.imports.all()[:5]
    return render(request, "coverage/unit.html", context)


@login_required
@require_POST
def create_child(request, code: str):
    unit = access_unit(request.user, code, manage=True)
    form = ChildUnitForm(request.POST, kinds=CHILD_KINDS.get(Tier(unit.tier), []))
    if form.is_valid():
        try:
            child = check_create_unit(request.user, unit, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{child.get_kind_display()} {child.name} ✓")
    else:
        messages.error(request, form_errors_text(form))
    return redirect("coverage:unit", code=unit.code)


@login_required
@require_POST
def rename_unit(request, code: str):
    unit = access_unit(request.user, code, manage=True)
    try:
        check_rename_unit(request.user, unit, request.POST.get("name", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("coverage:unit", code=unit.code)


@login_required
@require_POST
def declare_households(request, code: str):
    unit = access_unit(request.user, code)
    raw = request.POST.get("declared_households", "").strip()
    try:
        total = int(raw) if raw else None
    except ValueError:
        messages.error(request, _("Type the number of households."))
        return redirect("coverage:unit", code=unit.code)
    try:
        check_declare_households(request.user, unit, total)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Household total saved."))
    return redirect("coverage:unit", code=unit.code)


@login_required
@require_POST
def create_group(request, code: str):
    unit = access_unit(request.user, code, manage=True)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            group = check_create_group(request.user, unit, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("groups:detail", group_id=group.pk)
    return redirect("coverage:unit", code=unit.code)


@login_required
@require_POST
def start_import(request, code: str):
    unit = access_unit(request.user, code, manage=True)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect("coverage:unit", code=unit.code)
    upload = form.cleaned_data["file"]
    try:
        job = check_start_unit_import(request.user, unit, upload.name, upload.read())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("coverage:unit", code=unit.code)
    return redirect("coverage:import_status", code=unit.code, import_id=job.pk)


@login_required
def import_status(request, code: str, import_id: int):
    unit = access_unit(request.user, code, manage=True)
    job = get_object_or_404(UnitImport, pk=import_id, commune=unit)
    finished = job.status not in (ImportStatus.PENDING, ImportStatus.RUNNING)
    template = "coverage/_import_status.html" if request.htmx else "coverage/import_status.html"
    return render(request, template, {"unit": unit, "job": job, "finished": finished})


@login_required
@require_POST
def set_neighbours(request, code: str):
    unit = access_unit(request.user, code, manage=True)
    codes = [c.strip() for c in request.POST.get("codes", "").replace(";", ",").split(",") if c.strip()]
    neighbours = list(Unit.objects.filter(code__in=codes))
    unknown = set(codes) - {n.code for n in neighbours}
    if unknown:
        messages.error(request, ", ".join(sorted(unknown)) + " ?")
        return redirect("coverage:unit", code=unit.code)
    try:
        check_set_neighbours(request.user, unit, neighbours)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("coverage:unit", code=unit.code)


def _access_household(person: Person, household_id: int) -> Household:
    household = get_object_or_404(Household.objects.select_related("residential_group__parent"), pk=household_id)
    if not can_view_household(person, household):
        raise PermissionDenied
    return household


@login_required
def household(request, household_id: int):
    household = _access_household(request.user, household_id)
    manage = can_manage_household(request.user, household)
    form = MemberForm(request.POST or None) if manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            check_enroll_member(request.user, household, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Member added."))
            return redirect("coverage:household", household_id=household.pk)
    members = list(household.members.select_related("relay").order_by("-has_smartphone", "full_name"))
    visible_phones = {member.pk for member in members if can_see_phone_of(request.user, member)}
    relay_choices = [m for m in members if m.has_smartphone and m.phone and m.relay_id is None]
    return render(
        request,
        "coverage/household.html",
        {
            "household": household,
            "members": members,
            "visible_phones": visible_phones,
            "manage": manage,
            "form": form,
            "relay_choices": relay_choices,
        },
    )


@login_required
@require_POST
def update_household(request, household_id: int):
    household = _access_household(request.user, household_id)
    form = HouseholdForm(request.POST)
    if form.is_valid():
        try:
            check_update_household(request.user, household, address=form.cleaned_data["address"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("coverage:household", household_id=household.pk)


@login_required
@require_POST
def remove_member(request, household_id: int, person_id: int):
    household = _access_household(request.user, household_id)
    person = get_object_or_404(Person, pk=person_id, household=household)
    try:
        check_remove_household_member(request.user, person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is no longer in this household.") % {"name": person.full_name})
    return redirect("coverage:household", household_id=household.pk)


@login_required
@require_POST
def set_relay(request, household_id: int, person_id: int):
    household = _access_household(request.user, household_id)
    person = get_object_or_404(Person, pk=person_id, household=household)
    relay_id = request.POST.get("relay")
    relay = get_object_or_404(Person, pk=relay_id) if relay_id else None
    try:
        if relay is not None:
            check_set_smartphone(request.user, person, has_smartphone=False)
        check_set_relay(request.user, person, relay)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Relay saved."))
    return redirect("coverage:household", household_id=household.pk)


@login_required
def household_create(request, unit_code: str):
    unit = get_object_or_404(Unit, code=unit_code)
    form = HouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            household = check_register_household(request.user, unit, form.cleaned_data["address"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("coverage:household", household_id=household.pk)
    probe = Household(residential_group=unit)
    if not can_manage_household(request.user, probe):
        raise PermissionDenied
    return render(request, "coverage/household_create.html", {"form": form, "unit": unit})
