"""Backing up and restoring the database (docs/deployment.md, "Backup and restore").

SQLite is copied with its online backup API: a consistent snapshot taken while the site keeps
running (WAL readers do not block writers). PostgreSQL is dumped with `pg_dump --format=custom`
and restored with `pg_restore` in one transaction, so a restore that fails leaves the database
as it was. The kind of a backup file is read from its first bytes, never from its name.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, override

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# Tables Django fills by itself when it migrates: a freshly migrated database is still empty.
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


class BackupError(Exception):
    """A backup or restore that cannot go on; its text is in Vietnamese and English."""


def bilingual(message: str, **values) -> str:
    """The message in Vietnamese, then in English: an operator reads whichever they know."""
    with override("vi"):
        vietnamese = gettext(message) % values
    with override("en"):
        english = gettext(message) % values
    return vietnamese if vietnamese == english else f"{vietnamese}\n{english}"


@dataclass(frozen=True)
class Database:
    vendor: str  # "sqlite" or "postgresql"
    settings: dict

    @classmethod
    def current(cls) -> "Database":
        return cls(connection.vendor, dict(connection.settings_dict))

    @property
    def name(self) -> str:
        return str(self.settings["NAME"])

    def default_backup_name(self) -> str:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        return f"canhgiac-{stamp}.{'sqlite3' if self.vendor == 'sqlite' else 'pgdump'}"

    def pg_environment(self) -> dict[str, str]:
        """libpq's variables: the password never appears on a command line."""
        env = dict(os.environ)
        for variable, key in [("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")]:
            if self.settings.get(key):
                env[variable] = str(self.settings[key])
        env["PGDATABASE"] = self.name
        return env


def kind_of(path: Path) -> str:
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        bilingual(
            gettext_noop("%(path)s is not a backup made by this command (neither SQLite nor pg_dump custom format)."),
            path=path,
        )
    )


def tables_with_rows() -> dict[str, int]:
    """Rows per table of the current database, Django's own bookkeeping left out."""
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in BOOKKEEPING_TABLES:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 — a table name from introspection
            if rows := cursor.fetchone()[0]:
                counts[table] = rows
    return counts


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            bilingual(
                gettext_noop(
                    "%(tool)s was not found: install the PostgreSQL client (apt-get install postgresql-client)."
                ),
                tool=name,
            )
        )
    return found


def _run(command: list[str], database: Database) -> None:
    done = subprocess.run(command, env=database.pg_environment(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(
            bilingual(
                gettext_noop("%(tool)s failed: %(error)s"),
                tool=Path(command[0]).name,
                error=done.stderr.strip()[-2000:],
            )
        )


def backup(target: Path, database: Database | None = None) -> Path:
    """Write a consistent copy of the database to `target` (a file, or a folder to put one in)."""
    database = database or Database.current()
    if target.is_dir():
        target = target / database.default_backup_name()
    if target.exists():
        raise BackupError(bilingual(gettext_noop("%(path)s already exists: choose another file name."), path=target))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if database.vendor == "sqlite":
            _backup_sqlite(database, partial)
        elif database.vendor == "postgresql":
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial)], database)
        else:
            raise BackupError(
                bilingual(gettext_noop("Backups of %(vendor)s databases are not supported."), vendor=database.vendor)
            )
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(target)  # a file at the target's name is always a whole backup
    return target


def _backup_sqlite(database: Database, target: Path) -> None:
    source = sqlite3.connect(f"file:{database.name}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        (result,) = copy.execute("PRAGMA quick_check").fetchone()
    finally:
        copy.close()
        source.close()
    if result != "ok":
        raise BackupError(bilingual(gettext_noop("The copy failed its integrity check: %(error)s"), error=result))


def restore(source: Path, *, force: bool = False, database: Database | None = None) -> None:
    """Replace the database's contents with the backup's. Refuses a database that holds data
    unless `force`: a restore over the wrong database would erase it."""
    database = database or Database.current()
    if not source.is_file():
        raise BackupError(bilingual(gettext_noop("%(path)s does not exist."), path=source))
    kind = kind_of(source)
    if kind != database.vendor:
        raise BackupError(
            bilingual(
                gettext_noop("%(path)s is a %(kind)s backup but the database is %(vendor)s."),
                path=source,
                kind=kind,
                vendor=database.vendor,
            )
        )
    if not force and (filled := tables_with_rows()):
        raise BackupError(
            bilingual(
                gettext_noop(
                    "The database %(name)s is not empty (%(tables)d tables hold data, %(rows)d rows): "
                    "restoring would replace them. Add --force if that is what you want."
                ),
                name=database.name,
                tables=len(filled),
                rows=sum(filled.values()),
            )
        )
    connection.close()
    if kind == "sqlite":
        _restore_sqlite(source, database)
    else:
        _run(
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
             "--exit-on-error", "--dbname", database.name, str(source)],
            database,
        )  # fmt: skip


def _restore_sqlite(source: Path, database: Database) -> None:
    backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        (result,) = backup_file.execute("PRAGMA quick_check").fetchone()
        if result != "ok":
            raise BackupError(bilingual(gettext_noop("The copy failed its integrity check: %(error)s"), error=result))
        target = sqlite3.connect(database.name, timeout=20)
        try:
            backup_file.backup(target)  # page by page, under the target's write lock
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
    finally:
        backup_file.close()
