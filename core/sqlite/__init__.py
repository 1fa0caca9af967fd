"""Django's SQLite backend with writers served in turn (`base.DatabaseWrapper`; docs/configuration.md)."""
