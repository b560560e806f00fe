"""Realistic made-up residents of one county (来安县, area code 341122) for demos and benches.

Deterministic for a given seed; no Qt, no database. Every ID number is valid.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.idcard import make_number

AREA_CODE = "341122"
# Township 102 (桃花镇) of 来安县: the first 12 digits of its 健康档案编号.
RECORD_PREFIX = "341122102001"

# Common surnames, weighted roughly by frequency; a few two-character and rarer ones.
SURNAMES = (
    "王" * 9
    + "李" * 9
    + "张" * 8
    + "刘" * 7
    + "陈" * 6
    + "杨" * 4
    + "黄" * 3
    + "赵" * 3
    + "吴" * 3
    + "周" * 3
    + "徐" * 2
    + "孙" * 2
    + "马" * 2
    + "朱" * 2
    + "胡" * 2
    + "郭" * 2
    + "何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
)
DOUBLE_SURNAMES = ["欧阳", "司马", "诸葛", "上官", "东方"]
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林国建志德文海春"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英玲桂兰萍红梅琴云莲珍凤燕洁琳颖雪慧婷倩淑"
RARE_GIVEN = ["䶮", "𠇔", "堃", "昇", "珺"]
VILLAGES = [
    "桃花村",
    "黄庄村",
    "新集村",
    "双塘村",
    "赵店村",
    "西王村",
    "大刘郢村",
    "孙岗村",
    "陈桥村",
    "梅山村",
    "杨湾社区",
    "桃花社区",
]
GROUPS = ["一组", "二组", "三组", "四组", "五组", "六组", "七组"]
MOBILE_PREFIXES = [
    "139",
    "138",
    "137",
    "136",
    "135",
    "150",
    "151",
    "152",
    "157",
    "158",
    "187",
    "188",
    "130",
    "131",
    "132",
    "155",
    "156",
    "185",
    "186",
    "133",
    "153",
    "180",
    "181",
    "189",
    "177",
    "199",
]


@dataclass(frozen=True)
class DemoResident:
    name: str
    sex: str
    birth_date: date
    id_number: str
    phone: str
    village: str
    address: str
    record_number: str
    payment_type: str
    allergies: str
    notes: str


class ResidentGenerator:
    def __init__(self, seed: int = 20261122, today: date | None = None) -> None:
        self.rnd = random.Random(seed)
        self.today = today or date(2026, 11, 22)
        self.seq = 0

    def name(self, sex: str) -> str:
        r = self.rnd
        surname = r.choice(DOUBLE_SURNAMES) if r.random() < 0.01 else r.choice(SURNAMES)
        pool = GIVEN_MALE if sex == "1" else GIVEN_FEMALE
        given = "".join(r.choice(pool) for _ in range(1 if r.random() < 0.3 else 2))
        if r.random() < 0.004:
            given = given[:-1] + r.choice(RARE_GIVEN)
        return surname + given

    def birth_date(self) -> date:
        # A rural township: many elderly, working-age adults often away, some children.
        r = self.rnd
        age = int(min(99, max(0, r.choice([r.gauss(62, 13), r.gauss(40, 14), r.gauss(8, 5)]))))
        return self.today - timedelta(days=age * 365 + r.randrange(365))

    def phone(self) -> str:
        r = self.rnd
        if r.random() < 0.08:
            return ""
        if r.random() < 0.05:
            return f"0550-{r.randrange(5000000, 5999999)}"
        return r.choice(MOBILE_PREFIXES) + f"{r.randrange(10**8):08d}"

    def payment(self) -> str:
        x = self.rnd.random()
        if x < 0.86:
            return "10"
        if x < 0.90:
            return "03"  # legacy 新农合 on old records
        if x < 0.93:
            return "02"
        if x < 0.97:
            return "01"
        return "07"

    def resident(self) -> DemoResident:
        r = self.rnd
        self.seq += 1
        sex = "1" if r.random() < 0.5 else "2"
        born = self.birth_date()
        age = (self.today - born).days // 365
        has_id = not (age < 3 and r.random() < 0.6) and r.random() > 0.03
        seq3 = r.randrange(0, 999)
        if (seq3 % 2 == 1) != (sex == "1"):
            seq3 = (seq3 + 1) % 1000
        id_number = make_number(AREA_CODE, born, seq3) if has_id else ""
        village = r.choice(VILLAGES)
        allergies = r.choice(["", "", "", "", "", "青霉素过敏", "磺胺类过敏", "头孢类过敏"])
        notes = r.choice(["", "", "", "", "独居老人", "外出务工，春节返乡", "低保户"])
        return DemoResident(
            name=self.name(sex),
            sex=sex,
            birth_date=born,
            id_number=id_number,
            phone=self.phone(),
            village=village,
            address=f"来安县桃花镇{village}{r.choice(GROUPS)}{r.randrange(1, 80)}号",
            record_number=f"{RECORD_PREFIX}{self.seq:05d}",
            payment_type=self.payment(),
            allergies=allergies,
            notes=notes,
        )
