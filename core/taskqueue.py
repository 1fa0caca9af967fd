"""The Redis task backend, adjusted for Django's built-in `django.tasks` (docs/fanout.md).

django-tasks-rq builds on the `django_tasks` backport, whose base backend refuses any task that
sets a priority ("Backend does not support setting priority of tasks"), so a single
`@task(priority=…)` in the project stopped every module from importing once REDIS_URL was set.
RQ has no numeric priorities; the backend already puts the highest-priority tasks at the front
of their queue, and separate queues (`urgent`) carry the rest.
"""

from django_tasks_rq import RQBackend as _RQBackend
from rq import Worker as _Worker

# The worker must run jobs with this class (`rqworker --job-class …`, or settings.RQ), or every task fails.
JOB_CLASS = "django_tasks_rq.backend.Job"


class Worker(_Worker):
    """RQ's worker, logging each job by its id only. RQ logs a job's description, the task's call
    with its arguments, which carry phone numbers and sign-in codes into the logs (the task itself
    is named by Django's own "Task id=… path=… state=…" lines, without arguments)."""

    def __init__(self, *args, **kwargs):
        kwargs["log_job_description"] = False
        super().__init__(*args, **kwargs)


class RQBackend(_RQBackend):
    supports_priority = True
