"""A form dialog that never loses typing silently.

- Esc, the window's close button or 取消 on a changed form asks 保存 / 不保存 / 取消.
- While the user types, a draft of the form is kept on disk (a second after the last change,
  written atomically); a crash or power cut leaves it there, and the same form opened again
  (also after a restart) offers it back. Saving or 不保存 removes it.
- The form is sized to the screen, and a required field left empty is scrolled into view.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QWidget

from app.services.bundle import AppServices
from app.services.drafts import Draft, DraftStore
from app.ui.widgets import form_state
from app.ui.widgets.screen_fit import reveal

DRAFT_DELAY_MS = 1000


def ask_unsaved(parent: QWidget, what: str) -> QMessageBox.StandardButton:
    """保存 / 不保存 / 取消 for a changed form; returns Save, Discard or Cancel."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("FormDialog", "Unsaved changes"))
    box.setText(
        QCoreApplication.translate("FormDialog", "%1 has unsaved changes. Save them?").replace(
            "%1", what
        )
    )
    S = QMessageBox.StandardButton
    box.setStandardButtons(S.Save | S.Discard | S.Cancel)
    box.button(S.Save).setText(QCoreApplication.translate("FormDialog", "Save"))
    box.button(S.Discard).setText(QCoreApplication.translate("FormDialog", "Don't save"))
    box.button(S.Cancel).setText(QCoreApplication.translate("FormDialog", "Cancel"))
    box.setDefaultButton(S.Save)
    box.setEscapeButton(S.Cancel)
    box.setObjectName("unsavedChanges")
    answer = box.exec()
    return S(answer)


def ask_restore(parent: QWidget, draft: Draft, what: str) -> bool:
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("FormDialog", "Unsaved draft found"),
        QCoreApplication.translate(
            "FormDialog", "%1 was being filled in and not saved (last typed %2). Restore it?"
        )
        .replace("%1", what)
        .replace("%2", f"{draft.saved_at:%Y-%m-%d %H:%M}"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


class FormDialog(QDialog):
    """Base of the patient, referral and visit forms. A subclass builds its widgets, then
    calls :meth:`guard_form`, and implements :meth:`save_changes` (saves and accepts, or
    shows what is wrong and stays open)."""

    services: AppServices
    _baseline: form_state.State | None = None
    _draft_key: str | None = None
    _draft_title = ""
    _drafts: DraftStore | None = None
    _draft_timer: QTimer | None = None

    def guard_form(self, draft_key: str | None, title: str) -> None:
        """Start watching for changes; with a ``draft_key``, keep drafts and offer one back."""
        self._draft_title = title
        if draft_key is not None:
            actor = self.services.ctx.actor
            user = actor.username if actor else "-"
            self._draft_key = f"{user}.{draft_key}"
            self._drafts = DraftStore(self.services.data_dir)
            self._draft_timer = QTimer(self)
            self._draft_timer.setSingleShot(True)
            self._draft_timer.setInterval(DRAFT_DELAY_MS)
            self._draft_timer.timeout.connect(self.keep_draft)
        self._baseline = form_state.capture(self)
        if self._draft_timer is not None:
            form_state.on_any_change(self, self._draft_timer.start)
            self.offer_draft()

    def is_dirty(self) -> bool:
        return self._baseline is not None and form_state.capture(self) != self._baseline

    # -- drafts --------------------------------------------------------------------------
    def kept_draft(self) -> Draft | None:
        if self._drafts is None or self._draft_key is None:
            return None
        return self._drafts.load(self._draft_key)

    def keep_draft(self) -> None:
        if self._drafts is None or self._draft_key is None:
            return
        if self.is_dirty():
            self._drafts.save(self._draft_key, self._draft_title, form_state.capture(self))
        else:
            self._drafts.discard(self._draft_key)

    def discard_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        if self._drafts is not None and self._draft_key is not None:
            self._drafts.discard(self._draft_key)

    def offer_draft(self) -> None:
        draft = self.kept_draft()
        if draft is None:
            return
        if ask_restore(self, draft, self._draft_title):
            form_state.restore(self, draft.values)
        elif self._drafts is not None and self._draft_key is not None:
            self._drafts.discard(self._draft_key)

    # -- saving and closing --------------------------------------------------------------
    def save_changes(self) -> None:
        raise NotImplementedError

    def show_first_error(self, widget: QWidget | None, fallback: QLabel | None = None) -> None:
        """Bring the first field in error into view and focus it (it may be scrolled away)."""
        if widget is not None:
            reveal(widget)
        elif fallback is not None and fallback.isVisible():
            reveal(fallback)

    def done(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self.discard_draft()
        super().done(result)

    def reject(self) -> None:
        if self.is_dirty():
            answer = ask_unsaved(self, self._draft_title or self.windowTitle())
            if answer == QMessageBox.StandardButton.Save:
                self.save_changes()  # accepts when saved; stays open showing errors if not
                return
            if answer != QMessageBox.StandardButton.Discard:
                return
        self.discard_draft()
        super().reject()
