"""Pure domain rules: no Qt, no SQLAlchemy. Everything here is plain Python and testable alone."""
