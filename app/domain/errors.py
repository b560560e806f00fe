"""Validation errors that name the field at fault.

The domain and services raise :class:`ValidationError` with one :class:`FieldError` per bad
field. Each carries a stable ``code`` (the UI translates it) and a Chinese ``message`` that the
command line and logs show as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str


@dataclass
class ValidationError(Exception):
    errors: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return "；".join(e.message for e in self.errors)

    def fields(self) -> set[str]:
        return {e.field for e in self.errors}


class PermissionDenied(Exception):
    """The current user's role may not do this. The message is Chinese and user-facing."""


class NotFound(Exception):
    """A record asked for by id does not exist (or is voided where that matters)."""


class KnownError(Exception):
    """A problem the user can act on (disk full, database damaged); message is Chinese."""


class DatabaseBusy(KnownError):
    """Another program (or the sync round) held the database's write lock past the wait."""

    def __init__(self, message: str = "数据库正忙，请稍后重试（另一程序或同步正在写入）") -> None:
        super().__init__(message)


class ClinicNotSetUp(KnownError, RuntimeError):
    """The clinic's code is not recorded yet (first-run setup never finished)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or "本站尚未完成初始设置（卫生院编码），请先运行一次程序")
