"""The patient table model: a well-behaved Qt model that loads lazily and sorts in the database."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from app.domain.patient import PatientInput
from app.services.bundle import AppServices
from app.ui.models.patient_table import PatientTableModel


def add_patients(services: AppServices, n: int) -> None:
    for i in range(n):
        services.patients.create(
            PatientInput(
                name=f"测试{i:03d}", sex="1" if i % 2 else "2", birth_date=date(1940 + i % 60, 1, 1)
            )
        )


def test_model_passes_qtmodeltester(qtmodeltester: ModelTester, services: AppServices) -> None:
    add_patients(services, 30)
    model = PatientTableModel(services.patients, page_size=10)
    model.reload()
    qtmodeltester.check(model)


def test_rows_load_a_page_at_a_time(services: AppServices) -> None:
    add_patients(services, 25)
    model = PatientTableModel(services.patients, page_size=10)
    model.reload()
    assert model.rowCount() == 10 and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 25 and not model.canFetchMore()


def test_sorting_by_age_asks_the_database(services: AppServices) -> None:
    add_patients(services, 25)
    model = PatientTableModel(services.patients, page_size=10, today=date(2026, 11, 22))
    model.sort(2, Qt.SortOrder.DescendingOrder)  # oldest first
    ages = [int(model.index(r, 2).data()) for r in range(model.rowCount())]
    assert ages == sorted(ages, reverse=True) and ages[0] == 86
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.index(0, 0).data() == "测试000"
