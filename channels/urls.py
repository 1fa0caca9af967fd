from importlib import import_module

from django.urls import URLPattern, path

from channels import views
from channels.registry import configurable_types

app_name = "channels"


def webhook_patterns() -> list[URLPattern]:
    """/hooks/<path>/ for every enabled type whose folder has a webhook view (ZNS shares the OA's), also
    under its hyphenated spelling (/hooks/zalo-oa/ is /hooks/zalo_oa/)."""
    patterns = []
    for slug, channel_type in configurable_types().items():
        module_name = f"channels.types.{slug}.views"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        hook = channel_type.webhook_path or slug
        patterns.append(path(f"hooks/{hook}/", module.webhook, name=f"hook_{slug}"))
        # The slug is written with underscores everywhere; the hyphenated spelling names the same hook.
        if "_" in hook:
            hyphenated = hook.replace("_", "-")
            patterns.append(path(f"hooks/{hyphenated}/", module.webhook, name=f"hook_{slug}_hyphenated"))
    return patterns


urlpatterns = [
    path("channels/link/", views.link, name="link"),
    path("channels/link/<int:identity_id>/unlink/", views.unlink, name="unlink"),
    *webhook_patterns(),
]
