from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        from core.metrics import register_collector
        from delivery import receivers  # noqa: F401 — connects the channels app's signals
        from delivery.metrics import collect

        register_collector(collect)
