"""``python -m app --data-dir DIR backup [--to FOLDER]`` and ``restore FILE [--yes]``.

``backup`` writes a verified backup (the daily kind: the folder keeps one per day, the newest
``backup_keep`` days) to ``--to`` or the folder set in 设置. ``restore`` shows what the backup
holds and the records not yet uploaded that it would drop, asks (unless ``--yes``), backs up
the current data, and restores; the next sync brings back from the hub what this clinic had
uploaded since the backup. Close the workstation first.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.commands.exitcodes import DATABASE, DISK_FULL, NOT_SET_UP, OK, REFUSED
from app.db.paths import db_path


def backup_folder(data_dir: Path, to: Path | None = None) -> Path:
    from app.config import Settings

    if to is not None:
        return Path(to)
    configured = Settings.load(data_dir).backup_folder
    return Path(configured) if configured else Path(data_dir) / "backups"


def counts_text(counts: dict[str, int]) -> str:
    from app.db.backup import COUNTED

    zh = {
        "patients": "居民",
        "referrals": "转诊单",
        "followup_plans": "随访计划",
        "followup_visits": "随访记录",
        "followup_contacts": "随访联系",
        "training_activities": "培训活动",
        "training_attendance": "培训签到",
        "staff": "人员",
        "users": "用户",
        "audit_log": "操作日志",
        "outbox": "待上传",
    }
    return "，".join(f"{zh.get(t, t)} {counts[t]}" for t, _ in COUNTED if t in counts)


def run_backup(data_dir: Path, to: Path | None) -> int:
    from app.config import Settings
    from app.db.backup import BackupFailed, daily_backup
    from app.db.migrate import refusal

    path = db_path(data_dir)
    if not path.exists():
        print(f"未找到数据库：{path}")
        return NOT_SET_UP
    refused = refusal(data_dir, full=False)
    if refused is not None:
        print(f"未备份：{refused}")
        return DATABASE
    folder = backup_folder(data_dir, to)
    try:
        made = daily_backup(path, folder, Settings.load(data_dir).backup_keep, force=True)
    except BackupFailed as exc:
        print(f"备份失败：{exc}")
        return DISK_FULL if exc.disk_full or "无法把备份写到" in str(exc) else DATABASE
    assert made is not None
    from app.db.backup import read_info

    info = read_info(made)
    print(f"已备份到 {made}（已通过 integrity_check；{counts_text(info.counts)}）")
    return OK


def run_restore(data_dir: Path, file: Path, yes: bool) -> int:
    from app.db.backup import unsent_dropped
    from app.db.restore import RestoreRefused, restore_backup, verify_backup

    try:
        info = verify_backup(file, data_dir)
    except RestoreRefused as exc:
        print(f"未恢复：{exc}")
        return REFUSED
    when = f"{info.created_at:%Y-%m-%d %H:%M}" if info.created_at else "时间不详"
    print(f"备份 {file}（{when}）：{counts_text(info.counts)}")
    current = db_path(data_dir)
    if current.exists() and current.stat().st_size:
        lost = unsent_dropped(current, file)
        if lost:
            print(f"当前数据中有 {len(lost)} 条尚未上传到县医院的记录，恢复后会丢失：")
            for u in lost[:50]:
                print(f"  - {u.record_type} {u.description}")
            if len(lost) > 50:
                print(f"  …… 另有 {len(lost) - 50} 条")
        print("恢复前会先把当前数据备份到数据目录的 backups 文件夹。")
    if not yes:
        if not sys.stdin.isatty():
            print("未恢复：请加 --yes 确认（或在终端中运行以便确认）")
            return REFUSED
        if input("确认恢复？输入 yes 继续：").strip().lower() != "yes":
            print("未恢复，数据没有改动")
            return REFUSED
    try:
        result = restore_backup(data_dir, file)
    except RestoreRefused as exc:
        print(f"未恢复：{exc}")
        return DISK_FULL if "磁盘空间不足" in str(exc) else REFUSED
    if result.safety_backup:
        print(f"恢复前的数据已备份到 {result.safety_backup}")
    if result.moved_aside:
        print(f"原数据库无法读取，已原样移到 {result.moved_aside}")
    print("已恢复。下一次同步会先从县医院取回本站在备份之后上传的记录。")
    return OK
