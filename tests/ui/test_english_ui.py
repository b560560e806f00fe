"""Under ``--lang en`` nothing the UI itself says is Chinese; in the Chinese UI Qt's own
dialogs are Chinese.

The walk shows the main window on the demo clinic in English, opens every page (and every
tab of a page), and reads every visible text: labels, buttons, group and tab titles, combo
items, table headers and cells, placeholders, window titles. Chinese is allowed only where it
is data: a CJK run that occurs in a value stored in the database (a patient's name, a
village, a diagnosis, the clinic's name) is data; anything else is the UI's and must be
English.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)

from app.db.engine import db_path
from app.services.bundle import AppServices
from app.services.context import ServiceContext
from app.ui import domain_text
from app.ui.change_bus import ChangeBus

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
DEMO_PASSWORD = "Demo-admin-1"
# Shown in their own language whatever the UI's: the language choice in 设置.
OWN_NAMES = {"简体中文"}


@pytest.fixture
def demo(data_dir: Path) -> Iterator[AppServices]:
    from app.demo import seed_demo
    from tests.conftest import fast_hasher

    ctx = ServiceContext.open(data_dir, password_hasher=fast_hasher())
    services = AppServices.create(ctx, data_dir)
    seed_demo(services, patients=30, admin_password=DEMO_PASSWORD)
    services.users.login("admin", DEMO_PASSWORD)
    yield services
    ctx.listeners.clear()
    ctx.dispose()


@pytest.fixture
def english(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    installed = qapp._cliniclink_zh_translators
    for t in installed:
        qapp.removeTranslator(t)
    domain_text.use_language("en")
    _forget_translated_names()
    yield
    domain_text.use_language("zh_CN")
    for t in installed:
        qapp.installTranslator(t)
    _forget_translated_names()


def _forget_translated_names() -> None:
    """app/ui/stats_text keeps its translated names once made (the language changes only at
    the next start); a test switching languages makes them again."""
    from app.ui import stats_text

    for value in vars(stats_text).values():
        clear = getattr(value, "cache_clear", None)
        if callable(clear):
            clear()


def data_runs(data_dir: Path, services: AppServices) -> set[str]:
    """Every run of Chinese characters in a text stored in the database: the data; and the
    county hospital's departments (the clinic's own list). A run the English catalogue
    translates is a label (an indication, an activity type stored as the form prints it),
    not data, and must be shown in English."""
    runs: set[str] = set()
    con = sqlite3.connect(db_path(data_dir))
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            if table in ("audit_log",):  # what users did, not data a page shows
                continue
            for row in con.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, str):
                        runs.update(CJK_RUN.findall(value))
    finally:
        con.close()
    for institution, departments in services.referrals.destinations().items():
        for text in (institution, *departments):
            runs.update(CJK_RUN.findall(text))
    return (runs - stored_labels()) | OWN_NAMES


# The domain's option lists whose Chinese text is what the database stores (the rest are
# stored as codes): such a value is a label and must be shown in English.
STORED_AS_TEXT = [
    "training.ACTIVITY_TYPES",
    "training.CREDIT_CLASSES",
    "training.PRACTICE_CATEGORIES",
    "followup.DM_SYMPTOMS",
    "followup.HTN_SYMPTOMS",
    "followup.FOOT_PULSE",
    "followup.SALT",
    "followup.GOOD_FAIR_POOR",
    "followup.OUTCOMES",
    "followup_criteria.HTN_EMERGENCY_ITEMS",
    "followup_criteria.DM_EMERGENCY_ITEMS",
    "referral.UP_INDICATIONS",
    "referral.DOWN_INDICATIONS",
    "referral.OTHER",
    "referral.PATIENT_TYPES",
    "referral.TRANSPORT",
    "referral.OUTCOMES",
    "referral.URGENCY",
]


def stored_labels() -> set[str]:
    """The Chinese runs of those labels ("类" of "II类" too)."""
    out: set[str] = set()
    for name in STORED_AS_TEXT:
        table = domain_text.label_tables()[name]
        for label in table.values() if isinstance(table, dict) else table:
            out.update(CJK_RUN.findall(label))
    return out


def visible_texts(window: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a user can see in ``window``."""
    out: list[tuple[str, str]] = [("window title", window.windowTitle())]
    for w in window.findChildren(QWidget):
        if not w.isVisibleTo(window):
            continue
        where = f"{type(w).__name__} {w.objectName()}".strip()
        if isinstance(w, QLabel | QAbstractButton):
            out.append((where, w.text()))
        if isinstance(w, QGroupBox):
            out.append((where, w.title()))
        if isinstance(w, QLineEdit | QPlainTextEdit):
            out.append((where + " placeholder", w.placeholderText()))
        if isinstance(w, QAbstractSpinBox):  # with its suffix ("7 days")
            out.append((where, w.text()))
        if w.toolTip():
            out.append((where + " tooltip", w.toolTip()))
        if isinstance(w, QTabWidget):
            out.extend((where + " tab", w.tabText(i)) for i in range(w.count()))
        if isinstance(w, QComboBox):
            out.extend((where + " item", w.itemText(i)) for i in range(w.count()))
        if isinstance(w, QAbstractItemView) and not isinstance(w, QHeaderView) and w.model():
            m = w.model()
            columns = 1 if isinstance(w, QListView) else m.columnCount()
            for c in range(columns):
                head = m.headerData(c, Qt.Orientation.Horizontal)
                out.append((where + " header", str(head or "")))
            for r in range(min(m.rowCount(), 30)):
                for c in range(columns):
                    value = m.index(r, c).data()
                    if isinstance(value, str):
                        out.append((f"{where} column {c}", value))
    return out


