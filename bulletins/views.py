from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bulletins import actions
from bulletins.audience import audience_of
from bulletins.forms import BulletinForm, PostForm, ReshareForm, visible_template_q
from bulletins.models import BulletinStatus, BulletinTemplate, Post
from bulletins.permissions import can_manage_bulletin, can_publish, can_reshare
from bulletins.queries import managed_bulletins, received_bulletins
from core.errors import PermissionDenied
from delivery.actions import do_mark_notice_read
from delivery.reach import reach, reach_by_group
from groups import lostfound
from groups.actions import access_group
from groups.permissions import can_view_group
from places.models import Unit

GROUPS_SHOWN = 40


def _add_errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@login_required
def bulletin_list(request):
    person = request.user
    received = received_bulletins(person)
    managed = managed_bulletins(person) if can_publish(person) else []
    return render(
        request,
        "bulletins/list.html",
        {"received": received, "managed": managed, "can_publish": can_publish(person)},
    )


@login_required
def compose(request):
    person = request.user
    if not can_publish(person):
        raise PermissionDenied
    template = None
    template_id = request.GET.get("template") or request.POST.get("template")
    if template_id and str(template_id).isdigit():
        template = BulletinTemplate.objects.filter(visible_template_q(person), pk=int(template_id)).first()
    if request.method == "POST":
        form = BulletinForm(request.POST, person=person)
        if form.is_valid():
            data = form.cleaned_data
            try:
                bulletin = actions.check_publish_bulletin(
                    person,
                    title=data["title"],
                    body_html=data["body"],
                    category=data["category"],
                    audience=form.audience(),
                    attachments=request.FILES.getlist("attachments"),
                    publish_at=data["publish_at"],
                    urgent=data["urgent"],
                    template=template,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if bulletin.status == BulletinStatus.SCHEDULED:
                    messages.success(request, _("The bulletin is scheduled."))
                else:
                    messages.success(
                        request,
                        _("Published to %(n)s people.")
                        % {"n": bulletin.notice.recipient_count if bulletin.notice else 0},
                    )
                return redirect("bulletins:detail", bulletin.pk)
    else:
        initial = {}
        if template is not None:
            initial = {
                "title": template.title,
                "body": template.body_html,
                "category": template.category,
                "template": template.pk,
            }
        form = BulletinForm(initial=initial, person=person)
    status = 400 if request.method == "POST" else 200  # a refused form: errors shown, nothing published
    return render(request, "bulletins/compose.html", {"form": form, "template": template}, status=status)


@login_required
def template_library(request):
    if not can_publish(request.user):
        raise PermissionDenied
    templates = BulletinTemplate.objects.filter(visible_template_q(request.user))
    return render(request, "bulletins/templates.html", {"templates": templates})


@login_required
def detail(request, bulletin_id: int):
    bulletin = actions.access_bulletin(request.user, bulletin_id)
    if bulletin.notice is not None:
        do_mark_notice_read(request.user, bulletin.notice)
    context: dict[str, object] = {"bulletin": bulletin, "attachments": bulletin.attachments.all()}
    if can_manage_bulletin(request.user, bulletin):
        context["manage"] = True
        if bulletin.notice is not None:
            groups = list(audience_of(bulletin).resolve().select_related("unit"))
            by_group = reach_by_group(bulletin.notice, groups)
            context["reach"] = reach(bulletin.notice)
            context["group_reach"] = by_group[:GROUPS_SHOWN]
            context["more_groups"] = max(0, len(by_group) - GROUPS_SHOWN)
    return render(request, "bulletins/detail.html", context)


@login_required
@require_POST
def cancel(request, bulletin_id: int):
    bulletin = actions.access_bulletin(request.user, bulletin_id, manage=True)
    try:
        actions.check_cancel_scheduled(request.user, bulletin)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The scheduled bulletin is cancelled."))
    return redirect("bulletins:detail", bulletin.pk)


@login_required
def attachment(request, bulletin_id: int, attachment_id: int):
    bulletin = actions.access_bulletin(request.user, bulletin_id)
    item = get_object_or_404(bulletin.attachments, pk=attachment_id)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    disposition = "inline" if item.kind == "image" or item.content_type == "application/pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="attachment-{item.pk}"'
    return response


@login_required
def create_post(request, group_id: int):
    group = access_group(request.user, group_id)
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = actions.check_create_post(request.user, group, form.cleaned_data["text"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Posted to %(group)s.") % {"group": group.name})
            return redirect("bulletins:post", post.pk)
    return render(request, "bulletins/post_form.html", {"form": form, "group": group})


def _access_post(person, post_id: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("group__unit", "author"), pk=post_id)
    if not (can_view_group(person, post.group) or can_reshare(person, post)):
        raise PermissionDenied
    return post


@login_required
def post_detail(request, post_id: int):
    post = _access_post(request.user, post_id)
    if post.notice is not None:
        do_mark_notice_read(request.user, post.notice)
    allowed = can_reshare(request.user, post)
    desk = lostfound.desk()
    return render(
        request,
        "bulletins/post.html",
        {
            "post": post,
            "can_reshare": allowed,
            "reshares": post.reshares.all(),
            "share_units": desk.share_choices(post.group.unit) if allowed else [],
            "lost_found_categories": [*desk.categories("found"), *desk.categories("lost")] if allowed else [],
        },
    )


@login_required
@require_POST
def reshare_lost_found(request, post_id: int):
    """Re-share a member's post about a lost or found item as the lost & found post it is."""
    post = _access_post(request.user, post_id)
    category = request.POST.get("category", "")
    kind = "found" if category.startswith("found_") else "lost"
    units = list(Unit.objects.filter(pk__in=[v for v in request.POST.getlist("units") if v.isdigit()]))
    try:
        code = actions.check_reshare_lost_found(request.user, post, kind=kind, category=category, units=units)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("bulletins:post", post.pk)
    messages.success(request, _("Shared as lost & found post %(code)s.") % {"code": code})
    return redirect("bulletins:post", post.pk)


@login_required
def reshare(request, post_id: int):
    post = _access_post(request.user, post_id)
    if not can_reshare(request.user, post):
        raise PermissionDenied
    form = ReshareForm(request.POST or None, person=request.user, initial={"title": post.text.split("\n")[0][:120]})
    if request.method == "POST" and form.is_valid():
        try:
            bulletin = actions.check_reshare_post(
                request.user,
                post,
                audience=form.audience(),
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Re-shared to %(n)s people.") % {"n": bulletin.notice.recipient_count if bulletin.notice else 0},
            )
            return redirect("bulletins:detail", bulletin.pk)
    return render(request, "bulletins/reshare.html", {"form": form, "post": post})
