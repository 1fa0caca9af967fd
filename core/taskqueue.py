"""The Redis task backend, adjusted for Django's built-in `django.tasks` (docs/fanout.md).

django-tasks-rq builds on the `django_tasks` backport, whose base backend refuses any task that
sets a priority ("Backend does not support setting priority of tasks"), so a single
`@task(priority=…)` in the project stopped every module from importing once REDIS_URL was set.
RQ has no numeric priorities; the backend already puts the highest-priority tasks at the front
of their queue, and separate queues (`urgent`) carry the rest.
"""

from django_tasks_rq import RQBackend as _RQBackend

# The worker must run jobs with this class (`rqworker --job-class …`), or every task fails.
JOB_CLASS = "django_tasks_rq.backend.Job"


class RQBackend(_RQBackend):
    supports_priority = True
