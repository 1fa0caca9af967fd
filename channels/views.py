from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channels import actions
from core.errors import ActionError

LINKABLE = ("zalo_oa", "zalo_bot", "telegram")


@login_required
def link(request):
    code = actions.do_create_link_code(request.user) if request.method == "POST" else None
    unit = actions.home_unit(request.user)
    configs = []
    if unit is not None:
        found = (actions.config_for_unit(unit, slug) for slug in LINKABLE)
        configs = [config for config in found if config is not None]
    context = {"code": code, "configs": configs, "identities": actions.linked_identities(request.user)}
    return render(request, "channels/link.html", context)


@login_required
@require_POST
def unlink(request, identity_id: int):
    try:
        actions.check_unlink_identity(request.user, identity_id)
    except ActionError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The account is no longer linked."))
    return redirect("channels:link")
