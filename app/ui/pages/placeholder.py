"""An honest page for an area that is not built yet: it says so and shows no made-up data."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PlaceholderPage(QWidget):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"placeholder_{key}")
        label = QLabel(
            self.tr(
                "This area is not available yet. It will come in a later version of ClinicLink."
            )
        )
        label.setObjectName("placeholderText")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setStyleSheet("color: #666; font-size: 15px;")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
