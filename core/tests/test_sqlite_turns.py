"""SQLite's writers in one process take turns in the order they came (core/sqlite/base.py)."""

import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from core.sqlite.base import turns_for
from places.models import Unit, UnitKind

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock"),
]


def write(code: str, *, in_transaction: bool = True, timeout: float | None = None, errors: list | None = None):
    """A thread that files one unit named `code`, as a request would, on its own connection."""

    def run():
        from django.db import connection as own

        if timeout is not None:  # this thread's connection only: the settings are shared
            own.settings_dict = {**own.settings_dict, "OPTIONS": {**own.settings_dict["OPTIONS"], "timeout": timeout}}
        try:
            if in_transaction:
                with transaction.atomic():
                    Unit.objects.create(code=code, name=code, kind=UnitKind.PROVINCE)
            else:
                Unit.objects.create(code=code, name=code, kind=UnitKind.PROVINCE)
        except OperationalError as error:
            if errors is None:
                raise
            errors.append(str(error))
        finally:
            own.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def hold_the_write_lock(release: threading.Event, *, after_commit: str = "") -> threading.Thread:
    holding = threading.Event()

    def run():
        from django.db import connection as own

        try:
            with transaction.atomic():
                Unit.objects.create(code="first", name="first", kind=UnitKind.PROVINCE)
                if after_commit:  # as a task queued after the commit is written
                    transaction.on_commit(
                        lambda: Unit.objects.create(code=after_commit, name=after_commit, kind=UnitKind.PROVINCE)
                    )
                holding.set()
                release.wait(30)
        finally:
            own.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert holding.wait(30)
    return thread


def wait_until_queued(count: int) -> None:
    turns = turns_for(str(connection.settings_dict["NAME"]))
    deadline = time.monotonic() + 30
    while turns.waiting < count:
        assert time.monotonic() < deadline, f"{turns.waiting} writers waiting, expected {count}"
        time.sleep(0.005)


def test_writers_waiting_for_the_lock_write_in_the_order_they_came():
    release = threading.Event()
    holder = hold_the_write_lock(release)
    writers = []
    for index in range(6):
        # Every other one writes outside a transaction (a task queued after commit, a session saved).
        writers.append(write(f"w{index}", in_transaction=index % 2 == 0))
        wait_until_queued(index + 1)
    release.set()
    for thread in [holder, *writers]:
        thread.join(30)
    assert list(Unit.objects.order_by("pk").values_list("code", flat=True)) == [
        "first",
        *(f"w{index}" for index in range(6)),
    ]


def test_a_writer_that_waits_longer_than_the_timeout_is_told_the_database_is_locked_and_the_next_still_writes():
    release = threading.Event()
    holder = hold_the_write_lock(release)
    errors: list[str] = []
    impatient = write("impatient", timeout=0.3, errors=errors)
    impatient.join(30)
    patient = write("patient")
    wait_until_queued(1)
    release.set()
    for thread in [holder, patient]:
        thread.join(30)
    assert len(errors) == 1 and "database is locked" in errors[0]
    assert set(Unit.objects.values_list("code", flat=True)) == {"first", "patient"}
    assert turns_for(str(connection.settings_dict["NAME"])).waiting == 0


def test_what_a_transaction_queues_after_its_commit_waits_for_one_transaction_not_for_the_whole_line():
    release = threading.Event()
    holder = hold_the_write_lock(release, after_commit="its task")
    writers = []
    for index in range(3):
        writers.append(write(f"w{index}"))
        wait_until_queued(index + 1)
    release.set()
    for thread in [holder, *writers]:
        thread.join(30)
    # w0 had the turn from the commit; the task went ahead of everyone else.
    assert list(Unit.objects.order_by("pk").values_list("code", flat=True)) == ["first", "w0", "its task", "w1", "w2"]
