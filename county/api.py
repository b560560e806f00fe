"""FastAPI app of the hub: /api/v1/sync/push, /api/v1/sync/pull, /api/v1/health."""

from __future__ import annotations

import gzip
import logging
import zlib
from datetime import timedelta
from typing import Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from starlette.concurrency import run_in_threadpool

from app.sync.protocol import (
    API_PREFIX,
    MAX_BATCH,
    MAX_BODY_BYTES,
    MAX_PULL_LIMIT,
    MIN_PROTOCOL_VERSION,
    PROTOCOL_VERSION,
    PullResponse,
    PushResponse,
)
from county import logsafe, store, wire
from county.auth import clinic_for_token
from county.db import utcnow
from county.office import create_office_app

log = logging.getLogger("county.api")
LAST_SEEN_EVERY = timedelta(minutes=1)  # how often a clinic's "last seen" is written


class ApiError(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        self.status, self.error, self.message = status, error, message


def client_version(user_agent: str) -> str:
    """ "0.1.0" from the workstation's User-Agent "ClinicLink/0.1.0", else ""."""
    name, _, version = user_agent.partition("/")
    version = version.split(" ")[0]
    ok = name == "ClinicLink" and 0 < len(version) <= 40
    return version if ok and all(c.isalnum() or c in ".-+" for c in version) else ""


def _json(model: PushResponse | PullResponse) -> Response:
    """The reply serialised once by pydantic (a returned model would be validated against
    ``response_model`` and encoded again: a third of a 500-record pull page's time)."""
    return Response(model.model_dump_json(), media_type="application/json")


async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
    """Name the parameter, never echo what was sent (FastAPI's default 422 reply does)."""
    names = sorted({str(e.get("loc", ("", "?"))[-1]) for e in exc.errors()})[:5]
    return JSONResponse(
        {"error": "invalid", "message": "请求参数无效：" + "、".join(names)[:200]},
        status_code=422,
    )


def create_app(engine: Engine, trusted_proxies: frozenset[str] = frozenset()) -> FastAPI:
    sessions = sessionmaker(engine, expire_on_commit=False)
    app = FastAPI(title="ClinicLink county hub", docs_url=None, redoc_url=None)
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=6)
    app.add_middleware(logsafe.ContentFreeErrors)  # a failure logs ids and reasons only
    logsafe.install()
    app.state.sessions = sessions

    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"error": exc.error, "message": exc.message}, status_code=exc.status)

    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]

    def clinic_code(request: Request) -> str:
        auth = request.headers.get("authorization", "")
        if not auth.lower().startswith("bearer ") or len(auth) > 200:
            raise ApiError(401, "unauthorized", "缺少或无效的访问令牌")
        with sessions() as s, s.begin():
            clinic = clinic_for_token(s, auth[7:].strip())
            if clinic is None:
                raise ApiError(401, "unauthorized", "访问令牌无效或已被吊销，请联系县医院管理员")
            now = utcnow()
            seen = clinic.last_seen_at
            if seen is None or now - seen >= LAST_SEEN_EVERY or now < seen:
                clinic.last_seen_at = now  # a write per minute, not one per request
            version = client_version(request.headers.get("user-agent", ""))
            if version and version != clinic.client_version:
                clinic.client_version = version
            return clinic.code

    def check_protocol(value: Any) -> None:
        v = wire.protocol_number(value)
        if v is None:
            raise ApiError(400, "bad_protocol", "请求中的协议版本无效")
        if v < MIN_PROTOCOL_VERSION:
            raise ApiError(
                426,
                "upgrade_required",
                f"客户端版本过旧（协议 {v}），请升级 ClinicLink 到最新版本"
                f"（县医院协议 {PROTOCOL_VERSION}）。Please upgrade.",
            )
        if v > PROTOCOL_VERSION:
            raise ApiError(400, "unsupported_protocol", f"县医院尚不支持协议 {v}")

    @app.get(API_PREFIX + "/health")
    def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "protocol": PROTOCOL_VERSION,
            "max_batch": MAX_BATCH,
            "max_body_bytes": MAX_BODY_BYTES,
        }

    @app.post(API_PREFIX + "/sync/push", response_model=PushResponse)
    async def push(request: Request, clinic: str = Depends(clinic_code)) -> Response:
        declared = int(request.headers.get("content-length") or 0)
        if declared > MAX_BODY_BYTES:
            raise ApiError(413, "too_large", "请求过大，请减小批次")
        raw = bytearray()
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY_BYTES:
                raise ApiError(413, "too_large", "请求过大，请减小批次")
        body = bytes(raw)
        if request.headers.get("content-encoding", "").lower() == "gzip":
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                body = d.decompress(body, MAX_BODY_BYTES + 1)
            except (zlib.error, gzip.BadGzipFile) as e:
                raise ApiError(400, "bad_body", "压缩数据损坏") from e
            if len(body) > MAX_BODY_BYTES or d.unconsumed_tail:
                raise ApiError(413, "too_large", "请求解压后过大，请减小批次")
        try:
            parsed = wire.parse_push(body)
        except wire.BodyRefused as e:
            raise ApiError(e.status, e.error, e.message) from None
        check_protocol(parsed.protocol)
        if len(parsed.changes) > MAX_BATCH:
            raise ApiError(413, "batch_too_long", f"每批最多 {MAX_BATCH} 条")
        # Each change is checked on its own (county.wire): one that cannot be stored is
        # refused in its result, the others are stored.
        results = await run_in_threadpool(store.push, sessions, clinic, parsed.changes)
        return _json(PushResponse(results=results))

    @app.get(API_PREFIX + "/sync/pull", response_model=PullResponse)
    def pull(
        after: int = Query(0, ge=0, le=wire.INT64_MAX),
        limit: int = Query(500, ge=1, le=MAX_PULL_LIMIT),
        protocol: int = Query(0, ge=wire.INT64_MIN, le=wire.INT64_MAX),
        clinic: str = Depends(clinic_code),
    ) -> Response:
        check_protocol(protocol)
        with sessions() as s:
            body = store.pull_json(s, clinic, after, limit)
        return Response(body, media_type="application/json")

    @app.get(API_PREFIX + "/sync/own", response_model=PullResponse)
    def own(
        after: int = Query(0, ge=0),
        limit: int = Query(500, ge=1, le=MAX_PULL_LIMIT),
        protocol: int = Query(0),
        clinic: str = Depends(clinic_code),
    ) -> Response:
        """Every record the hub holds for this clinic (after a restore at the clinic)."""
        check_protocol(protocol)
        with sessions() as s:
            body = store.own_json(s, clinic, after, limit)
        return Response(body, media_type="application/json")

    office = create_office_app(sessions, trusted_proxies)  # the referral office web UI
    office.add_middleware(logsafe.ContentFreeErrors, plain=True)  # logged before it answers
    office.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.mount("/office", office)
    return app


PROXIES_ENV = "COUNTY_TRUSTED_PROXIES"  # serve --trusted-proxy, for each of --workers N
DB_ENV = "COUNTY_DB"  # the database URL, for the processes of ``serve --workers N``


def app_from_env() -> FastAPI:
    """The app of one hub process started by uvicorn (``serve --workers N``): each process
    opens its own engine on the database in ``COUNTY_DB``; everything they share lives
    there (records, change log and its advisory lock, row locks, office sessions)."""
    import os

    from county.db import make_hub_engine

    proxies = frozenset(p for p in os.environ.get(PROXIES_ENV, "").split(",") if p)
    return create_app(make_hub_engine(os.environ[DB_ENV]), trusted_proxies=proxies)
