"""Training flow: plan an activity, print its sign-in sheet, mark attendance, see totals change."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QComboBox, QMessageBox
from pytestqt.qtbot import QtBot

from app.domain import clinic_clock
from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus
from app.ui.pages.training import TrainingPage


def people_hours(page: TrainingPage) -> dict[str, str]:
    t = page.people_table
    return {t.item(r, 0).text(): t.item(r, 1).text() for r in range(t.rowCount())}


def test_plan_print_mark_and_see_totals(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    for name, dept in (("王芳", "内科"), ("李强", "外科"), ("赵敏", "护理部")):
        services.training.add_staff(name, dept, "医师")
    page = TrainingPage(services, bus)
    qtbot.addWidget(page)
    page.show()
    page.year.setValue(clinic_clock.today().year)
    assert people_hours(page) == {"王芳": "0", "李强": "0", "赵敏": "0"}

    dialog = page.plan_activity()
    qtbot.addWidget(dialog)
    dialog.topic.setText("")
    dialog.start.setTime(QTime(14, 0))
    dialog.end.setTime(QTime(13, 0))
    dialog.save()
    assert "主题" in dialog.errors.text("topic") and "晚于开始" in dialog.errors.text("end")
    assert services.training.activities(clinic_clock.today().year) == []
    dialog.topic.setText("基层高血压规范化管理")
    dialog.day.setDate(QDate.currentDate())
    dialog.end.setTime(QTime(17, 0))
    assert dialog.hours.value() == 3.0  # suggested from the times
    dialog.credit_class.setCurrentText("II类")
    dialog.credits.setValue(1.0)
    dialog.save()
    assert dialog.saved is not None
    qtbot.waitUntil(lambda: page.activity_table.rowCount() == 1)

    page.activity_table.selectRow(0)
    preview = page.print_sheet and page.print_selected_sheet()
    assert preview is not None and preview.page_count() == 1
    qtbot.waitUntil(lambda: page.activity_table.item(0, 7).text() == "已打印签到表")

    page.activity_table.selectRow(0)
    page.open_attendance()
    assert page.tabs.currentIndex() == 1
    table = page.attendance_table
    assert table.rowCount() == 3
    table.selectAll()
    qtbot.keyClick(table, Qt.Key.Key_1)  # everyone 出席
    table.clearSelection()
    table.selectRow(1)
    qtbot.keyClick(table, Qt.Key.Key_4)  # the second row 缺席
    marks = [table.cellWidget(r, 3).currentText() for r in range(3)]  # type: ignore[union-attr]
    assert marks.count("出席") == 2 and marks.count("缺席") == 1
    page.store_attendance()
    assert "3" in page.attendance_message.text()
    absent = table.item(1, 0).text()  # type: ignore[union-attr]
    qtbot.waitUntil(
        lambda: (
            people_hours(page)[absent] == "0"
            and sorted(people_hours(page).values()) == ["0", "3", "3"]
        )
    )
    assert page.activity_table.item(0, 6).text() == "2"  # attended
    figures = {
        page.figures_table.item(r, 0).text(): page.figures_table.item(r, 1).text()
        for r in range(page.figures_table.rowCount())
    }
    assert figures["学术讲座场"] == "1" and figures["业务培训人次"] == "2"


def test_deleting_an_activity_with_sign_in_asks_first(
    qtbot: QtBot, services: AppServices, bus: ChangeBus, monkeypatch
) -> None:
    from datetime import time

    from app.domain.training import ActivityInput, Attendance

    sid = services.training.add_staff("王芳").id
    a = services.training.plan_activity(
        ActivityInput(
            day=clinic_clock.today(), start=time(9), end=time(11), hours=2, topic="病例讨论"
        )
    )
    services.training.record_attendance(a.id, {sid: Attendance.PRESENT})
    page = TrainingPage(services, bus)
    qtbot.addWidget(page)
    page.show()
    page.activity_table.selectRow(0)
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No
    )
    page.void_selected()
    assert asked and "病例讨论" in asked[0]
    assert len(services.training.activities(clinic_clock.today().year)) == 1  # kept
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.void_selected()
    qtbot.waitUntil(lambda: page.activity_table.rowCount() == 0)
    assert isinstance(page.findChild(QComboBox), QComboBox)


def test_sign_in_time_and_secondment_from_the_page(
    qtbot: QtBot, services: AppServices, bus: ChangeBus
) -> None:
    from datetime import time

    from PySide6.QtWidgets import QLineEdit

    from app.domain.training import ActivityInput

    services.training.add_staff("王芳", "内科")
    services.training.plan_activity(
        ActivityInput(
            day=clinic_clock.today(), start=time(14), end=time(16), hours=2, topic="心电图判读"
        )
    )
    page = TrainingPage(services, bus)
    qtbot.addWidget(page)
    page.show()
    page.activity_table.selectRow(0)
    page.open_attendance()
    page.attendance_table.selectAll()
    qtbot.keyClick(page.attendance_table, Qt.Key.Key_2)  # 迟到
    when = page.attendance_table.cellWidget(0, 4)
    assert isinstance(when, QLineEdit)
    when.setText("25:99")
    page.store_attendance()
    assert "王芳" in page.attendance_message.text()  # named, nothing saved
    assert services.training.activities(clinic_clock.today().year)[0].attended == 0
    when.setText("14:20")
    page.store_attendance()
    line = services.training.sheet(services.training.activities(clinic_clock.today().year)[0].id)[0]
    assert (line.status, f"{line.signed_in_at:%H:%M}") == ("late", "14:20")
    # 进修 from the form
    page.sec_staff.setCurrentIndex(0)
    page.sec_to.setDate(page.sec_from.date().addDays(-1))
    page.add_secondment()
    assert "结束日期" in page.sec_message.text()
    page.sec_to.setDate(page.sec_from.date().addMonths(3))
    page.add_secondment()
    qtbot.waitUntil(lambda: page.secondment_table.rowCount() == 1)
    assert page.secondment_table.item(0, 0).text() == "王芳"  # type: ignore[union-attr]
