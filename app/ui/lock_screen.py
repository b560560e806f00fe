"""The idle lock of a shared clinic PC: after some minutes without keyboard or mouse the main
window hides every patient detail behind a lock screen. The same user continues with their
password; anyone else logs the first user out and logs in as themselves."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.bundle import AppServices
from app.ui.domain_text import ui

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    """Emits ``idle`` once after ``timeout_ms`` with no key, click, move or wheel anywhere in
    the application; starts counting again after the next input."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_ms = timeout_ms
        self._since = QElapsedTimer()
        self._since.start()
        self._fired = False
        self._timer = QTimer(self)
        # Check a few times per timeout (at most every 15 s): cheap, and late by a fraction.
        self._timer.setInterval(max(50, min(15_000, timeout_ms // 4)))
        self._timer.timeout.connect(self._check)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def start(self) -> None:
        self._since.restart()
        self._fired = False
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in _ACTIVITY:
            self._since.restart()
            self._fired = False
        return False

    def _check(self) -> None:
        if not self._fired and self._since.elapsed() >= self.timeout_ms:
            self._fired = True
            self.idle.emit()


class LockScreen(QWidget):
    """Shown in place of the main window's content while locked."""

    unlocked = Signal()
    switch_user = Signal()

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.services = services
        self.title = QLabel(self.tr("The screen is locked"))
        self.title.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who = QLabel()
        self.who.setObjectName("lockedUser")
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = QLineEdit()
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Password"))
        self.password.setMaximumWidth(260)
        self.password.returnPressed.connect(self.try_unlock)
        self.message = QLabel()
        self.message.setObjectName("unlockMessage")
        self.message.setStyleSheet("color: #c0392b;")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.switch_button = QPushButton(self.tr("Log in as someone else"))
        self.switch_button.setObjectName("switchUser")
        self.switch_button.clicked.connect(self.switch_user)
        hint = QLabel(
            self.tr(
                "Patient details are hidden. Enter your password to go on where you left off. "
                "Someone else logging in logs you out; forms you left open are closed."
            )
        )
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setStyleSheet("color: #666;")
        hint.setMaximumWidth(460)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.password)
        row.addWidget(self.unlock_button)
        row.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        hints = QHBoxLayout()
        hints.addStretch(1)
        hints.addWidget(hint)
        hints.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addLayout(hints)
        layout.addStretch(3)

    def prepare(self) -> None:
        actor = self.services.ctx.actor
        self.who.setText(
            self.tr("Logged in: {name} ({role})").format(
                name=actor.display_name, role=ui(actor.role_name)
            )
            if actor
            else ""
        )
        self.password.clear()
        self.message.clear()
        self.password.setFocus()

    def try_unlock(self) -> None:
        from app.services.users import AccountLocked, LoginFailed

        try:
            self.services.users.unlock_screen(self.password.text())
        except AccountLocked as locked:
            self.message.setText(
                self.tr(
                    "Too many wrong passwords: this account is locked for {minutes} minute(s). "
                    "Someone else can log in meanwhile."
                ).format(minutes=locked.minutes_left)
            )
            self.password.clear()
            return
        except LoginFailed:
            self.message.setText(self.tr("Wrong password"))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.password.clear()
        self.unlocked.emit()
