from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from reports.metrics import ReportsProvider
        from steering.metrics import register

        register(ReportsProvider())