def chinese_ui_text(texts: list[tuple[str, str]], data: set[str]) -> list[str]:
    return sorted(
        {
            f"{where}: {text!r}"
            for where, text in texts
            if any(run not in data for run in CJK_RUN.findall(text))
        }
    )


def walk_pages(qtbot, window) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from app.ui.pages import PAGES

    texts: list[tuple[str, str]] = []
    for row, (key, _title, _factory) in enumerate(PAGES):
        window.nav.setCurrentRow(row)
        page = window.page(key)
        QApplication.processEvents()
        tabs = [t for t in page.findChildren(QTabWidget) if t.isVisibleTo(window)]
        for tab in tabs or [None]:
            for i in range(tab.count() if tab else 1):
                if tab:
                    tab.setCurrentIndex(i)
                qtbot.wait(50)
                texts.extend((f"{key}: {w}", t) for w, t in visible_texts(window))
    return texts


def test_every_page_is_english_under_lang_en(
    qtbot, demo: AppServices, data_dir: Path, english
) -> None:  # type: ignore[no-untyped-def]
    from app.ui.main_window import MainWindow

    bus = ChangeBus(demo.ctx)
    window = MainWindow(demo, bus)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    qtbot.waitExposed(window)
    try:
        texts = walk_pages(qtbot, window)
        # the statistics are computed in the background: wait for them, then read again
        qtbot.wait(1500)
        texts += walk_pages(qtbot, window)
    finally:
        window.sync.stop()
        window.tasks.wait(10_000)
    found = chinese_ui_text(texts, data_runs(data_dir, demo))
    assert found == [], "Chinese in the English UI:\n" + "\n".join(found)


def test_the_walk_catches_chinese_ui_text() -> None:
    texts = [("QLabel", "王芳"), ("QPushButton", "保存"), ("QLabel", "Sex: 女")]
    assert chinese_ui_text(texts, {"王芳"}) == ["QLabel: 'Sex: 女'", "QPushButton: '保存'"]


