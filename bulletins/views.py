from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bulletins import actions
from bulletins.audience import audience_of
from bulletins.forms import BulletinForm, ModerationForm, MuteForm, PostForm, ReplyForm, ReshareForm, visible_template_q
from bulletins.models import BulletinStatus, BulletinTemplate, Post, PostReply
from bulletins.permissions import (
    can_manage_bulletin,
    can_moderate,
    can_post_to_group,
    can_publish,
    can_reply,
    can_reshare,
    can_see_post,
)
from bulletins.queries import managed_bulletins, post_replies, received_bulletins
from core.errors import PermissionDenied
from delivery.actions import do_mark_notice_read
from delivery.reach import reach, reach_by_group
from groups import lostfound
from groups.actions import access_group
from groups.models import Membership
from groups.permissions import active_membership
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
    membership = active_membership(request.user, group)
    if membership is not None and membership.is_muted:
        context = {"group": group, "muted_until": membership.muted_until}
        return render(request, "bulletins/post_form.html", context, status=403)
    if not can_post_to_group(request.user, group):
        raise PermissionDenied
    form = PostForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = actions.check_create_post(
                request.user, group, form.cleaned_data["text"], form.cleaned_data.get("photo")
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Posted to %(group)s.") % {"group": group.name})
            return redirect("bulletins:post", post.pk)
    return render(request, "bulletins/post_form.html", {"form": form, "group": group})


def _access_post(person, post_id: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("group__unit", "author"), pk=post_id)
    if not can_see_post(person, post):
        raise PermissionDenied
    return post


@login_required
def post_detail(request, post_id: int):
    post = _access_post(request.user, post_id)
    if post.notice is not None:
        do_mark_notice_read(request.user, post.notice)
    allowed = can_reshare(request.user, post)
    desk = lostfound.desk()
    moderator = can_moderate(request.user, post.group)
    membership = active_membership(request.user, post.group)
    return render(
        request,
        "bulletins/post.html",
        {
            "post": post,
            "replies": post_replies(post, request.user, moderator),
            "can_reply": can_reply(request.user, post),
            "muted_until": membership.muted_until if membership and membership.is_muted else None,
            "reply_form": ReplyForm(),
            "moderator": moderator,
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


@login_required
@require_POST
def reply(request, post_id: int):
    post = _access_post(request.user, post_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            made = actions.check_reply(request.user, post, form.cleaned_data["text"], form.cleaned_data.get("photo"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect(reverse("bulletins:post", args=[post.pk]) + f"#reply-{made.pk}")
    else:
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    return redirect("bulletins:post", post.pk)


@login_required
@require_POST
def moderate(request, post_id: int):
    post = _access_post(request.user, post_id)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        return redirect("bulletins:post", post.pk)
    reply_id = form.cleaned_data.get("reply")
    item = get_object_or_404(PostReply, pk=reply_id, post=post) if reply_id else post
    try:
        actions.check_moderate(request.user, item, form.cleaned_data["moderation"], form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Done. It is recorded with your reason."))
    return redirect("bulletins:post", post.pk)


def _photo_response(item) -> FileResponse:
    if not item.photo:
        raise Http404
    response = FileResponse(item.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def post_photo(request, post_id: int):
    post = _access_post(request.user, post_id)
    return _photo_response(post)


@login_required
def reply_photo(request, reply_id: int):
    item = get_object_or_404(PostReply.objects.select_related("post__group"), pk=reply_id)
    _access_post(request.user, item.post_id)
    if not item.is_visible and not (item.author_id == request.user.pk or can_moderate(request.user, item.post.group)):
        raise PermissionDenied
    return _photo_response(item)


@login_required
@require_POST
def mute(request, group_id: int, membership_id: int):
    membership = get_object_or_404(
        Membership.objects.select_related("group__unit", "person"), pk=membership_id, group_id=group_id
    )
    try:
        if request.POST.get("unmute"):
            actions.check_unmute_member(request.user, membership)
            messages.success(request, _("%(name)s can post again.") % {"name": membership.person})
        else:
            form = MuteForm(request.POST)
            if not form.is_valid():
                raise ValidationError([m for errors in form.errors.values() for m in errors])
            actions.check_mute_member(
                request.user, membership, days=form.cleaned_data["days"], reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("%(name)s is muted; they were told why.") % {"name": membership.person})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("groups:detail", group_id=group_id)
