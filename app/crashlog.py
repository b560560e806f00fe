"""The log file and what happens on an unexpected error (a bug).

One rotating log in the data directory (``logs/cliniclink.log``, 1 MB × 5). An unexpected
exception is written there with its traceback — file, line and function names only: no local
variables, and SQL errors never carry their parameters (the engine hides them), so no patient
data lands in the log — and the user is told in Chinese where the log is. A full disk is not a
bug: it gets its own message.
"""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from pathlib import Path
from types import TracebackType

LOG_NAME = "cliniclink.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
log = logging.getLogger("app.crash")


def log_file(data_dir: Path) -> Path:
    return Path(data_dir) / "logs" / LOG_NAME


def setup_logging(data_dir: Path) -> None:
    path = log_file(data_dir)
    root = logging.getLogger()
    for h in root.handlers:
        if isinstance(h, logging.FileHandler) and Path(h.baseFilename) == path:
            return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
    except OSError:  # a read-only or full disk must not stop the program from saying so
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def crash_text(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """The traceback without local variables (``format_exception`` never captures them)."""
    return "".join(traceback.format_exception(kind, exc, tb))


def report_crash(
    data_dir: Path, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """Log an unexpected error; returns the Chinese message for the user."""
    from app.db.backup import is_disk_full

    path = log_file(data_dir)
    if is_disk_full(exc):
        log.error("disk full: %s: %s", kind.__name__, exc)
        return (
            "磁盘空间不足，刚才的操作没有保存（已保存的记录不受影响）。"
            f"请清理磁盘（数据目录：{data_dir}）后再试。"
        )
    log.error("unexpected error\n%s", crash_text(kind, exc, tb))
    for h in logging.getLogger().handlers:
        h.flush()
    return (
        "程序遇到了意外错误，刚才的操作可能没有完成。已保存的记录不受影响。\n"
        f"错误详情已写入日志：{path}\n请把这个文件交给技术支持。"
    )