def test_qt_standard_dialogs_are_chinese_in_the_chinese_ui(qtbot) -> None:  # type: ignore[no-untyped-def]
    box = QMessageBox(QMessageBox.Icon.Question, "ClinicLink", "?")
    box.setStandardButtons(
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    assert {b.text() for b in box.buttons()} == {"是(&Y)", "否(&N)", "取消"}
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Discard
    )
    qtbot.addWidget(buttons)
    assert {b.text() for b in buttons.buttons()} == {"保存(&S)", "放弃"} or not any(
        re.search(r"[A-Za-z]{3}", b.text()) for b in buttons.buttons()
    )
    dialog = QFileDialog(None, "", str(Path(__file__).resolve().parents[2]), "PDF (*.pdf)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    english = [
        f"{type(w).__name__}: {w.text()!r}"
        for w in [*dialog.findChildren(QLabel), *dialog.findChildren(QAbstractButton)]
        if w.isVisibleTo(dialog) and re.search(r"[A-Za-z]{2}", w.text().replace("PDF", ""))
    ]
    assert english == []
    labels = {w.text() for w in dialog.findChildren(QLabel) if w.isVisibleTo(dialog)}
    assert "查找范围(&I)：" in labels and "文件类型(&T)：" in labels
    # the 类型 column of the file list ("Folder" in English before)
    from PySide6.QtWidgets import QTreeView

    qtbot.waitUntil(
        lambda: (
            dialog.findChild(QTreeView).model().rowCount(dialog.findChild(QTreeView).rootIndex())
            > 0
        )
    )
    view = dialog.findChild(QTreeView)
    model = view.model()
    types = {
        model.index(r, 2, view.rootIndex()).data() for r in range(model.rowCount(view.rootIndex()))
    }
    assert "文件夹" in types and "Folder" not in types


def _dialog(name: str, demo: AppServices):  # type: ignore[no-untyped-def]
    from app.domain.followup import PlanKind
    from app.domain.referral import Direction
    from app.ui.dialogs.activity_dialog import ActivityDialog
    from app.ui.dialogs.audit_dialog import AuditDialog
    from app.ui.dialogs.patient_dialog import PatientDialog
    from app.ui.dialogs.referral_dialog import ReferralDialog
    from app.ui.dialogs.timeline_dialog import TimelineDialog
    from app.ui.dialogs.visit_dialog import VisitDialog

    patient = demo.patients.search("", limit=1)[0]
    if name == "patient":
        return PatientDialog(demo, demo.patients.get(patient.id))
    if name == "timeline":
        # a patient with a referral slip and follow-up visits on the timeline
        referred = sorted({r.patient_id for r in demo.referrals.search(limit=50)})
        visited = [p for p in referred if demo.followups.visits_for_patient(p)]
        assert visited, "the demo has a referred patient with visits"
        return TimelineDialog(demo, visited[0])
    if name == "referral_up":
        return ReferralDialog(demo, Direction.UP)
    if name == "referral_down":
        return ReferralDialog(demo, Direction.DOWN)
    if name == "visit":
        plan = demo.followups.create_plan(patient.id, PlanKind.DIABETES, demo.ctx.today(), "李医生")
        return VisitDialog(demo, plan.id)
    if name == "audit":
        return AuditDialog(demo)
    if name == "plan":
        from app.ui.dialogs.plan_dialog import PlanDialog

        return PlanDialog(demo)
    if name == "end_plan":
        from app.ui.dialogs.plan_dialog import EndPlanDialog

        plan = demo.followups.create_plan(patient.id, PlanKind.DIABETES, demo.ctx.today(), "李医生")
        return EndPlanDialog(demo, plan.id)
    if name == "feedback":
        from app.ui.dialogs.feedback_dialog import FeedbackDialog

        up = [r for r in demo.referrals.search(limit=50) if r.direction == "up"]
        return FeedbackDialog(demo, up[0])
    if name == "credit_rules":
        from app.ui.dialogs.credit_rules_dialog import CreditRulesDialog

        return CreditRulesDialog(demo)
    if name == "password":
        from app.ui.dialogs.password_dialog import ChangePasswordDialog

        return ChangePasswordDialog(demo)
    if name == "login":
        from app.ui.dialogs.login_dialog import LoginDialog

        return LoginDialog(demo, "来安县桃花镇卫生院", "admin")
    if name == "restore":
        from app.services.backups import BackupService
        from app.ui.dialogs.restore_dialog import RestoreDialog

        return RestoreDialog(BackupService(demo.data_dir))
    return ActivityDialog(demo)


DIALOGS = [
    "patient",
    "timeline",
    "referral_up",
    "referral_down",
    "visit",
    "audit",
    "activity",
    "plan",
    "end_plan",
    "feedback",
    "credit_rules",
    "password",
    "login",
    "restore",
]


