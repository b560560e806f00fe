"""Render the main screens to PNG: scripts/screenshots.py OUT_DIR [--lang en].

Offscreen by default (each window grabbed on its own). With ``QT_QPA_PLATFORM=xcb`` and a
DISPLAY (Xvfb with a window manager such as openbox, at 1366×768 or 1024×768) the real screen
is captured instead (``import -window root``): the main window maximised by the window
manager, dialogs at the size they take on that screen, as a clinic PC shows them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget  # noqa: E402

from app.db.migrate import open_database  # noqa: E402
from app.demo import seed_demo  # noqa: E402
from app.services.bundle import AppServices  # noqa: E402
from app.services.context import ServiceContext  # noqa: E402
from app.ui.application import install_translators  # noqa: E402
from app.ui.change_bus import ChangeBus  # noqa: E402

REAL_SCREEN = os.environ.get("QT_QPA_PLATFORM") == "xcb" and bool(os.environ.get("DISPLAY"))


def settle(seconds: float = 0.7) -> None:
    """Let the window manager map, place and paint the windows."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.03)


def grab_screen(path: Path) -> None:
    subprocess.run(["import", "-window", "root", str(path)], check=True)
    print(path)


def shot(widget: QWidget, path: Path) -> None:
    if not REAL_SCREEN:
        widget.show()
        QApplication.processEvents()
        widget.grab().save(str(path))
        print(path)
        return
    if isinstance(widget, QMainWindow):
        widget.showMaximized()
    else:
        widget.show()
    widget.raise_()
    widget.activateWindow()
    settle()
    grab_screen(path)
    if not isinstance(widget, QMainWindow):
        widget.hide()  # the next shot shows the main window again


