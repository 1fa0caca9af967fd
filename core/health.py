"""What /healthz reports: can we reach the database and the task queue."""

import logging
import time

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def database_status() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # a health check reports failures, it does not raise them
        logger.warning("health check: database unreachable: %s", error)
        return {"ok": False, "error": str(error)[:200]}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.perf_counter() - started) * 1000, 1)}


def uses_redis(backend: str) -> bool:
    """The task backend is RQ's or a subclass of it (settings name core.taskqueue.RQBackend, whose
    path does not say "django_tasks_rq": matching the path let /healthz pass with Redis down)."""
    from django.utils.module_loading import import_string
    from django_tasks_rq import RQBackend

    return issubclass(import_string(backend), RQBackend)


def queue_status() -> dict:
    backend = str(settings.TASKS["default"]["BACKEND"])
    try:
        if uses_redis(backend):
            import redis

            client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
            client.ping()
            waiting = sum(client.llen(f"rq:queue:{name}") for name in settings.TASK_QUEUES)
            return {"ok": True, "backend": "redis", "waiting": waiting}
        if "django_tasks_db" in backend:
            from django_tasks_db.models import DBTaskResult

            waiting = DBTaskResult.objects.filter(status="READY").count()
            return {"ok": True, "backend": "database", "waiting": waiting}
        return {"ok": True, "backend": str(backend).rsplit(".", 1)[-1]}
    except Exception as error:  # a health check reports failures, it does not raise them
        logger.warning("health check: task queue unreachable: %s", error)
        return {"ok": False, "error": str(error)[:200]}


def migrations_status() -> dict:
    """Every migration on disk applied to the database (a deploy that forgot `migrate` is not ready)."""
    from django.db.migrations.executor import MigrationExecutor

    try:
        loader = MigrationExecutor(connection).loader
        # Every node, not the plan to the leaves: a plan counts a leaf recorded as applied as done,
        # even when a migration before it is not.
        pending = set(loader.graph.nodes) - set(loader.applied_migrations)
    except Exception as error:  # a readiness check reports failures, it does not raise them
        return {"ok": False, "error": str(error)[:200]}
    return {"ok": not pending, "pending": len(pending)}
