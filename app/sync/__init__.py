"""Sync with the county hub: wire protocol, HTTP client, engine (no Qt) and the Qt worker."""
