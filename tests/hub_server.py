"""A real uvicorn county hub on 127.0.0.1 (random free port) for sync tests.

A SQLite file, or the PostgreSQL at CLINICLINK_TEST_PG_URL (CI starts one).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import Engine, text

from county.api import create_app
from county.db import init_db, make_hub_engine, make_sessions

PG_URL = os.environ.get("CLINICLINK_TEST_PG_URL", "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def hub_engine(tmp: Path, backend: str = "sqlite") -> Engine:
    """A fresh hub database: a SQLite file under ``tmp``, or the CI's PostgreSQL emptied."""
    if backend == "postgresql":
        if not PG_URL:
            raise RuntimeError("CLINICLINK_TEST_PG_URL is not set")
        engine = make_hub_engine(PG_URL)
        with engine.begin() as c:
            c.execute(text("DROP SCHEMA public CASCADE"))
            c.execute(text("CREATE SCHEMA public"))
    else:
        engine = make_hub_engine(f"sqlite:///{tmp / 'county.db'}")
    init_db(engine)
    return engine


class Hub:
    def __init__(self, engine: Engine, app_wrapper: Any = None) -> None:
        self.engine = engine
        self.sessions = make_sessions(engine)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        app: Any = create_app(engine)
        if app_wrapper is not None:
            app = app_wrapper(app)
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=self.port,
                log_level="error",
                lifespan="off",
                proxy_headers=False,  # as `county serve`: the hub decides whom to believe
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> Hub:
        self.thread.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/api/v1/health", timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("hub did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@contextmanager
def running_hub(tmp: Path, app_wrapper: Any = None, backend: str = "sqlite") -> Iterator[Hub]:
    hub = Hub(hub_engine(tmp, backend), app_wrapper).start()
    try:
        yield hub
    finally:
        hub.stop()
        hub.engine.dispose()


def allow_test_bench_http(data_dir: Path) -> None:
    """This PC's test-bench option on (as an administrator ticks it on the 同步 page): the
    hubs here listen on plain http://127.0.0.1, which a clinic's settings refuse otherwise."""
    from app.config import Settings

    settings = Settings.load(data_dir)
    settings.allow_insecure_http = True
    settings.save(data_dir)
