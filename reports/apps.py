from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from reports.maplayer import ReportsLayer
        from reports.metrics import ReportsProvider
        from steering.mapdata import register_layer
        from steering.metrics import register

        register(ReportsProvider())
        register_layer(ReportsLayer())

        from channels.signals import message_received
        from reports.actions.chat import on_message_received

        message_received.connect(on_message_received, dispatch_uid="reports.chat")
