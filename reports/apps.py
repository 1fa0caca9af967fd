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
        from delivery.signals import chat_reply_attempted
        from reports.actions.chat.conversation import on_message_received
        from reports.actions.chat.replies import on_chat_reply_attempted

        message_received.connect(on_message_received, dispatch_uid="reports.chat")
        chat_reply_attempted.connect(on_chat_reply_attempted, dispatch_uid="reports.chat_reply")

        from groups.lostfound import register_desk
        from reports.actions.community import ReportsDesk

        register_desk(ReportsDesk())

        from duty.sweep import register as register_sweeper
        from reports.alerting import escalate_overdue

        register_sweeper(escalate_overdue)
