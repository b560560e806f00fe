"""Dialogs: first-run setup, login, patient registration and others."""
