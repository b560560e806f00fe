"""ID-number rules (GB 11643-1999): checksum with X, leap days, 15-digit upgrade."""

from datetime import date

import pytest

from app.domain import idcard


@pytest.mark.parametrize(
    ("number", "born", "sex"),
    [
        ("11010519491231002X", date(1949, 12, 31), "2"),
        ("11010519491231002x", date(1949, 12, 31), "2"),  # lower-case x accepted, stored upper
        ("440524188001010014", date(1880, 1, 1), "1"),
        (" 110105 19491231002X ", date(1949, 12, 31), "2"),  # blanks from copy-paste
    ],
)
def test_valid_numbers_give_birth_date_and_sex(number: str, born: date, sex: str) -> None:
    info = idcard.parse(number, today=date(2026, 11, 22))
    assert info.birth_date == born
    assert info.sex == sex
    assert info.number == number.strip().replace(" ", "").upper()


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_checksum"),  # last char should be X
        ("11010519491231002", "id_length"),
        ("1101051949123100XX", "id_format"),
        ("110105194902300028", "id_date"),  # 30 Feb
        ("110105190002290000", "id_date"),  # 1900 is not a leap year
        ("110105203001010000", "id_future"),
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(number: str, code: str) -> None:
    with pytest.raises(idcard.IdCardError) as err:
        idcard.parse(number, today=date(2026, 11, 22))
    assert err.value.code == code
    assert err.value.message  # Chinese text for the user


def test_leap_day_birth_is_a_real_date() -> None:
    number = idcard.make_number("341122", date(2000, 2, 29), 123)
    info = idcard.parse(number, today=date(2026, 11, 22))
    assert info.birth_date == date(2000, 2, 29)
    assert info.sex == "1"  # 17th digit 3 is odd


def test_fifteen_digit_number_is_upgraded() -> None:
    # 15-digit 110105491231002 is the legacy form of 11010519491231002X.
    assert idcard.upgrade_15("110105491231002") == "11010519491231002X"
    info = idcard.parse("110105491231002", today=date(2026, 11, 22))
    assert info.number == "11010519491231002X"
    assert info.birth_date == date(1949, 12, 31)


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2000, 2, 29), date(2026, 2, 28), 25),
        (date(2000, 2, 29), date(2026, 3, 1), 26),
        (date(1949, 12, 31), date(2026, 12, 30), 76),
        (date(1949, 12, 31), date(2026, 12, 31), 77),
    ],
)
def test_age_is_completed_years(birth: date, on: date, age: int) -> None:
    assert idcard.age_on(birth, on) == age


def test_only_the_one_right_check_character_is_accepted() -> None:
    """For many real first-17s, every other last character (0-9 and X) is refused: in
    particular an X where the checksum gives a digit (a lenient "X is always fine" check
    would let a mistyped number through)."""
    refused_x = 0
    for seq in range(0, 1000, 7):
        for born in (date(1949, 12, 31), date(1988, 2, 29), date(2016, 7, 1)):
            good = idcard.make_number("341122", born, seq)
            assert idcard.parse(good, today=date(2026, 11, 22)).number == good
            for last in "0123456789X":
                if last == good[17]:
                    continue
                with pytest.raises(idcard.IdCardError) as err:
                    idcard.parse(good[:17] + last, today=date(2026, 11, 22))
                assert err.value.code == "id_checksum"
                refused_x += last == "X"
    assert refused_x > 300  # the X case really was tried, many times
