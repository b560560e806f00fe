"""Run by test_unsaved_forms in a child process: log in, type half a referral slip, wait for
its draft to reach the disk, say so, and hang until killed (a crash or power cut)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(data_dir: Path, password: str) -> None:
    from PySide6.QtWidgets import QApplication

    from app.domain.referral import Direction
    from app.services.bundle import AppServices
    from app.services.context import ServiceContext
    from app.ui.dialogs.referral_dialog import ReferralDialog

    app = QApplication([])
    services = AppServices.create(ServiceContext.open(data_dir), data_dir)
    services.users.login("admin", password)
    dialog = ReferralDialog(services, Direction.UP)
    dialog.show()
    dialog.impression.setText("高血压3级（极高危）")
    dialog.present_illness.setPlainText("反复胸闷2年，加重伴胸痛3小时")
    dialog.referring_phone.setText("0550-5012345")
    deadline = time.monotonic() + 30
    while dialog.kept_draft() is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.05)
    print("DRAFT" if dialog.kept_draft() is not None else "NO DRAFT", flush=True)
    while True:  # typing goes on until the power goes
        app.processEvents()
        time.sleep(0.05)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
