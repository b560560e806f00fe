"""Printed forms with ReportLab: plain data in, PDF bytes out (no database, no Qt)."""
