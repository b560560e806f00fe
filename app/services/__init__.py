"""The one API the UI, the command line and the sync engine call.

Each call opens its own session, checks permissions, validates, writes the record, its outbox
row and an audit row in one transaction, and returns plain dataclasses (never ORM objects).
"""
