"""The hub's logs carry ids and reasons, never record content or search terms.

Three layers: the engines hide statement parameters (``county.db.ENGINE_ARGS``); a request
that fails is logged here as one line — method, path (ids, never the query string), the
exception's class, the database's SQLSTATE and the code location — never the exception's
message (PostgreSQL puts the failing row or value in it: "Failing row contains (...)",
"invalid input syntax ... : \"张三\""), never a traceback with values; and a filter on the
server's own loggers that does the same to anything they would print with an exception, and
drops query strings from access lines.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("county.errors")
SERVER_LOGGERS = (
    "uvicorn.error",
    "uvicorn.access",
    "uvicorn",
    "county",
    "county.api",
    "county.errors",
    "sqlalchemy.engine.Engine",
    "sqlalchemy.pool",
)


def describe(exc: BaseException) -> str:
    """The exception as the log may hold it: class names, SQLSTATE, where it was raised."""
    parts = []
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        name = type(e).__name__
        orig = getattr(e, "orig", None)
        state = getattr(orig, "sqlstate", None) or getattr(e, "sqlstate", None)
        if orig is not None:
            name += f"[{type(orig).__name__}]"
        if state:
            name += f" SQLSTATE {state}"
        parts.append(name)
        e = e.__cause__ or e.__context__
    frames = traceback.extract_tb(exc.__traceback__)[-4:]
    where = " < ".join(
        f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno} {f.name}" for f in reversed(frames)
    )
    return " <- ".join(parts) + (f" at {where}" if where else "")


class ContentFreeErrors:
    """ASGI middleware: an exception below it is logged by ``describe`` and answered with a
    short 500 (when nothing was sent yet), instead of reaching the server's traceback log."""

    def __init__(self, app: ASGIApp, plain: bool = False) -> None:
        self.app, self.plain = app, plain  # plain: a page for people (the office), not JSON

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            log.error("%s %s failed: %s", scope.get("method"), scope.get("path"), describe(exc))
            if not started:
                message = "县医院服务器出错，已记录，请稍后重试"
                reply: Response = (
                    PlainTextResponse(message + "。", status_code=500)
                    if self.plain
                    else JSONResponse({"error": "server_error", "message": message}, 500)
                )
                await reply(scope, receive, send)


class ScrubFilter(logging.Filter):
    """Rewrites a record before any handler prints it: an attached exception becomes its
    ``describe`` line (no message, no traceback text); an access line loses its query."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()} — {describe(record.exc_info[1])}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        if record.name == "uvicorn.access" and isinstance(record.args, tuple):
            record.args = tuple(_no_query(a) for a in record.args)
        return True


def _no_query(value: Any) -> Any:
    return value.split("?", 1)[0] if isinstance(value, str) and "?" in value else value


_FILTER = ScrubFilter()


def install() -> None:
    """Attach the filter to the loggers the hub and its server write to (idempotent)."""
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
