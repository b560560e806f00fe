"""ID-number rules at their boundaries: the 1880 cut-off, the 120-year warning, GB/T 2260
province prefixes and the centenarian sequence numbers of 15-digit numbers."""

from datetime import date

import pytest

from app.domain import idcard
from app.domain.errors import ValidationError
from app.domain.patient import PatientInput, validate, warnings

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("born", "warned"),
    [
        (date(1906, 12, 1), False),  # exactly 120 completed years: not above 120
        (date(1906, 11, 30), False),  # 120 and a day
        (date(1905, 12, 2), False),  # 120, turns 121 tomorrow
        (date(1905, 12, 1), True),  # 121
        (date(1880, 1, 1), True),  # 146: accepted, warned
        (date(1950, 6, 1), False),
    ],
)
def test_age_above_120_is_a_warning_not_a_refusal(born: date, warned: bool) -> None:
    number = idcard.make_number("341122", born, 11)
    info = idcard.parse(number, TODAY)  # never refused for age
    assert info.birth_date == born
    text = idcard.age_warning(born, TODAY)
    assert bool(text) is warned
    if warned:
        assert "120" in text and "核对" in text
    clean = validate(PatientInput(name="张三", id_number=number), TODAY)
    assert clean.birth_date == born
    assert bool(warnings(clean, TODAY)) is warned


@pytest.mark.parametrize(
    ("born", "ok"),
    [(date(1879, 12, 31), False), (date(1880, 1, 1), True), (date(1800, 1, 1), False)],
)
def test_births_before_1880_are_refused_naming_the_cut_off(born: date, ok: bool) -> None:
    number = idcard.make_number("341122", born, 11)
    if ok:
        assert idcard.parse(number, TODAY).birth_date == born
        return
    with pytest.raises(idcard.IdCardError) as err:
        idcard.parse(number, TODAY)
    assert err.value.code == "id_too_old"
    assert "1880" in err.value.message
    assert "不是真实日期" not in err.value.message
    # Typed as a birth date without an ID number: the same cut-off, named.
    with pytest.raises(ValidationError) as verr:
        validate(PatientInput(name="张三", sex="1", birth_date=born), TODAY)
    assert "1880" in str(verr.value)


def test_1879_in_the_issue_example_names_1880() -> None:
    with pytest.raises(idcard.IdCardError) as err:
        idcard.parse(idcard.make_number("440524", date(1879, 6, 1), 1), TODAY)
    assert "1880" in err.value.message


VALID_PREFIXES = ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65"]
VALID_PREFIXES += ["71", "81", "82"]
BAD_PREFIXES = ["00", "10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66"]
BAD_PREFIXES += ["70", "72", "80", "83", "91", "99"]


@pytest.mark.parametrize("prefix", VALID_PREFIXES)
def test_every_gbt2260_province_prefix_is_accepted(prefix: str) -> None:
    number = idcard.make_number(prefix + "0101", date(1970, 5, 6), 21)
    assert idcard.parse(number, TODAY).area_code == prefix + "0101"


@pytest.mark.parametrize("prefix", BAD_PREFIXES)
def test_unknown_province_prefixes_are_refused_with_a_clear_message(prefix: str) -> None:
    number = idcard.make_number(prefix + "0000", date(1970, 5, 6), 21)
    with pytest.raises(idcard.IdCardError) as err:
        idcard.parse(number, TODAY)
    assert err.value.code == "id_area"
    assert prefix in err.value.message and "行政区划" in err.value.message


def test_address_code_000000_is_refused() -> None:
    number = idcard.make_number("000000", date(1970, 1, 1), 1)
    with pytest.raises(ValidationError) as err:
        validate(PatientInput(name="张三", id_number=number), TODAY)
    assert "id_number" in err.value.fields()
    assert "00" in str(err.value)


@pytest.mark.parametrize(
    ("number15", "born"),
    [
        ("110105051231995", date(1905, 12, 31)),  # 995: an ordinary sequence → 19xx
        ("110105051231996", date(1805, 12, 31)),  # 996–999: centenarians → 18xx
        ("110105951231997", date(1895, 12, 31)),
        ("110105951231998", date(1895, 12, 31)),
        ("110105951231999", date(1895, 12, 31)),
        ("110105491231002", date(1949, 12, 31)),
    ],
)
def test_fifteen_digit_centenarian_sequences_upgrade_to_the_1800s(
    number15: str, born: date
) -> None:
    upgraded = idcard.upgrade_15(number15)
    assert upgraded[6:14] == f"{born:%Y%m%d}"
    assert upgraded[:6] + upgraded[8:17] == number15  # nothing else changed
    assert upgraded[17] == idcard.check_char(upgraded[:17])
    if born.year >= 1880:
        assert idcard.parse(number15, TODAY).birth_date == born
    else:  # the 1880 cut-off still applies after the upgrade
        with pytest.raises(idcard.IdCardError):
            idcard.parse(number15, TODAY)
