"""On the next start after a crash or power cut, reopen the forms that were being filled in.

Each kept draft (see app.services.drafts) of the user who logged in reopens its form, which
asks whether to restore what was typed; a draft declined there is removed and its form is not
shown. Drafts of other users on a shared PC stay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog

from app.domain.errors import NotFound, PermissionDenied
from app.domain.referral import Direction
from app.services.drafts import DraftStore

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

MAX_REOPENED = 5  # more than this after one crash is unlikely; the rest wait for their form


def reopen_kept_drafts(window: MainWindow) -> list[QDialog]:
    services = window.services
    actor = services.ctx.actor
    if actor is None:
        return []
    opened: list[QDialog] = []
    prefix = f"{actor.username}."
    for draft in DraftStore(services.data_dir).all(prefix)[:MAX_REOPENED]:
        try:
            dialog = _form_for(window, draft.key[len(prefix) :].split("."))
        except (NotFound, PermissionDenied, ValueError):
            continue  # the record has gone or is not this user's to edit: leave it
        if dialog is None:
            continue
        if dialog.is_dirty():  # restored: show it
            dialog.open()
            opened.append(dialog)
        else:  # declined (and removed)
            dialog.deleteLater()
    return opened


def _form_for(window: MainWindow, parts: list[str]):  # type: ignore[no-untyped-def]
    """Build (not show) the form a draft key names; None for a key it does not know."""
    from app.ui.dialogs.patient_dialog import PatientDialog
    from app.ui.dialogs.referral_dialog import ReferralDialog
    from app.ui.dialogs.visit_dialog import VisitDialog

    services = window.services
    kind, rest = parts[0], parts[1:]
    if kind == "patient" and rest:
        page = window.page("patients")
        p = None if rest[0] == "new" else services.patients.get(rest[0])
        dialog = PatientDialog(services, p, parent=page)
        dialog.accepted.connect(lambda: page.show_saved(dialog))  # type: ignore[attr-defined]
        return dialog
    if kind == "referral" and rest:
        page = window.page("referrals")
        if rest[0] in ("up", "down") and len(rest) >= 2 and rest[1] == "new":
            patient = services.patients.get(rest[2]) if len(rest) > 2 else None
            slip = ReferralDialog(services, Direction(rest[0]), patient=patient, parent=page)
        else:
            row = services.referrals.get(rest[0])
            slip = ReferralDialog(services, Direction.UP, draft=row, parent=page)
        slip.accepted.connect(lambda: page._after_save(slip))  # type: ignore[attr-defined]
        return slip
    if kind == "visit" and rest:
        return VisitDialog(services, rest[0], window.page("followups"))
    return None
