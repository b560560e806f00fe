"""The navigation areas of the main window, in order.

Each entry: (key, title function, factory(services, bus, parent) -> QWidget). An area that is
not built yet shows an honest placeholder. Areas register by replacing their entry's factory.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from app.services.bundle import AppServices
from app.ui.change_bus import ChangeBus

PageFactory = Callable[[AppServices, ChangeBus, QWidget | None], QWidget]


def _patients(services: AppServices, bus: ChangeBus, parent: QWidget | None) -> QWidget:
    from app.ui.pages.patients import PatientsPage

    return PatientsPage(services, bus, parent)


def _referrals(services: AppServices, bus: ChangeBus, parent: QWidget | None) -> QWidget:
    from app.ui.pages.referrals import ReferralsPage

    return ReferralsPage(services, bus, parent)


def _followups(services: AppServices, bus: ChangeBus, parent: QWidget | None) -> QWidget:
    from app.ui.pages.followups import FollowUpsPage

    return FollowUpsPage(services, bus, parent)


def _training(services: AppServices, bus: ChangeBus, parent: QWidget | None) -> QWidget:
    from app.ui.pages.training import TrainingPage

    return TrainingPage(services, bus, parent)


def _settings(services: AppServices, bus: ChangeBus, parent: QWidget | None) -> QWidget:
    from app.ui.pages.settings import SettingsPage

    return SettingsPage(services, bus, parent)


def _sync(services: AppServices, bus: ChangeBus, parent: QWidget | None) -> QWidget:
    # The main window then hands it its scheduler through bind_scheduler().
    from app.ui.pages.sync import SyncPage

    return SyncPage(services, bus, parent)


def _statistics(services: AppServices, bus: ChangeBus, parent: QWidget | None) -> QWidget:
    from app.ui.pages.statistics import StatisticsPage

    return StatisticsPage(services, bus, parent)


def _placeholder(key: str) -> PageFactory:
    def make(services: AppServices, bus: ChangeBus, parent: QWidget | None) -> QWidget:
        from app.ui.pages.placeholder import PlaceholderPage

        return PlaceholderPage(key, parent)

    return make


PAGES: list[tuple[str, Callable[[], str], PageFactory]] = [
    ("patients", lambda: QCoreApplication.translate("Navigation", "Patients"), _patients),
    (
        "referrals",
        lambda: QCoreApplication.translate("Navigation", "Referrals"),
        _referrals,
    ),
    (
        "followups",
        lambda: QCoreApplication.translate("Navigation", "Follow-ups"),
        _followups,
    ),
    (
        "training",
        lambda: QCoreApplication.translate("Navigation", "Training"),
        _training,
    ),
    (
        "statistics",
        lambda: QCoreApplication.translate("Navigation", "Statistics"),
        _statistics,
    ),
    ("settings", lambda: QCoreApplication.translate("Navigation", "Settings"), _settings),
    # Last, so the shortcuts people already use (Ctrl+6 设置) stay where they were.
    ("sync", lambda: QCoreApplication.translate("Navigation", "Sync"), _sync),
]
