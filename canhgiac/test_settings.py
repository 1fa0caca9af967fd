"""Test overrides: fast hashing, sign-in codes kept in memory, tasks run at once."""

from canhgiac.settings import *
from canhgiac.settings import TASK_QUEUES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Live servers in tests speak plain HTTP (production's default is secure cookies outside DEBUG).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SIGNIN_CODE_SENDER = "people.senders.MemorySender"
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": TASK_QUEUES}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A file, not memory, for SQLite test databases: the delivery crash test and the browser tests
# share the database with a real worker process and a live server thread.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# Tests run inside a transaction that sender threads (with their own connections) cannot see:
# the engine sends in the test's thread, one after another. delivery/tests/test_pace.py runs the
# threads against committed data.
DELIVERY_CONCURRENCY = 1
DELIVERY_RATE_STORE = "database"
