from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from reports.metrics import ReportsProvider
        from steering.metrics import register

        register(ReportsProvider())

        from channels.signals import message_received
        from reports.actions.chat import on_message_received

        message_received.connect(on_message_received, dispatch_uid="reports.chat")
