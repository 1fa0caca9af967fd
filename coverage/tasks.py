import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation

from core.errors import ActionError
from coverage.models import ImportStatus, UnitImport
from places.imports import import_units

logger = logging.getLogger(__name__)


@task(queue_name="imports")
def run_unit_import(import_id: int) -> None:
    """Process an uploaded file; the row-level outcome is stored on the UnitImport for its page."""
    with transaction.atomic():
        claimed = UnitImport.objects.filter(pk=import_id, status=ImportStatus.PENDING).update(
            status=ImportStatus.RUNNING
        )
    if not claimed:
        return
    job = UnitImport.objects.select_related("commune", "uploaded_by").get(pk=import_id)
    assert job.uploaded_by is not None, "imports are started by a person"
    language = job.uploaded_by.language if job.uploaded_by else "vi"
    with translation.override(language):
        try:
            result = import_units(job.uploaded_by, job.commune, job.filename, bytes(job.content))
        except ActionError as error:
            job.status, job.errors = ImportStatus.REJECTED, [[0, " ".join(error.messages)]]
        except Exception:
            logger.exception("unit import %s failed", import_id)
            job.status, job.errors = (
                ImportStatus.FAILED,
                [[0, translation.gettext("An unexpected error stopped the import.")]],
            )
        else:
            job.status = ImportStatus.DONE if result.ok else ImportStatus.REJECTED
            job.errors = [[number, reason] for number, reason in result.errors]
            job.created_count = len(result.created)
            job.declared_count = len(result.declared)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "created_count", "declared_count", "finished_at"])
