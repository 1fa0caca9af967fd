from django.tasks import task

from channels.actions import do_process_inbound_event


@task(queue_name="default")
def process_inbound_event(event_id: int) -> None:
    """Handle a stored webhook event: link, answer, record receipts and follows (docs/channels.md)."""
    do_process_inbound_event(event_id)
