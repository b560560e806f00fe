"""Qt's own strings that its qtbase_zh_CN translation lacks, translated in ours.

Qt 6 writes QFileDialog's labels with shortcut keys ("&Look in:", "Files of &type:") while
qtbase_zh_CN.qm still has them without ("Look in:"), and names file types in the context
QAbstractFileIconProvider, which it does not have, so the Chinese file dialog showed them in
English. Listing them here puts them in cliniclink_zh_CN.ts (context QFileDialog); our
translator is asked too, so Qt's dialogs find them. tests/ui/test_english_ui.py checks the
file dialog is Chinese.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

QT_GAPS = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
    # the file dialog's 类型 column: Qt 6 asks QAbstractFileIconProvider, not QFileDialog
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Folder"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "File Folder"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Drive"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "File"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "%1 File"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Shortcut"),
)
