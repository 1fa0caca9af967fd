"""What coverage keeps of its own: the jobs that import a commune's hamlets and residential groups."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from places.models import Unit


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Rejected: nothing saved")
    FAILED = "failed", _("Failed")


class UnitImport(models.Model):
    """One uploaded file of hamlets and residential groups, processed by a background task."""

    commune = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, related_name="+")
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    created_count = models.PositiveIntegerField(default=0)
    declared_count = models.PositiveIntegerField(default=0)  # existing units given a household total or a place
    errors = models.JSONField(default=list, blank=True, help_text="[[row number, reason], …]")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("unit import")
        verbose_name_plural = _("unit imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
