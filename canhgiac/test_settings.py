"""Test overrides: fast hashing, sign-in codes kept in memory, tasks run at once."""

from canhgiac.settings import *
from canhgiac.settings import TASK_QUEUES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SIGNIN_CODE_SENDER = "people.senders.MemorySender"
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": TASK_QUEUES}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
