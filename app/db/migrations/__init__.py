"""Alembic migrations of the clinic database (applied at start-up by app.db.migrate)."""
