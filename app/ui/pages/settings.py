"""设置: the clinic's details and, for administrators, the user accounts."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import PermissionDenied, ValidationError
from app.domain.roles import ROLE_NAMES, Perm, Role, allowed
from app.services.bundle import AppServices
from app.services.context import Changes
from app.ui.change_bus import ChangeBus
from app.ui.domain_text import ui, ui_error
from app.ui.widgets.clinic_details_box import ClinicDetailsBox
from app.ui.widgets.followup_intervals_box import FollowUpIntervalsBox
from app.ui.widgets.followup_targets_box import FollowUpTargetsBox
from app.ui.widgets.form_errors import FieldErrors
from app.ui.widgets.referral_reminder_box import ReferralReminderBox
from app.ui.widgets.screen_fit import scroll_body


class SettingsPage(QWidget):
    def __init__(self, services: AppServices, bus: ChangeBus, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        info = ClinicDetailsBox(services)
        self.clinic_details = info

        users_box = QGroupBox(self.tr("User accounts"))
        self.users_table = QTableWidget(0, 4)
        self.users_table.setObjectName("usersTable")
        self.users_table.setHorizontalHeaderLabels(
            [self.tr("Username"), self.tr("Name"), self.tr("Role"), self.tr("Status")]
        )
        self.users_table.horizontalHeader().setStretchLastSection(True)
        self.users_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.users_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.new_username = QLineEdit()
        self.new_username.setObjectName("username")
        self.new_name = QLineEdit()
        self.new_name.setObjectName("display_name")
        self.new_role = QComboBox()
        self.new_role.setObjectName("role")
        for role in (Role.DOCTOR, Role.NURSE, Role.ADMIN):
            self.new_role.addItem(ui(ROLE_NAMES[role]), role.value)
        self.new_password = QLineEdit()
        self.new_password.setObjectName("password")
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_button = QPushButton(self.tr("Add user"))
        self.add_button.setObjectName("addUser")
        self.toggle_button = QPushButton(self.tr("Deactivate / reactivate"))
        self.toggle_button.setObjectName("toggleUser")
        self.reset_button = QPushButton(self.tr("Reset password…"))
        self.reset_button.setObjectName("resetPassword")
        self.audit_button = QPushButton(self.tr("Audit log…"))
        self.audit_button.setObjectName("openAudit")
        self.admin_note = QLabel()
        self.admin_note.setObjectName("adminNote")
        self.admin_note.setStyleSheet("color: #666;")
        self.errors = FieldErrors()
        self.general_error = QLabel()
        self.general_error.setStyleSheet("color: #c0392b;")
        self.general_error.hide()
        add_form = QFormLayout()
        for key, label, widget in (
            ("username", self.tr("Username"), self.new_username),
            ("display_name", self.tr("Name"), self.new_name),
            ("role", self.tr("Role"), self.new_role),
            ("password", self.tr("Initial password"), self.new_password),
        ):
            add_form.addRow(label, widget)
            add_form.addRow("", self.errors.add(key, widget))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.toggle_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        buttons.addWidget(self.audit_button)
        users_layout = QVBoxLayout(users_box)
        users_layout.addWidget(self.admin_note)
        users_layout.addWidget(self.users_table)
        users_layout.addLayout(add_form)
        users_layout.addWidget(self.general_error)
        users_layout.addLayout(buttons)

        dest_box = QGroupBox(self.tr("Consortium hospitals and departments (for referral slips)"))
        self.destinations = QPlainTextEdit()
        self.destinations.setObjectName("destinations")
        self.destinations.setPlaceholderText(
            self.tr("One hospital per line: County Hospital: Internal medicine, Surgery")
        )
        self.destinations.setFixedHeight(90)
        self.save_destinations = QPushButton(self.tr("Save list"))
        self.save_destinations.setObjectName("saveDestinations")
        self.destinations_message = QLabel()
        dest_layout = QVBoxLayout(dest_box)
        dest_layout.addWidget(self.destinations)
        row = QHBoxLayout()
        row.addWidget(self.destinations_message, 1)
        row.addWidget(self.save_destinations)
        dest_layout.addLayout(row)
        self.save_destinations.clicked.connect(self.store_destinations)

        # The page scrolls when the screen (1024×768) is shorter than its sections.
        content = QWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll_body(content))
        layout = QVBoxLayout(content)
        from app.ui.widgets.backup_box import BackupBox

        self.backup_box = BackupBox(services)  # 备份与恢复 (administrators), beside the clinic
        top = QHBoxLayout()
        top.addWidget(info, 1)
        top.addWidget(self.backup_box, 1)
        layout.addLayout(top)
        from app.ui.widgets.encryption_box import EncryptionBox

        self.encryption_box = EncryptionBox(services)  # 数据加密 (administrators)
        layout.addWidget(self.encryption_box)
        layout.addWidget(dest_box)
        self.intervals = FollowUpIntervalsBox(services)  # 随访间隔
        layout.addWidget(self.intervals)
        self.referral_reminder = ReferralReminderBox(services)  # 已接收未到诊 after N days
        dest_layout.addWidget(self.referral_reminder)
        self.targets = FollowUpTargetsBox(services)  # 随访控制目标
        layout.addWidget(self.targets)
        layout.addWidget(users_box, 1)
        self.add_button.clicked.connect(self.add_user)
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.audit_button.clicked.connect(self.open_audit)
        bus.changed.connect(self.on_changed)
        self._user_ids: list[tuple[str, bool]] = []
        self.refresh()

    def load_destinations(self) -> None:
        table = self.services.referrals.destinations()
        self.destinations.setPlainText(
            "\n".join(f"{inst}：{'、'.join(depts)}" for inst, depts in table.items())
        )

    def store_destinations(self) -> None:
        table: dict[str, list[str]] = {}
        for line in self.destinations.toPlainText().splitlines():
            inst, sep, rest = line.replace(":", "：").partition("：")
            if not inst.strip():
                continue
            depts = [d.strip() for d in rest.replace(",", "、").replace("，", "、").split("、")]
            table[inst.strip()] = [d for d in depts if d]
        if not table or not all(table.values()):
            self.destinations_message.setStyleSheet("color: #c0392b;")
            self.destinations_message.setText(
                self.tr("Each line needs a hospital, a colon and at least one department")
            )
            return
        try:
            self.services.referrals.set_destinations(table)
        except PermissionDenied as exc:
            self.destinations_message.setStyleSheet("color: #c0392b;")
            self.destinations_message.setText(ui_error(exc))
            return
        self.destinations_message.setStyleSheet("color: #1e8449;")
        self.destinations_message.setText(self.tr("Saved"))

    def is_admin(self) -> bool:
        actor = self.services.ctx.actor
        return bool(actor and allowed(actor.role, Perm.USER_MANAGE))

    def refresh(self) -> None:
        admin = self.is_admin()
        for w in (
            self.new_username,
            self.new_name,
            self.new_role,
            self.new_password,
            self.add_button,
            self.toggle_button,
            self.reset_button,
            self.audit_button,
            self.destinations,
            self.save_destinations,
        ):
            w.setEnabled(admin)
        self.load_destinations()
        self.referral_reminder.refresh()
        self.admin_note.setText(
            "" if admin else self.tr("Only an administrator can view and manage user accounts.")
        )
        self.admin_note.setVisible(not admin)
        self.users_table.setRowCount(0)
        self._user_ids = []
        if not admin:
            return
        now = self.services.ctx.clock()
        for user in self.services.users.list_users():
            r = self.users_table.rowCount()
            self.users_table.insertRow(r)
            status = self.tr("Active") if user.active else self.tr("Deactivated")
            if user.locked_until is not None and user.locked_until > now:
                status += self.tr(" · locked (wrong passwords)")
            if user.must_change_password:
                status += self.tr(" · must change password")
            for c, text in enumerate(
                (user.username, user.display_name, ui(ROLE_NAMES[user.role]), status)
            ):
                self.users_table.setItem(r, c, QTableWidgetItem(text))
            self._user_ids.append((user.id, user.active))

    def on_changed(self, changes: Changes) -> None:
        if changes.record_type == "user":
            self.refresh()
        elif changes.record_type == "clinic":
            self.clinic_details.refresh()

    def open_audit(self) -> None:
        from app.ui.dialogs.audit_dialog import AuditDialog

        self.audit_dialog = AuditDialog(self.services, parent=self)
        self.audit_dialog.open()

    def reset_selected(self) -> None:
        """A temporary password, shown once; the user must choose their own at next login."""
        rows = self.users_table.selectionModel().selectedRows()
        if not rows:
            self.general_error.setText(self.tr("Select a user in the table first"))
            self.general_error.show()
            return
        user_id, _active = self._user_ids[rows[0].row()]
        cell = self.users_table.item(rows[0].row(), 0)
        username = cell.text() if cell is not None else ""
        try:
            temp = self.services.users.reset_password(user_id)
        except (ValidationError, PermissionDenied) as exc:
            self.general_error.setText(ui_error(exc))
            self.general_error.show()
            return
        self.general_error.hide()
        QMessageBox.information(
            self,
            self.tr("Password reset"),
            self.tr(
                "Temporary password for {user}: {password}\n\nIt is shown only now. "
                "{user} must choose a new password at the next login."
            ).format(user=username, password=temp),
        )

    def add_user(self) -> None:
        self.errors.clear()
        self.general_error.hide()
        try:
            self.services.users.create_user(
                self.new_username.text(),
                self.new_name.text(),
                Role(self.new_role.currentData()),
                self.new_password.text(),
            )
        except ValidationError as exc:
            self.errors.show(exc.errors, self.general_error)
            return
        except PermissionDenied as exc:
            self.general_error.setText(ui_error(exc))
            self.general_error.show()
            return
        for w in (self.new_username, self.new_name, self.new_password):
            w.clear()

    def toggle_selected(self) -> None:
        rows = self.users_table.selectionModel().selectedRows()
        if not rows:
            return
        user_id, active = self._user_ids[rows[0].row()]
        try:
            self.services.users.set_active(user_id, not active)
        except (ValidationError, PermissionDenied) as exc:
            self.general_error.setText(ui_error(exc))
            self.general_error.show()
