from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "channels"
    verbose_name = _("Messaging channels")

    def ready(self) -> None:
        from channels import delivery  # noqa: F401 — connects the delivery receipt receiver
