"""Storage: SQLAlchemy 2 models, the SQLite engine, migrations and backups."""
