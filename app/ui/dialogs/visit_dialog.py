"""The visit forms: 高血压 and 2型糖尿病 患者随访服务记录表 (national, complete), and the generic
rehabilitation / outcome check. Each chronic form also asks its own emergency checks
(the standard's criteria for referral at once: symptoms, pregnancy or lactation, and for
diabetes heart rate and temperature), which are not
printed on the paper form. An emergency or two consecutive 控制不满意 prompts an upward
referral, prefilled from the visit."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import followup as rules
from app.domain.errors import ValidationError
from app.domain.followup import Medication, PlanKind, VisitInput
from app.services.bundle import AppServices
from app.services.followups import VisitResult
from app.ui.domain_text import translating, ui
from app.ui.widgets.form_dialog import FormDialog
from app.ui.widgets.form_errors import FieldErrors
from app.ui.widgets.screen_fit import fit_to_screen, scroll_body
from app.ui.widgets.status_note import notify_saved


def _spin(lo: int, hi: int, suffix: str = "") -> QSpinBox:
    s = QSpinBox()
    s.setRange(lo - 1, hi)  # the value below the range shows as blank ("not measured")
    s.setSpecialValueText(" ")
    s.setValue(lo - 1)
    if suffix:
        s.setSuffix(suffix)
    return s


def _dspin(lo: float, hi: float, dec: int = 1, suffix: str = "") -> QDoubleSpinBox:
    s = QDoubleSpinBox()
    s.setDecimals(dec)
    s.setRange(lo - 1, hi)
    s.setSpecialValueText(" ")
    s.setValue(lo - 1)
    if suffix:
        s.setSuffix(suffix)
    return s


def _val(s: QSpinBox | QDoubleSpinBox) -> float | None:
    return None if s.value() == s.minimum() else s.value()


def _int(s: QSpinBox) -> int | None:
    v = _val(s)
    return None if v is None else int(v)


def _radios(options: list[str], name: str) -> tuple[QWidget, QButtonGroup]:
    w = QWidget()
    w.setObjectName(name)
    lay = QHBoxLayout(w)
    lay.setContentsMargins(0, 0, 0, 0)
    g = QButtonGroup(w)
    for i, o in enumerate(options):
        b = QRadioButton(ui(o))
        g.addButton(b, i)
        lay.addWidget(b)
    lay.addStretch(1)
    return w, g


def _chosen(c: QComboBox) -> str:
    """The stored (Chinese) value of an option list shown in the UI's language."""
    data = c.currentData()
    return data if isinstance(data, str) else c.currentText()


class _Pair(QWidget):
    """A lifestyle now / target pair as on the paper: 当前 __ / 目标 __."""

    def __init__(self, make, unit: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.now, self.target = make(), make()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel(self.tr("now")))
        lay.addWidget(self.now)
        lay.addWidget(QLabel(self.tr("target")))
        lay.addWidget(self.target)
        lay.addWidget(QLabel(unit))
        lay.addStretch(1)

    def values(self):  # type: ignore[no-untyped-def]
        if isinstance(self.now, QComboBox):
            return (_chosen(self.now), _chosen(self.target))
        return (_int(self.now), _int(self.target))


