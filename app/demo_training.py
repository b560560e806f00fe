"""A realistic year of training records for the demo clinic."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from app.domain.training import ACTIVITY_TYPES, ActivityInput, Attendance
from app.services.bundle import AppServices

STAFF = [
    ("王建国", "院办", "副主任医师", "临床"),
    ("李秀英", "内科", "主治医师", "临床"),
    ("赵敏", "护理部", "主管护师", "护理"),
    ("陈志强", "内科", "医师", "临床"),
    ("刘芳", "妇产科", "主治医师", "临床"),
    ("张伟", "外科", "医师", "临床"),
    ("杨丽", "公卫科", "医师", "公共卫生"),
    ("黄静", "护理部", "护师", "护理"),
    ("周敏", "药房", "药师", "药学"),
    ("吴涛", "检验科", "检验师", "医技"),
    ("徐红", "中医科", "主治中医师", "中医"),
    ("孙磊", "放射科", "技师", "医技"),
    ("马丽", "护理部", "护士", "护理"),
    ("朱军", "急诊科", "医师", "临床"),
    ("胡平", "桃花村卫生室", "乡村医生", "乡村医生"),
    ("郭兰", "黄庄村卫生室", "乡村医生", "乡村医生"),
    ("何勇", "新集村卫生室", "乡村医生", "乡村医生"),
    ("林梅", "双塘村卫生室", "乡村医生", "乡村医生"),
    ("罗刚", "赵店村卫生室", "乡村医生", "乡村医生"),
    ("高霞", "西王村卫生室", "乡村医生", "乡村医生"),
]
TOPICS = {
    "讲座/业务培训": [
        "高血压规范化管理",
        "2型糖尿病胰岛素使用",
        "慢阻肺长期管理",
        "合理使用抗菌药物",
    ],
    "教学查房": ["脑梗死恢复期康复", "社区获得性肺炎", "心衰患者容量管理"],
    "手术示教": ["清创缝合术", "体表肿物切除术"],
    "病例讨论(疑难/死亡)": ["不明原因发热病例讨论", "糖尿病足病例讨论"],
    "会诊": ["疑难高血压会诊"],
    "门诊带教/坐诊": ["心内科专家门诊带教", "儿科门诊带教"],
    "技能操作培训": ["心肺复苏（CPR）", "静脉输液规范", "心电图判读"],
    "远程培训": ["基层慢病管理远程课程"],
    "义诊": ["重阳节老年人义诊"],
}


def seed_training(services: AppServices, year: int | None = None, seed: int = 7) -> None:
    t = services.training
    rnd = random.Random(seed)
    year = year or services.ctx.today().year
    ids = [t.add_staff(n, d, ti, c, village_doctor=c == "乡村医生").id for n, d, ti, c in STAFF]
    t.staff_left(ids[13], date(year, 6, 30))
    last = min(services.ctx.today(), date(year, 12, 31))
    for i in range(40):
        kind = ACTIVITY_TYPES[i % len(ACTIVITY_TYPES)]
        day = date(year, 1, 8) + timedelta(
            days=rnd.randrange(max((last - date(year, 1, 8)).days, 1))
        )
        start = time(rnd.choice([8, 9, 14, 15]), rnd.choice([0, 30]))
        hours = rnd.choice([1.5, 2.0, 3.0])
        end = (datetime.combine(day, start) + timedelta(hours=hours)).time()
        # National remote courses carry I类 credits; local lectures and skills training II类.
        credit_class = {"远程培训": "I类", "讲座/业务培训": "II类", "技能操作培训": "II类"}.get(
            kind, "无"
        )
        a = t.plan_activity(
            ActivityInput(
                activity_type=kind,
                day=day,
                start=start,
                end=end,
                hours=hours,
                topic=rnd.choice(TOPICS[kind]),
                place="卫生院三楼会议室",
                lecturer=rnd.choice(["陈主任", "刘主任", "吴副主任", "孙护士长"]),
                lecturer_unit="来安县人民医院",
                lecturer_title=rnd.choice(["主任医师", "副主任医师"]),
                organiser="来安县人民医院",
                credit_class=credit_class,
                recorder="王建国",
                # skills and remote sessions belong to a few numbered courses (培训班期);
                # lectures stand alone (学术讲座场); credits follow the hours
                course=(
                    f"{year}年第{i % 3 + 1}期"
                    f"{'急救技能' if kind == '技能操作培训' else '远程继续教育'}培训班"
                    if kind in ("技能操作培训", "远程培训")
                    else ""
                ),
            )
        )
        marks = {}
        for sid in ids:
            if sid == ids[13] and day >= date(year, 6, 30):
                continue
            x = rnd.random()
            marks[sid] = (
                Attendance.PRESENT
                if x < 0.7
                else Attendance.LATE
                if x < 0.8
                else Attendance.LEAVE
                if x < 0.9
                else Attendance.ABSENT
            )
        t.record_attendance(a.id, marks)
        if rnd.random() < 0.6:
            t.close_activity(a.id)
    t.add_secondment(
        ids[3],
        "来安县人民医院",
        date(year, 3, 1),
        date(year, 8, 31),
        "心血管内科",
        "心内科",
        "陈主任",
        "完成进修任务，能独立处理常见心血管急症",
    )
    t.add_secondment(
        ids[7],
        "来安县人民医院",
        date(year, 4, 1),
        date(year, 6, 30),
        "急诊科",
        "急诊护理",
        "孙护士长",
    )
    t.add_stationing(
        "刘建华",
        "来安县人民医院",
        date(year, 1, 1),
        date(year, 6, 30),
        {
            "outpatient_visits": 860,
            "operations": 12,
            "teaching_rounds": 24,
            "surgery_demos": 6,
            "consultations": 15,
            "lectures": 8,
            "trainees": 96,
            "mentees": 5,
            "new_techniques": 2,
        },
        "副主任医师",
        "普外科",
    )
