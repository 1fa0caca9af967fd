from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.errors import PermissionDenied
from core.forms import form_errors_text
from coverage.reach import children_coverage, coverage_of, reachable_people
from coverage.stats import groups_and_members
from groups.actions import check_create_group
from groups.forms import GroupForm
from groups.models import MembershipStatus
from people.permissions import can_manage_unit, can_view_unit, mandate_paths
from places.actions import check_create_unit, check_rename_unit, check_set_neighbours, check_start_unit_import
from places.forms import ChildUnitForm, ImportForm
from places.models import CHILD_KINDS, ImportStatus, Tier, Unit, UnitImport


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
    return render(request, "places/mine.html", {"units": units})


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
    }
    if manage and Tier(unit.tier) in CHILD_KINDS:
        context["child_form"] = ChildUnitForm(kinds=CHILD_KINDS[Tier(unit.tier)])
    if manage and unit.tier >= Tier.COMMUNE:
        context["group_form"] = GroupForm()
    if manage and unit.tier == Tier.COMMUNE:
        context["import_form"] = ImportForm()
        context["imports"] = unit.imports.all()[:5]
    return render(request, "places/detail.html", context)


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
    return redirect("places:detail", code=unit.code)


@login_required
@require_POST
def rename(request, code: str):
    unit = access_unit(request.user, code, manage=True)
    try:
        check_rename_unit(request.user, unit, request.POST.get("name", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("places:detail", code=unit.code)


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
    return redirect("places:detail", code=unit.code)


@login_required
@require_POST
def start_import(request, code: str):
    unit = access_unit(request.user, code, manage=True)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect("places:detail", code=unit.code)
    upload = form.cleaned_data["file"]
    try:
        job = check_start_unit_import(request.user, unit, upload.name, upload.read())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("places:detail", code=unit.code)
    return redirect("places:import_status", code=unit.code, import_id=job.pk)


@login_required
def import_status(request, code: str, import_id: int):
    unit = access_unit(request.user, code, manage=True)
    job = get_object_or_404(UnitImport, pk=import_id, commune=unit)
    finished = job.status not in (ImportStatus.PENDING, ImportStatus.RUNNING)
    template = "places/_import_status.html" if request.htmx else "places/import_status.html"
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
        return redirect("places:detail", code=unit.code)
    try:
        check_set_neighbours(request.user, unit, neighbours)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("places:detail", code=unit.code)
