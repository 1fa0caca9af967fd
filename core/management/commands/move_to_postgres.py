"""Move a site's data from its embedded SQLite database to an empty PostgreSQL database
(docs/deployment.md, "From SQLite to PostgreSQL").

The target gets the same schema (`migrate`), then every table's rows with their ids, in one
transaction (PostgreSQL checks Django's foreign keys at commit, so the order of the tables does
not matter), then its sequences are set past the highest ids, and every table's row count is
compared with the source's. A target that already holds tables is refused.
"""

import dj_database_url
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connections, transaction

TARGET = "move_target"
CHUNK = 2000


def models_to_copy() -> list:
    return [
        model for model in apps.get_models(include_auto_created=True) if model._meta.managed and not model._meta.proxy
    ]


class Command(BaseCommand):
    help = "Copy every table of this (SQLite) site into an empty PostgreSQL database and check the counts."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="postgres://user:password@host:port/database (empty)")

    def handle(self, *args, to: str, **options):
        source = connections["default"]
        if source.vendor != "sqlite":
            raise CommandError(f"The site's database is {source.vendor}, not SQLite: nothing to move.")
        if not to.startswith(("postgres://", "postgresql://")):
            raise CommandError("--to must be a postgres:// URL.")
        connections.databases[TARGET] = {**source.settings_dict, **dj_database_url.parse(to), "OPTIONS": {}}
        target = connections[TARGET]
        try:
            with target.cursor() as cursor:
                existing = target.introspection.table_names(cursor)
            if existing:
                raise CommandError(
                    f"The target database is not empty ({len(existing)} tables, e.g. {existing[0]}): "
                    "give an empty database."
                )
            self.stdout.write("Creating the tables on the target…")
            call_command("migrate", database=TARGET, verbosity=0, interactive=False)
            models = models_to_copy()
            counts = self.copy(models, source, target)
            self.check_counts(models, counts, target)
        finally:
            target.close()
            del connections[TARGET]
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(f"Moved {total} rows in {len(counts)} tables; counts match."))

    def copy(self, models, source, target) -> dict[str, int]:
        counts: dict[str, int] = {}
        with transaction.atomic(using=TARGET), target.cursor() as out:
            # `migrate` filled a few tables of its own (content types, permissions): the
            # source's rows replace them, with their ids.
            tables = [target.ops.quote_name(model._meta.db_table) for model in models]
            out.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            for model in models:
                fields = [field for field in model._meta.concrete_fields]
                columns = ", ".join(target.ops.quote_name(field.column) for field in fields)
                placeholders = ", ".join(["%s"] * len(fields))
                sql = f"INSERT INTO {target.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
                rows = model._base_manager.using("default").order_by().values_list(*[f.attname for f in fields])
                batch, copied = [], 0
                for row in rows.iterator(chunk_size=CHUNK):
                    batch.append(
                        [
                            field.get_db_prep_save(value, connection=target)
                            for field, value in zip(fields, row, strict=True)
                        ]
                    )
                    if len(batch) >= CHUNK:
                        out.executemany(sql, batch)
                        copied += len(batch)
                        batch = []
                if batch:
                    out.executemany(sql, batch)
                    copied += len(batch)
                counts[model._meta.db_table] = copied
            for statement in target.ops.sequence_reset_sql(no_style(), models):
                out.execute(statement)
        self.stdout.write(f"Copied {len(models)} tables.")
        return counts

    def check_counts(self, models, counts: dict[str, int], target) -> None:
        wrong = []
        for model in models:
            table = model._meta.db_table
            source_count = model._base_manager.using("default").count()
            target_count = model._base_manager.using(TARGET).count()
            if not source_count == target_count == counts[table]:
                wrong.append(f"{table}: {source_count} here, {target_count} there")
        if wrong:
            raise CommandError("Row counts differ: " + "; ".join(wrong))