class VisitDialog(FormDialog):
    def __init__(
        self,
        services: AppServices,
        plan_id: str,
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.plan_id = plan_id
        self.plan, self.patient_name = services.followups.plan(plan_id)
        self.kind = PlanKind(self.plan.kind)
        self.saved: VisitResult | None = None
        self.referral_prompted = False
        self.errors = FieldErrors()
        self.today = today or services.ctx.today()
        dm = self.kind is PlanKind.DIABETES
        chronic = self.kind in rules.CHRONIC
        self.setWindowTitle(
            self.tr("%1 follow-up — %2")
            .replace("%1", ui(rules.PLAN_KIND_NAMES[self.kind]))
            .replace("%2", self.patient_name)
        )
        fit_to_screen(self, 820, 860)

        body = QWidget()
        form = QFormLayout(body)
        self.form = form
        self.visit_date = QDateEdit(QDate(self.today.year, self.today.month, self.today.day))
        self.visit_date.setObjectName("visit_date")
        self.visit_date.setCalendarPopup(True)
        self.visit_date.setDisplayFormat("yyyy-MM-dd")
        self._row("visit_date", self.tr("Visit date *"), self.visit_date)
        w, self.method = _radios(list(rules.METHODS.values()), "method")
        self.method.button(0).setChecked(True)
        self._row("method", self.tr("Method *"), w)

        self.symptom_boxes: dict[str, QCheckBox] = {}
        self.emergency_boxes: dict[str, QCheckBox] = {}
        self.other_illness = QLineEdit()
        self.other_illness.setObjectName("other_illness")
        self.other_illness.setPlaceholderText(self.tr("Name it; empty = none"))
        self.other_abnormal = QLineEdit()
        self.other_abnormal.setObjectName("other_abnormal")
        self.other_abnormal.setPlaceholderText(self.tr("Name it; empty = none"))
        self.adverse_uncontrolled = QCheckBox(self.tr("Hard to control"))
        self.adverse_uncontrolled.setObjectName("adverse_uncontrolled")
        self.hba1c_date = QDateEdit()
        self.hba1c_date.setObjectName("hba1c_date")
        self.hba1c_date.setCalendarPopup(True)
        self.hba1c_date.setDisplayFormat("yyyy-MM-dd")
        self.hba1c_date.setMinimumDate(QDate(2000, 1, 1))
        self.hba1c_date.setSpecialValueText(" ")  # the minimum shows blank: not tested
        self.hba1c_date.setDate(self.hba1c_date.minimumDate())
        self.hba1c_date.setMaximumWidth(160)
        self.other_symptom = QLineEdit()
        self.sbp, self.dbp = _spin(50, 300), _spin(20, 200)
        self.sbp.setObjectName("sbp")
        self.dbp.setObjectName("dbp")
        self.weight, self.target_weight = _dspin(2, 300), _dspin(2, 300)
        self.height_edit = _dspin(40, 250)
        self.bmi = QLabel()
        self.bmi.setObjectName("bmiLabel")
        self.heart_rate = _spin(20, 250)
        self.heart_rate.setObjectName("heart_rate")
        self.foot_pulse = QComboBox()
        for item in ["", *rules.FOOT_PULSE]:
            self.foot_pulse.addItem(ui(item), item)
        self.other_signs = QLineEdit()
        self.fasting_glucose = _dspin(0.5, 50)
        self.fasting_glucose.setObjectName("fasting_glucose")
        self.hba1c = _dspin(2, 20)
        self.other_tests = QLineEdit()
        self.adverse = QLineEdit()
        self.adverse.setPlaceholderText(self.tr("Empty = none"))
        self.complication = QLineEdit()
        self.complication.setPlaceholderText(self.tr("Empty = none"))
        self.classification = QComboBox()
        self.classification.setObjectName("classification")
        self.insulin = QLineEdit()
        self.insulin.setObjectName("insulin")
        self.insulin.setPlaceholderText(self.tr("Kind, e.g. insulin aspart 30"))
        self.insulin_dose = QLineEdit()
        self.insulin_dose.setObjectName("insulin_dose")
        self.insulin_dose.setPlaceholderText(
            self.tr("Usage and dose, e.g. 12 U morning, 10 U evening, before meals")
        )
        self.pregnant = QCheckBox(self.tr("Pregnant or breastfeeding"))
        self.pregnant.setObjectName("pregnant")
        self.temperature = _dspin(30, 45, 1, " ℃")
        self.temperature.setObjectName("temperature")
        self.emergency_label = QLabel()
        self.emergency_label.setObjectName("emergencyLabel")
        self.emergency_label.setStyleSheet("color: #a93226; font-weight: bold;")
        self.emergency_label.setWordWrap(True)
        self.meds = QTableWidget(4, 3)
        self.referral_reason = QLineEdit()
        self.referral_to = QLineEdit()
        self.findings = QPlainTextEdit()
        self.outcome = QComboBox()
        self.outcome.setObjectName("outcome")
        self.next_date = QDateEdit()
        self.next_date.setObjectName("next_date")
        self.next_date.setCalendarPopup(True)
        self.next_date.setDisplayFormat("yyyy-MM-dd")
        self.doctor = QLineEdit(self.plan.doctor)
        self.doctor.setObjectName("doctor")
        for w_ in (
            self.heart_rate,
            self.temperature,
            self.fasting_glucose,
            self.hba1c,
            self.foot_pulse,
            self.outcome,
        ):
            w_.setMaximumWidth(160)
        self.visit_date.setMaximumWidth(160)
        self.next_date.setMaximumWidth(160)

        if chronic:
            box = QWidget()
            box.setObjectName("symptoms")
            grid = QGridLayout(box)
            grid.setContentsMargins(0, 0, 0, 0)
            names = rules.DM_SYMPTOMS if dm else rules.HTN_SYMPTOMS
            cols = self._columns([ui(n) for n in names])
            for i, n in enumerate(names):
                cb = QCheckBox(ui(n))
                self.symptom_boxes[n] = cb
                grid.addWidget(cb, i // cols, i % cols)
            grid.addWidget(QLabel(self.tr("Other")), len(names) // cols + 1, 0)
            grid.addWidget(self.other_symptom, len(names) // cols + 1, 1, 1, 3)
            self._row("symptoms", self.tr("Symptoms *"), box)
            bp = QWidget()
            h = QHBoxLayout(bp)
            h.setContentsMargins(0, 0, 0, 0)
            h.addWidget(self.sbp)
            h.addWidget(QLabel("/"))
            h.addWidget(self.dbp)
            h.addWidget(QLabel("mmHg"))
            h.addStretch(1)
            self._row("sbp", self.tr("Blood pressure *"), bp)
            self.errors.add("dbp", self.dbp)
            form.addRow("", self._err_label("dbp"))
            wt = QWidget()
            h = QHBoxLayout(wt)
            h.setContentsMargins(0, 0, 0, 0)
            for lbl, wdg in (
                (self.tr("now"), self.weight),
                (self.tr("target"), self.target_weight),
                (self.tr("kg　Height"), self.height_edit),
                ("cm　BMI", self.bmi),
            ):
                h.addWidget(QLabel(lbl))
                h.addWidget(wdg)
            h.addStretch(1)
            self._row("weight", self.tr("Weight"), wt)
            if dm:
                self._row("foot_pulse", self.tr("Dorsal foot artery pulse"), self.foot_pulse)
            else:
                self._row("heart_rate", self.tr("Heart rate (/min)"), self.heart_rate)
            self._row("other_signs", self.tr("Other signs"), self.other_signs)
            form.addRow(self._emergency_box(dm))

            life = QGroupBox(self.tr("Lifestyle guidance (now / target)"))
            lf = QFormLayout(life)
            self.smoking = _Pair(lambda: _spin(0, 100), self.tr("cigarettes/day"))
            self.drinking = _Pair(lambda: _spin(0, 50), self.tr("liang (50 g)/day"))
            self.ex_times = _Pair(lambda: _spin(0, 21), self.tr("times/week"))
            self.ex_minutes = _Pair(lambda: _spin(0, 300), self.tr("minutes/time"))
            self.salt = _Pair(lambda: self._combo([""] + rules.SALT), "")
            self.staple = _Pair(lambda: _spin(0, 2000), self.tr("g/day"))
            lf.addRow(self.tr("Smoking"), self.smoking)
            lf.addRow(self.tr("Drinking"), self.drinking)
            lf.addRow(self.tr("Exercise"), self.ex_times)
            lf.addRow("", self.ex_minutes)
            if dm:
                lf.addRow(self.tr("Staple food"), self.staple)
            else:
                lf.addRow(self.tr("Salt intake"), self.salt)
            self.psych = self._combo([""] + rules.GOOD_FAIR_POOR)
            self.compliance = self._combo([""] + rules.GOOD_FAIR_POOR)
            self.psych.setMaximumWidth(120)
            self.compliance.setMaximumWidth(120)
            lf.addRow(self.tr("Psychological adjustment"), self.psych)
            lf.addRow(self.tr("Compliance with advice"), self.compliance)
            form.addRow(life)

            if dm:
                self._row(
                    "fasting_glucose", self.tr("Fasting glucose (mmol/L) *"), self.fasting_glucose
                )
                hb = QWidget()
                h = QHBoxLayout(hb)
                h.setContentsMargins(0, 0, 0, 0)
                h.addWidget(self.hba1c)
                h.addWidget(QLabel(self.tr("Test date")))
                h.addWidget(self.hba1c_date)
                h.addStretch(1)
                self._row("hba1c", self.tr("HbA1c (%)"), hb)
                self.errors.add("hba1c_date", self.hba1c_date)
                form.addRow("", self._err_label("hba1c_date"))
            self._row("other_tests", self.tr("Other tests"), self.other_tests)
            w, self.adherence = _radios(list(rules.ADHERENCE.values()), "adherence")
            self.adherence.button(0).setChecked(True)
            self._row("adherence", self.tr("Medication adherence"), w)
            adv = QWidget()
            h = QHBoxLayout(adv)
            h.setContentsMargins(0, 0, 0, 0)
            h.addWidget(self.adverse, 1)
            h.addWidget(self.adverse_uncontrolled)
            self._row("adverse_reaction", self.tr("Adverse drug reactions"), adv)
            if dm:
                w, self.hypo = _radios(list(rules.HYPOGLYCEMIA.values()), "hypoglycemia")
                self.hypo.button(0).setChecked(True)
                self._row("hypoglycemia", self.tr("Hypoglycaemia"), w)
            self._row("new_complication", self.tr("New complication"), self.complication)
            self.suggested = QLabel()
            self.suggested.setObjectName("suggestedLabel")
            self.classification.addItem(self.tr("As suggested"), "")
            for c, n in rules.CLASS_NAMES.items():
                self.classification.addItem(ui(n), c.value)
            cl = QWidget()
            h = QHBoxLayout(cl)
            h.setContentsMargins(0, 0, 0, 0)
            h.addWidget(self.suggested)
            h.addWidget(self.classification)
            h.addStretch(1)
            self._row("classification", self.tr("Classification"), cl)
            self.meds.setHorizontalHeaderLabels(
                [self.tr("Drug"), self.tr("Times/day"), self.tr("Dose")]
            )
            self.meds.setMinimumHeight(150)
            self.meds.horizontalHeader().setStretchLastSection(True)
            self.meds.setColumnWidth(0, 220)
            self._row("medications", self.tr("Medication"), self.meds)
            if dm:
                ins = QWidget()
                h = QHBoxLayout(ins)
                h.setContentsMargins(0, 0, 0, 0)
                h.addWidget(self.insulin, 2)
                h.addWidget(self.insulin_dose, 3)
                self._row("insulin", self.tr("Insulin (kind; usage and dose)"), ins)
            self._row("referral_reason", self.tr("Referral reason"), self.referral_reason)
            self._row("referral_to", self.tr("Referred to (institution, dept.)"), self.referral_to)
            for spin in (self.sbp, self.dbp, self.heart_rate):
                spin.valueChanged.connect(self._update_suggestion)
            for dspin in (
                self.fasting_glucose,
                self.weight,
                self.target_weight,
                self.height_edit,
                self.temperature,
            ):
                dspin.valueChanged.connect(self._update_suggestion)
            self.visit_date.dateChanged.connect(self._update_suggestion)
            for le in (
                self.adverse,
                self.complication,
                self.other_symptom,
                self.other_signs,
                self.other_illness,
                self.other_abnormal,
            ):
                le.textChanged.connect(self._update_suggestion)
            for cb in [
                *self.symptom_boxes.values(),
                *self.emergency_boxes.values(),
                self.pregnant,
                self.adverse_uncontrolled,
            ]:
                cb.toggled.connect(self._update_suggestion)
            if dm:
                self.hypo.idToggled.connect(lambda *_: self._update_suggestion())
        else:
            fit_to_screen(self, 640, 460)
            self.findings.setMinimumHeight(100)
            self._row("findings", self.tr("Findings"), self.findings)
            for item in ["", *rules.OUTCOMES]:
                self.outcome.addItem(ui(item), item)
            self._row("outcome", self.tr("Outcome"), self.outcome)
        self.next_date.setDate(
            self.visit_date.date().addDays(
                services.followups.intervals.satisfied
                if chronic
                else services.followups.intervals.rehab_default
            )
        )
        self._row(
            "next_date", self.tr("Next visit date") + (" *" if chronic else ""), self.next_date
        )
        self._row("doctor", self.tr("Doctor"), self.doctor)

        self.general = QLabel()
        self.general.setObjectName("generalError")
        self.general.setStyleSheet("color: #c0392b")
        self.general.setWordWrap(True)
        self.general.hide()
        scroll = scroll_body(body)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save (Ctrl+S)"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        lay = QVBoxLayout(self)
        lay.addWidget(scroll, 1)
        lay.addWidget(self.general)
        lay.addWidget(buttons)
        if chronic:
            self._update_suggestion()
        self.guard_form(
            f"visit.{plan_id}",
            self.tr("The follow-up visit of %1").replace("%1", self.patient_name),
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        """Enter moves to the next field, as on paper; it never saves a long form half
        filled (Ctrl+S saves)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    # -- building helpers ----------------------------------------------------------------
    def _emergency_box(self, dm: bool) -> QGroupBox:
        """This disease's emergency list (§3c), every item its own checkbox, the other
        illness the centre cannot handle, and the checks the paper form has no row for."""
        box = QGroupBox(self.tr("Emergency checks (refer at once)"))
        box.setObjectName("emergencyChecks")
        grid = QGridLayout(box)
        items = rules.emergency_symptoms(self.kind)
        cols = self._columns([ui(n) for n in items])
        for i, n in enumerate(items):
            cb = QCheckBox(ui(n))
            cb.setObjectName(f"emergency_{i}")
            cb.setStyleSheet("color: #a93226")
            self.emergency_boxes[n] = cb
            grid.addWidget(cb, i // cols, i % cols)
        row = (len(items) + cols - 1) // cols
        grid.addWidget(self.pregnant, row, 0, 1, 2)
        if dm:
            checks = (
                ("heart_rate", self.tr("Heart rate (/min)"), self.heart_rate),
                ("temperature", self.tr("Temperature"), self.temperature),
            )
            for col, (key, label, widget) in enumerate(checks):
                cell = QWidget()
                v = QVBoxLayout(cell)
                v.setContentsMargins(0, 0, 0, 0)
                h = QHBoxLayout()
                h.addWidget(QLabel(label))
                h.addWidget(widget)
                h.addStretch(1)
                v.addLayout(h)
                v.addWidget(self.errors.add(key, widget))
                grid.addWidget(cell, row + 1, col * 2, 1, 2)
            row += 1
            grid.addWidget(QLabel(self.tr("Other sudden abnormality")), row + 1, 0)
            grid.addWidget(self.other_abnormal, row + 1, 1, 1, 3)
            row += 1
        grid.addWidget(QLabel(self.tr("Other illness the centre cannot handle")), row + 1, 0)
        grid.addWidget(self.other_illness, row + 1, 1, 1, 3)
        grid.addWidget(self.emergency_label, row + 2, 0, 1, 4)
        return box

    def _columns(self, labels: list[str]) -> int:
        """Four checkboxes a row as on the paper, fewer when the labels are long (English)
        so the form never scrolls sideways."""
        widest = max((self.fontMetrics().horizontalAdvance(t) for t in labels), default=0)
        return max(2, min(4, 620 // (widest + 40)))

    def _combo(self, items: list[str]) -> QComboBox:
        c = QComboBox()
        for item in items:
            c.addItem(ui(item), item)
        return c

    def _row(self, key: str, label: str, widget: QWidget) -> None:
        err = self.errors.add(key, widget)
        col = QWidget()
        v = QVBoxLayout(col)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(widget)
        v.addWidget(err)
        self.form.addRow(label, col)

    def _err_label(self, key: str) -> QLabel:
        return self.errors._fields[key][1]

    # -- reading the form ----------------------------------------------------------------
    def value(self) -> VisitInput:
        d = self.visit_date.date()
        n = self.next_date.date()
        v = VisitInput(
            visit_date=date(d.year(), d.month(), d.day()),
            method=str(self.method.checkedId() + 1),
            next_date=date(n.year(), n.month(), n.day()),
            doctor=self.doctor.text().strip(),
        )
        if self.kind not in rules.CHRONIC:
            v.findings = self.findings.toPlainText().strip()
            v.outcome = _chosen(self.outcome)
            return v
        dm = self.kind is PlanKind.DIABETES
        v.symptoms = [n for n, cb in self.symptom_boxes.items() if cb.isChecked()]
        v.other_symptom = self.other_symptom.text().strip()
        v.emergency_signs = [n for n, cb in self.emergency_boxes.items() if cb.isChecked()]
        v.other_illness = self.other_illness.text().strip()
        v.adverse_uncontrolled = self.adverse_uncontrolled.isChecked()
        if v.visit_date is not None:
            v.age = self.services.followups.patient_age(self.plan.patient_id, v.visit_date)
        v.sbp, v.dbp = _int(self.sbp), _int(self.dbp)
        v.weight, v.target_weight, v.height_cm = (
            _val(self.weight),
            _val(self.target_weight),
            _val(self.height_edit),
        )
        if dm:
            v.foot_pulse = _chosen(self.foot_pulse)
            v.fasting_glucose, v.hba1c = _val(self.fasting_glucose), _val(self.hba1c)
            v.hypoglycemia = str(self.hypo.checkedId() + 1)
            v.staple_food = self.staple.values()
            v.insulin = self.insulin.text().strip()
            v.insulin_dose = self.insulin_dose.text().strip()
            v.temperature = _val(self.temperature)
            v.other_abnormal = self.other_abnormal.text().strip()
            hd = self.hba1c_date.date()
            if hd != self.hba1c_date.minimumDate():
                v.hba1c_date = date(hd.year(), hd.month(), hd.day())
        else:
            v.salt = self.salt.values()
        v.heart_rate = _int(self.heart_rate)
        v.pregnant_or_lactating = self.pregnant.isChecked()
        v.other_signs = self.other_signs.text().strip()
        v.smoking, v.drinking = self.smoking.values(), self.drinking.values()
        v.exercise_times, v.exercise_minutes = self.ex_times.values(), self.ex_minutes.values()
        v.psych, v.compliance = _chosen(self.psych), _chosen(self.compliance)
        v.other_tests = self.other_tests.text().strip()
        v.adherence = str(self.adherence.checkedId() + 1)
        v.adverse_reaction = self.adverse.text().strip()
        v.new_complication = self.complication.text().strip()
        v.classification_override = self.classification.currentData() or ""
        meds = []
        for r in range(self.meds.rowCount()):
            items = [self.meds.item(r, c) for c in range(3)]
            cells = [it.text().strip() if it is not None else "" for it in items]
            if any(cells):
                times = int(cells[1]) if cells[1].isdigit() else -1
                meds.append(Medication(cells[0], times, cells[2]))
        v.medications = meds
        v.referral_reason = self.referral_reason.text().strip()
        v.referral_to = self.referral_to.text().strip()
        return v

    def set_medication(self, row: int, drug: str, times: int, dose: str) -> None:
        for c, t in enumerate((drug, str(times), dose)):
            self.meds.setItem(row, c, QTableWidgetItem(t))

    def _update_suggestion(self) -> None:
        v = self.value()
        b = rules.bmi(v.weight, v.height_cm)
        target = rules.bmi(v.target_weight, v.height_cm)
        self.bmi.setText(
            "" if b is None else f"{b:.1f}" + ("" if target is None else f" / {target:.1f}")
        )
        targets = self.services.followups.targets
        reasons = rules.emergency_reasons(self.kind, v, targets)
        self.emergency_label.setText(ui("；".join(reasons)))
        self.emergency_label.setVisible(bool(reasons))
        c = rules.suggest_classification(self.kind, v, targets)
        self.suggested.setText(self.tr("Suggested: ") + ui(rules.CLASS_NAMES[c]))
        # the next date follows the rule (about 3 months when 控制满意, 2 weeks otherwise)
        if v.visit_date is not None:
            due = rules.next_due(v.visit_date, c, self.services.followups.intervals, bool(reasons))
            self.next_date.setDate(QDate(due.year, due.month, due.day))

    # -- saving --------------------------------------------------------------------------
    def save(self) -> None:
        self.errors.clear()
        self.general.hide()
        try:
            self.saved = self.services.followups.record_visit(self.plan_id, self.value())
        except ValidationError as e:
            self.show_first_error(self.errors.show(e.errors, self.general))
            return
        notify_saved(self, self._draft_title)
        r = self.saved
        if r.emergency or r.referral_advised:
            self.prompt_referral(r)
        self.accept()

    def save_changes(self) -> None:
        self.save()

    def referral_summary(self, r: VisitResult) -> str:
        v = self.value()
        parts = [f"{rules.PLAN_KIND_NAMES[self.kind]}随访（{v.visit_date:%Y-%m-%d}）"]
        if v.sbp:
            parts.append(f"血压 {v.sbp}/{v.dbp} mmHg")
        if v.fasting_glucose is not None:
            parts.append(f"空腹血糖 {v.fasting_glucose:g} mmol/L")
        if v.symptoms or v.other_symptom:
            parts.append("症状：" + "、".join([*v.symptoms, *filter(None, [v.other_symptom])]))
        if r.emergency:
            parts.append("危急情况：" + "；".join(r.emergency))
        elif r.referral_advised:
            parts.append("建议转诊：" + "；".join(r.referral_reasons))
        return "，".join(parts)

    def prompt_referral(self, r: VisitResult) -> None:
        """Ask to refer now; on yes open the upward referral slip prefilled from this visit."""
        self.referral_prompted = True
        summary = self.referral_summary(r)
        title = self.tr("Refer upward now?")
        text = (
            (
                self.tr("Emergency values: refer at once.")
                if r.emergency
                else self.tr("Referral advised.")
            )
            + "\n\n"
            + self._prompt_detail(r, summary)
        )
        if QMessageBox.question(self, title, text) != QMessageBox.StandardButton.Yes:
            return
        dlg = self.make_referral_dialog(summary, urgent=bool(r.emergency))
        if dlg is not None:
            dlg.exec()
        else:
            QMessageBox.information(self, title, summary)

    @staticmethod
    def _prompt_detail(r: VisitResult, summary: str) -> str:
        """What the question shows: the summary the Chinese slip is prefilled with, or, in
        another UI language, the reasons in that language (the slip itself stays Chinese)."""
        if not translating():
            return summary
        return "\n".join(ui(x) for x in (r.emergency or r.referral_reasons))

    def make_referral_dialog(self, summary: str, urgent: bool = False) -> QDialog | None:
        """The upward referral slip prefilled from this visit. From an emergency it is 紧急,
        with indication 1 (临床各科急危重症，难以实施有效救治) ticked and the findings in
        主要现病史."""
        try:
            from app.domain.referral import Direction
            from app.ui.dialogs.referral_dialog import ReferralDialog
        except ImportError:
            return None
        patient = self.services.patients.get(self.plan.patient_id)
        dlg = ReferralDialog(self.services, Direction.UP, patient=patient, parent=self)
        for attr, text in (
            ("impression", rules.PLAN_KIND_NAMES[self.kind]),
            ("present_illness", summary),
        ):
            w = getattr(dlg, attr, None)
            if isinstance(w, QLineEdit):
                w.setText(text)
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(text)
        if urgent:
            from app.domain.referral import UP_INDICATIONS, URGENCY

            urgency = getattr(dlg, "urgency", None)
            if isinstance(urgency, QComboBox):
                urgency.setCurrentIndex(max(0, urgency.findData(URGENCY[1])))
            box = getattr(dlg, "indication_boxes", {}).get(UP_INDICATIONS[0])
            if isinstance(box, QCheckBox):
                box.setChecked(True)
        self.referral_dialog = dlg
        return dlg
