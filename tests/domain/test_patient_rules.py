"""Patient registration rules: each bad field is named, derived fields cross-checked."""

from datetime import date

import pytest

from app.domain.errors import ValidationError
from app.domain.patient import PatientInput, validate
from app.domain.search import QueryKind, classify

TODAY = date(2026, 11, 22)


def test_birth_date_and_sex_are_derived_from_the_id_number() -> None:
    clean = validate(PatientInput(name=" 张三 ", id_number="11010519491231002x"), TODAY)
    assert clean.name == "张三"
    assert clean.id_number == "11010519491231002X"
    assert clean.birth_date == date(1949, 12, 31)
    assert clean.sex == "2"


def test_a_patient_without_an_id_card_is_recordable() -> None:
    clean = validate(PatientInput(name="小明", sex="1", birth_date=date(2024, 5, 1)), TODAY)
    assert clean.id_number == ""


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (PatientInput(name="", sex="1", birth_date=date(1990, 1, 1)), "name", "姓名"),
        (PatientInput(name="甲", sex="1", birth_date=date(2027, 1, 1)), "birth_date", "晚于今天"),
        (PatientInput(name="甲", id_number="110105194912310021"), "id_number", "校验位"),
        (
            PatientInput(name="甲", sex="1", birth_date=date(1990, 1, 1), phone="1381234"),
            "phone",
            "电话",
        ),
        (PatientInput(name="甲", sex="1", id_number="11010519491231002X"), "sex", "性别与身份证"),
        (
            PatientInput(name="甲", birth_date=date(1950, 1, 1), id_number="11010519491231002X"),
            "birth_date",
            "出生日期与身份证",
        ),
        (PatientInput(name="甲", birth_date=date(1990, 1, 1)), "sex", "性别"),
    ],
)
def test_bad_fields_are_named_in_chinese(data: PatientInput, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate(data, TODAY)
    messages = {e.field: e.message for e in err.value.errors}
    assert field in messages
    assert words in messages[field]


def test_landline_and_mobile_numbers_accepted() -> None:
    for phone in ("13812345678", "0550-5012345", "05505012345", "１３８１２３４５６７８"):
        validate(PatientInput(name="甲", sex="1", birth_date=date(1990, 1, 1), phone=phone), TODAY)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("张", QueryKind.NAME),
        ("欧阳", QueryKind.NAME),
        ("zs", QueryKind.PINYIN),
        ("ZhangS", QueryKind.PINYIN),
        ("002x", QueryKind.DIGITS),
        ("13812345678", QueryKind.DIGITS),
        ("  ", QueryKind.EMPTY),
        ("张s", QueryKind.MIXED),
    ],
)
def test_search_queries_are_classified(raw: str, kind: QueryKind) -> None:
    assert classify(raw).kind is kind
