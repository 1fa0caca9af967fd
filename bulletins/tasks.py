from django.tasks import task

from bulletins.actions import do_publish


@task(queue_name="default")
def publish_scheduled(bulletin_id: int) -> bool:
    """Runs at the bulletin's publishing time; a cancelled or already published one is skipped."""
    return do_publish(bulletin_id) is not None
