from django.db import models


class ScheduledRun(models.Model):
    """One run of a periodic job in one period, claimed by the scheduler that enqueued it.

    The unique (job, period) row is how any number of schedulers on any number of machines agree
    that each run is enqueued once (docs/tasks.md, "The scheduler")."""

    job = models.CharField(max_length=100)
    period = models.CharField(max_length=40)
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="one_run_per_job_and_period")]
        ordering = ["-enqueued_at"]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