def shot_question(trigger, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Capture the modal box that ``trigger()`` opens, then answer it with its escape button."""

    def capture() -> None:
        box = QApplication.activeModalWidget()
        if REAL_SCREEN:
            settle(0.5)
            grab_screen(path)
        elif box is not None:
            box.grab().save(str(path))
            print(path)
        if isinstance(box, QMessageBox):
            box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(300, capture)
    trigger()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    lang = "en" if "--lang" in sys.argv and sys.argv[-1] == "en" else "zh_CN"
    app = QApplication([])
    install_translators(app, lang)
    tmp = Path(tempfile.mkdtemp())
    open_database(tmp / "setup")
    fresh = AppServices.create(ServiceContext.open(tmp / "setup"), tmp / "setup")
    from app.ui.dialogs.setup_dialog import SetupDialog

    setup = SetupDialog(fresh)
    shot(setup, out / f"setup-{lang}.png")

    open_database(tmp / "demo")
    services = AppServices.create(ServiceContext.open(tmp / "demo"), tmp / "demo")
    seed_demo(services, patients=120)
    from app.ui.dialogs.login_dialog import LoginDialog

    login = LoginDialog(services, services.users.clinic().name, "doctor")  # type: ignore[union-attr]
    login.password.setText("wrong")
    login.submit()
    shot(login, out / f"login-{lang}.png")
    services.users.login("doctor", "doctor123")
    bus = ChangeBus(services.ctx)
    from app.ui.main_window import MainWindow

    window = MainWindow(services, bus)
    window.resize(1366, 768)
    shot(window, out / f"main-{lang}.png")
    page = window.page("patients")
    # Search by the pinyin initials of a resident who is really there (demo names vary).
    from app.domain.names import pinyin_keys

    first_name = services.patients.search("", limit=1)[0].name
    page.search.setText(pinyin_keys(first_name)[0])  # type: ignore[attr-defined]
    page.run_search()  # type: ignore[attr-defined]
    shot(window, out / f"main-search-{lang}.png")
    dialog = page.new_patient()  # type: ignore[attr-defined]
    dialog.name.setText("张三")
    dialog.id_number.setText("110105194912310021")
    dialog.phone.setText("1381234")
    dialog.save()
    shot(dialog, out / f"patient-dialog-{lang}.png")
    window.show_key("followups")
    shot(window, out / f"placeholder-{lang}.png")
    referrals = window.show_key("referrals")
    shot(window, out / f"referrals-{lang}.png")
    from app.domain.referral import Direction

    up = referrals.new_referral(Direction.UP)  # type: ignore[attr-defined]
    if not REAL_SCREEN:
        up.resize(760, 980)
    up.picker.set_patient(services.patients.search("", limit=1)[0])
    up.impression.setText("高血压3级（极高危）")
    up.save(submit=True)  # missing fields: shows the messages
    shot(up, out / f"referral-dialog-{lang}.png")
    if REAL_SCREEN:  # Esc on the changed slip asks 保存 / 不保存 / 取消
        up.show()
        settle()
        shot_question(up.reject, out / f"referral-unsaved-question-{lang}.png")
        up.hide()
    down = referrals.new_referral(Direction.DOWN)  # type: ignore[attr-defined]
    if not REAL_SCREEN:
        down.resize(760, 980)
    shot(down, out / f"referral-down-dialog-{lang}.png")
    referrals.table.selectRow(0)  # type: ignore[attr-defined]
    row = referrals.selected()  # type: ignore[attr-defined]
    preview = referrals.open_preview(row)  # type: ignore[attr-defined]
    shot(preview, out / f"referral-preview-{lang}.png")
    preview.close()
    training = window.show_key("training")
    shot(window, out / f"training-activities-{lang}.png")
    training.activity_table.selectRow(0)  # type: ignore[attr-defined]
    training.open_attendance()  # type: ignore[attr-defined]
    shot(window, out / f"training-signin-{lang}.png")
    training.tabs.setCurrentIndex(4)  # type: ignore[attr-defined]
    shot(window, out / f"training-totals-{lang}.png")
    activity_id = training.selected_activity().id  # type: ignore[attr-defined]
    (out / "signin-sheet.pdf").write_bytes(services.training.signin_sheet_pdf(activity_id))
    (out / "training-summary.pdf").write_bytes(services.training.summary_pdf(date.today().year))
    # after a save: 已保存：… in the status bar, the new patient shown and selected
    from app.services.drafts import DraftStore

    drafts = DraftStore(services.data_dir)  # the forms above were left open: no offer here
    for kept in drafts.all():
        drafts.discard(kept.key)
    patients = window.show_key("patients")
    saved = patients.new_patient()  # type: ignore[attr-defined]
    saved.name.setText("王小明")
    saved.sex.setCurrentIndex(1)
    saved.birth_date.setText("1980-05-01")
    saved.village.setText("桃花村")
    saved.save()
    shot(window, out / f"patient-saved-{lang}.png")
    followup_shots(services, bus, window, out, lang)
    sync_shots(services, bus, out, lang)


def followup_shots(
    services: AppServices, bus: ChangeBus, window: QWidget, out: Path, lang: str
) -> None:
    """随访: the worklist, a new plan, ending one, 年度达标, both visit forms (with their own
    emergency checks), the timeline with visits, the intervals setting, and the printed form."""
    import subprocess

    from PySide6.QtWidgets import QScrollArea

    from app.domain.followup import PlanStatus
    from app.ui.dialogs.timeline_dialog import TimelineDialog
    from app.ui.dialogs.visit_dialog import VisitDialog
    from app.ui.pages.settings import SettingsPage

    page = window.show_key("followups")  # type: ignore[attr-defined]
    page.tabs.setCurrentIndex(2)
    shot(window, out / f"followups-overdue-{lang}.png")
    page.tabs.setCurrentIndex(0)
    shot(window, out / f"followups-today-{lang}.png")
    page.table.selectRow(0)
    plan_dialog = page.new_plan()
    plan_dialog.picker.set_patient(services.patients.search("", limit=1)[0])
    plan_dialog.kind.setCurrentIndex(plan_dialog.kind.findData("dm"))
    shot(plan_dialog, out / f"followup-plan-dialog-{lang}.png")
    plan_dialog.reject()
    end = page.end_plan()
    end.status.setCurrentIndex(end.status.findData(PlanStatus.LOST.value))
    end.save()  # no reason yet: shows the message
    shot(end, out / f"followup-end-plan-{lang}.png")
    end.reject()
    page.sections.setCurrentIndex(1)
    shot(window, out / f"followups-compliance-{lang}.png")
    page.sections.setCurrentIndex(0)

    plans = {it.kind: it for it in services.followups.worklist("all")}
    for kind in ("htn", "dm"):
        dialog = VisitDialog(services, plans[kind].plan_id)
        dialog.symptom_boxes["无症状"].setChecked(True)
        dialog.sbp.setValue(186)
        dialog.dbp.setValue(96)
        dialog.weight.setValue(72)
        dialog.target_weight.setValue(66)
        dialog.height_edit.setValue(168)
        if kind == "dm":
            dialog.fasting_glucose.setValue(8.4)
            dialog.heart_rate.setValue(108)
            dialog.insulin.setText("门冬胰岛素30")
            dialog.insulin_dose.setText("早12U 晚10U 餐前皮下注射")
        dialog.set_medication(0, "苯磺酸氨氯地平片", 1, "5mg")
        shot(dialog, out / f"visit-{kind}-{lang}.png")
        body = dialog.findChild(QScrollArea).widget()
        body.grab().save(str(out / f"visit-{kind}-full-{lang}.png"))
        print(out / f"visit-{kind}-full-{lang}.png")
        dialog.discard_draft()  # filled for the picture only: close without the 保存? question
        dialog._baseline = None
        dialog.close()

    patient_id = plans["htn"].patient_id
    timeline = TimelineDialog(services, patient_id)
    shot(timeline, out / f"timeline-visits-{lang}.png")
    timeline.close()

    pdf = page.year_form_pdf(plans["htn"].plan_id, date.today().year)
    (out / "followup-form.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-singlefile",
            str(out / "followup-form.pdf"),
            str(out / "followup-form"),
        ],
        check=False,
    )
    actor = services.ctx.actor
    services.users.login("admin", "admin123")
    settings = SettingsPage(services, bus)
    settings.resize(1366, 740)
    settings.intervals.uncontrolled.setValue(30)
    settings.intervals.controlled.setValue(28)
    settings.intervals.save()  # refused: shows the message beside the field
    shot(settings, out / f"settings-intervals-{lang}.png")
    settings.close()
    if actor is not None:
        services.users.login(actor.username, "doctor123")


def sync_shots(services: AppServices, bus: ChangeBus, out: Path, lang: str) -> None:
    """The 同步 page as the administrator sees it: hub unreachable, two records refused, one
    county record this PC could not store."""
    from PySide6.QtCore import QEventLoop
    from sqlalchemy import select

    from app.db.models import Outbox, Patient
    from app.db.sync_models import PulledParked
    from app.sync.protocol import PulledChange
    from app.ui.main_window import MainWindow
    from tests.hub_server import free_port

    services.users.login("admin", "admin123")
    with services.ctx.session() as s:  # what the hub answers for an over-long field
        for row in s.scalars(select(Outbox).where(Outbox.record_type == "patient").limit(2)):
            row.state, row.error = "error", "备注：过长（最多20000字）"  # as the hub says it
            rec = s.get(Patient, row.record_id)
            rec.sync_state, rec.sync_error = "error", row.error
        # and a downward slip from the county this PC could not store (kept, retried)
        slip = PulledChange(
            seq=1,
            type="referral",
            id="5f0c6a4e-0000-4000-8000-000000000001",
            version=1,
            deleted=False,
            owner="county",
            data={
                "number": "XZ20261130001",
                "patient_name": "周玉梅",
                "followup_date": "2026-02-30",
            },
        )
        s.add(
            PulledParked(
                record_type="referral",
                record_id=slip.id,
                version=1,
                change=slip.model_dump_json(),
                error="字段 followup_date 的值 '2026-02-30' 无法识别（不是有效的日期）",
                at=services.ctx.clock(),
                attempts=1,
            )
        )
    dead = f"https://127.0.0.1:{free_port()}"  # nothing listens: the offline state
    services.sync_runner.save_hub_settings(dead, "demo-token-not-real", "")
    services.sync_runner.engine_options = {"max_attempts": 1}
    window = MainWindow(services, bus)
    window.resize(1366, 768)
    page = window.show_key("sync")
    loop = QEventLoop()
    window.sync.round_finished.connect(lambda _r: loop.quit())
    window.sync.sync_now()
    loop.exec()
    shot(window, out / f"sync-{lang}.png")
    page.hub_url.setText(dead)  # type: ignore[attr-defined]
    page.test_connection()  # type: ignore[attr-defined]
    window.tasks.wait()
    QApplication.processEvents()
    shot(window, out / f"sync-test-connection-{lang}.png")
    # a test bench's plain http:// hub: the option ticked and saved, the red warning on top
    page.hub_url.setText(dead.replace("https://", "http://"))  # type: ignore[attr-defined]
    page.allow_http.setChecked(True)  # type: ignore[attr-defined]
    page.save_settings()  # type: ignore[attr-defined]
    QApplication.processEvents()
    shot(window, out / f"sync-http-test-bench-{lang}.png")


if __name__ == "__main__":
    main()