@pytest.mark.parametrize("name", DIALOGS)
def test_the_main_dialogs_are_english_under_lang_en(  # type: ignore[no-untyped-def]
    qtbot, demo: AppServices, data_dir: Path, english, name: str
) -> None:
    d = _dialog(name, demo)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    qtbot.wait(100)
    texts = [(f"{type(d).__name__}: {w}", t) for w, t in visible_texts(d)]
    d.close()
    found = chinese_ui_text(texts, data_runs(data_dir, demo))
    assert found == [], "Chinese in the English UI:\n" + "\n".join(found)


def test_audit_details_are_in_words_in_the_chinese_ui(qtbot, demo: AppServices) -> None:  # type: ignore[no-untyped-def]
    from app.ui.dialogs.audit_dialog import AuditDialog

    d = AuditDialog(demo)
    qtbot.addWidget(d)
    details = [d.table.item(r, 5).text() for r in range(d.table.rowCount())]
    assert any(t.startswith("单号: ") for t in details), details  # a number, in words
    english = [t for t in details if re.search(r"\b(number|to|kind|reason|received)\b", t)]
    assert english == []
    assert any("类别: 2型糖尿病" in t or "类别: 高血压" in t for t in details)


def test_every_list_behind_a_figure_is_english_under_lang_en(  # type: ignore[no-untyped-def]
    qtbot, demo: AppServices, data_dir: Path, english
) -> None:
    """Each figure card of 统计 and the department, indication and month lists open a list
    of records (the report's, Chinese): the dialog shows its title, headers and labels in
    English."""
    from app.domain.periods import year
    from app.domain.stats import followup_rows, referral_rows, training_rows
    from app.ui.dialogs.drill_dialog import DrillDialog

    period = year(demo.ctx.today().year)
    f = demo.stats.figures(period)
    wanted = {(r.drill, r.facet) for r in [*referral_rows(f), *followup_rows(f), *training_rows(f)]}
    wanted |= {("referrals.department", d) for d, _n in f.referrals.by_department}
    wanted |= {("referrals.indication", i) for i, _n in f.referrals.by_indication}
    wanted |= {("referrals.up", m.code) for m in period.months()[-2:]}
    wanted |= {("followups.visits", m.code) for m in period.months()[-2:]}
    wanted = {(k, facet) for k, facet in wanted if k}
    assert len(wanted) > 10
    texts: list[tuple[str, str]] = []
    for key, facet in sorted(wanted):
        d = DrillDialog(demo.stats.drill(key, period, facet))
        qtbot.addWidget(d)
        d.show()
        texts += [(f"{key} {facet}: {w}", t) for w, t in visible_texts(d)]
        d.close()
    found = chinese_ui_text(texts, data_runs(data_dir, demo))
    assert found == [], "Chinese in the English UI:\n" + "\n".join(found)


@pytest.mark.parametrize("kind", ["htn", "dm"])
def test_the_visit_forms_emergency_readings_are_english_under_lang_en(  # type: ignore[no-untyped-def]
    qtbot, demo: AppServices, data_dir: Path, english, kind: str
) -> None:
    """The live emergency hint under the readings (a threshold crossed as the doctor types)."""
    from app.ui.dialogs.visit_dialog import VisitDialog

    plan = next(it for it in demo.followups.worklist("all") if it.kind == kind)
    d = VisitDialog(demo, plan.plan_id)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    for box, typed in ((d.sbp, "186"), (d.dbp, "112")):
        box.lineEdit().selectAll()
        qtbot.keyClicks(box.lineEdit(), typed)
    if kind == "dm":
        d.fasting_glucose.lineEdit().selectAll()
        qtbot.keyClicks(d.fasting_glucose.lineEdit(), "17.2")
        d.heart_rate.lineEdit().selectAll()
        qtbot.keyClicks(d.heart_rate.lineEdit(), "130")
    qtbot.waitUntil(lambda: d.emergency_label.isVisible())
    hint = d.emergency_label.text()
    assert "Systolic 186 mmHg" in hint and "Diastolic 112 mmHg" in hint, hint
    if kind == "dm":
        assert "Glucose 17.2 mmol/L" in hint and "heart rate 130" in hint, hint
    assert chinese_ui_text([("emergency hint", hint)], set()) == []
    d.discard_draft()
    d._baseline = None  # typed for the test only: close without the unsaved-changes question
    d.close()
