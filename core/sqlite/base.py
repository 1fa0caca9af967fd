"""Django's SQLite backend, with the writers of one process served first come, first served.

SQLite lets one connection write at a time. A connection that finds the write lock taken waits
in SQLite's busy handler, which sleeps 1, 2, 5 … then 100 ms between tries: whoever has waited
longest tries least often, and under load a request arriving now takes the lock ahead of one
that has waited for seconds. The intake benchmark measured it: half the filings waited under
30 ms for `BEGIN IMMEDIATE`, one in a hundred over 9 s (docs/benchmarks.md, "intake").

Here the threads of one process queue for their turn to write, in order of arrival, before they
ask SQLite: a transaction (`BEGIN IMMEDIATE`, from `atomic`) takes the turn until it commits or
rolls back, a write outside a transaction for that one statement; the writes a transaction's
`on_commit` hooks make (tasks queued after it) go to the front of the line. Only the first in the queue
waits on SQLite's lock, against other processes (the task worker, the delivery loop). Reads
never queue: in WAL mode they do not wait for writers. Waiting longer than the database's
`timeout` raises "database is locked", as SQLite would.
"""

import threading
import time
from collections import deque

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

__all__ = ["DatabaseWrapper"]


class WriteTurns:
    """A lock that hands itself to the thread that has waited longest."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()
        self._taken = False

    @property
    def waiting(self) -> int:
        """How many threads wait for their turn."""
        with self._mutex:
            return len(self._waiting)

    def acquire(self, timeout: float, *, first: bool = False) -> bool:
        """Wait for the turn, at the back of the line, or at its front with `first`."""
        with self._mutex:
            if not self._taken:
                self._taken = True
                return True
            turn = threading.Lock()
            turn.acquire()
            if first:
                self._waiting.appendleft(turn)
            else:
                self._waiting.append(turn)
        if turn.acquire(timeout=max(timeout, 0)):
            return True
        with self._mutex:
            if turn in self._waiting:
                self._waiting.remove(turn)
                return False
        return True  # handed over just as the time ran out: ours now

    def release(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().release()  # straight to the next in line: still taken
            else:
                self._taken = False


_turns: dict[str, WriteTurns] = {}
_turns_mutex = threading.Lock()


def turns_for(name: str) -> WriteTurns:
    """The queue of one database file in this process (the test database has its own)."""
    with _turns_mutex:
        return _turns.setdefault(name, WriteTurns())


class DatabaseWrapper(base.DatabaseWrapper):
    has_write_turn = False
    finishing_commit = False  # running the commit's on_commit hooks

    def take_write_turn(self) -> None:
        """A transaction's hooks (tasks queued after its commit) go to the front of the line: their
        request waited its turn already. They wait for the one writer the commit handed the turn to,
        not for everyone behind it."""
        if self.has_write_turn:
            return
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
        started = time.monotonic()
        if not turns_for(str(self.settings_dict["NAME"])).acquire(timeout, first=self.finishing_commit):
            raise OperationalError(
                f"database is locked (waited {time.monotonic() - started:.1f} s for a turn to write)"
            )
        self.has_write_turn = True

    def give_write_turn(self) -> None:
        if self.has_write_turn:
            self.has_write_turn = False
            turns_for(str(self.settings_dict["NAME"])).release()

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=TurnTakingCursor)
        cursor.wrapper = self
        return cursor

    def run_and_clear_commit_hooks(self):
        self.finishing_commit = True
        try:
            super().run_and_clear_commit_hooks()
        finally:
            self.finishing_commit = False

    def _start_transaction_under_autocommit(self):
        self.take_write_turn()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in django-stubs
        except BaseException:
            self.give_write_turn()
            raise

    def _commit(self):
        try:
            return super()._commit()  # type: ignore[misc]  # private in django-stubs
        finally:
            if self.connection is None or not self.connection.in_transaction:
                self.give_write_turn()

    def _rollback(self):
        try:
            return super()._rollback()  # type: ignore[misc]  # private in django-stubs
        finally:
            self.give_write_turn()

    def _close(self):
        try:
            return super()._close()  # type: ignore[misc]  # private in django-stubs
        finally:
            self.give_write_turn()


class TurnTakingCursor(base.SQLiteCursorWrapper):
    """Outside a transaction, a statement that may write waits for the turn for as long as it runs."""

    wrapper: DatabaseWrapper

    def execute(self, query, params=None):
        if self._needs_turn(query):
            self.wrapper.take_write_turn()
            try:
                return super().execute(query, params)
            finally:
                self.wrapper.give_write_turn()
        return super().execute(query, params)

    def executemany(self, query, param_list):
        if self._needs_turn(query):
            self.wrapper.take_write_turn()
            try:
                return super().executemany(query, param_list)
            finally:
                self.wrapper.give_write_turn()
        return super().executemany(query, param_list)

    def _needs_turn(self, query: str) -> bool:
        return not (
            self.wrapper.has_write_turn or self.connection.in_transaction or query.lstrip()[:6].upper() == "SELECT"
        )
