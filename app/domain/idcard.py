"""居民身份证号码 (GB 11643-1999): checksum, birth date, sex, and 15-digit upgrade."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.domain import clinic_clock

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

# The earliest birth year accepted: nobody alive, or on a record a clinic keeps, was born
# before it, and a smaller year is a typing error.
EARLIEST_BIRTH_YEAR = 1880
# Above this age the number is accepted but the user is asked to check it.
AGE_WARNING_ABOVE = 120
# GB/T 2260 administrative divisions: the first two digits are the province (11–15 华北,
# 21–23 东北, 31–37 华东, 41–46 中南, 50–54 西南, 61–65 西北, 71 台湾, 81 香港, 82 澳门).
PROVINCE_PREFIXES = frozenset(
    [f"{n}" for n in range(11, 16)]
    + [f"{n}" for n in range(21, 24)]
    + [f"{n}" for n in range(31, 38)]
    + [f"{n}" for n in range(41, 47)]
    + [f"{n}" for n in range(50, 55)]
    + [f"{n}" for n in range(61, 66)]
    + ["71", "81", "82"]
)
# A 15-digit number's sequence 996–999 was kept for centenarians: born in the 1800s.
CENTENARIAN_SEQUENCES = range(996, 1000)

_RE18 = re.compile(r"^\d{17}[\dX]$")
_RE15 = re.compile(r"^\d{15}$")


class IdCardError(ValueError):
    """Why an ID number is not valid; ``code`` is stable, ``message`` is Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdCardInfo:
    number: str  # 18 characters, X upper-case
    birth_date: date
    sex: str  # "1" 男, "2" 女 (GB/T 2261.1)
    area_code: str


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def upgrade_15(number15: str) -> str:
    """Upgrade a legacy 15-digit number: insert the century and append the check character.

    The century is "19", except for the sequence numbers 996–999, which were given to
    people over a hundred years old when the 15-digit numbers were issued: "18".
    """
    if not _RE15.match(number15):
        raise IdCardError("id_format", "15位身份证号码必须全为数字")
    century = "18" if int(number15[12:15]) in CENTENARIAN_SEQUENCES else "19"
    first17 = number15[:6] + century + number15[6:]
    return first17 + check_char(first17)


def normalize(raw: str) -> str:
    """Strip blanks and full-width characters, upper-case X, and upgrade 15-digit numbers."""
    s = raw.strip().replace(" ", "").replace("\u3000", "")
    s = s.translate(str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")).upper()
    if _RE15.match(s):
        return upgrade_15(s)
    return s


def parse(raw: str, today: date | None = None) -> IdCardInfo:
    """Validate an ID number and return what it encodes. Raises :class:`IdCardError`."""
    number = normalize(raw)
    if len(number) not in (18,):
        raise IdCardError("id_length", "身份证号码应为18位（或旧式15位）")
    if not _RE18.match(number):
        raise IdCardError("id_format", "身份证号码只能由数字和末位X组成")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdCardError("id_date", "身份证号码中的出生日期不是真实日期") from None
    today = today or clinic_clock.today()
    if born > today:
        raise IdCardError("id_future", "身份证号码中的出生日期晚于今天")
    if born.year < EARLIEST_BIRTH_YEAR:
        raise IdCardError(
            "id_too_old",
            f"身份证号码中的出生年份{born.year}早于{EARLIEST_BIRTH_YEAR}年，请核对出生日期",
        )
    province = number[:2]
    if province not in PROVINCE_PREFIXES:
        raise IdCardError(
            "id_area",
            f"身份证号码前两位“{province}”不是有效的省级行政区划代码（GB/T 2260），"
            "请核对前6位地址码",
        )
    if check_char(number[:17]) != number[17]:
        raise IdCardError("id_checksum", "身份证号码校验位错误，请核对每一位数字")
    sex = "1" if int(number[16]) % 2 == 1 else "2"
    return IdCardInfo(number=number, birth_date=born, sex=sex, area_code=number[:6])


def age_on(birth: date, on: date) -> int:
    """Completed years (周岁) on a given date; a 29 Feb birthday counts on 1 Mar in other years."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def make_number(area: str, birth: date, seq: int) -> str:
    """Build a valid 18-digit number (demo data and tests): ``seq`` is 0..999, odd = 男."""
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def age_warning(birth: date, today: date | None = None) -> str:
    """A Chinese warning when the age is implausible but possible (over 120), else ""."""
    age = age_on(birth, today or clinic_clock.today())
    if age > AGE_WARNING_ABOVE:
        return f"年龄{age}岁，超过{AGE_WARNING_ABOVE}岁，请核对出生日期"
    return ""
