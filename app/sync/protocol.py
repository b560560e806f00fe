"""Wire models of /api/v1 shared by the workstation and the county hub (no Qt, no ORM)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

PROTOCOL_VERSION = 1
MIN_PROTOCOL_VERSION = 1
MAX_BATCH = 500
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_PULL_LIMIT = 1000
API_PREFIX = "/api/v1"

PushStatus = Literal["applied", "duplicate", "rejected"]


class Change(BaseModel):
    type: str = Field(min_length=1, max_length=30)
    id: str = Field(min_length=1, max_length=36)
    version: int = Field(ge=1)
    deleted: bool = False
    data: dict[str, Any] = Field(default_factory=dict)


class PushRequest(BaseModel):
    protocol: int
    clinic_code: str = ""  # informational only: the hub takes the clinic from the token
    changes: list[Change] = Field(max_length=MAX_BATCH)


class PushResult(BaseModel):
    id: str
    type: str = ""
    version: int
    status: PushStatus
    error: str | None = None
    # With a "duplicate": the version the hub holds when it is not this one (newer). The
    # clinic then has not been heard: it must take the hub's copy and send its edit above it.
    hub_version: int | None = None


class PushResponse(BaseModel):
    results: list[PushResult]


class PulledChange(BaseModel):
    seq: int
    type: str
    id: str
    version: int
    deleted: bool
    owner: str  # "county" or the authoring clinic's code
    data: dict[str, Any]


class PullResponse(BaseModel):
    changes: list[PulledChange]
    next: int
    more: bool


class ErrorBody(BaseModel):
    error: str
    message: str
