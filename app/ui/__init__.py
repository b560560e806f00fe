"""The PySide6 user interface. Never imports SQLAlchemy: it talks to app.services only."""
